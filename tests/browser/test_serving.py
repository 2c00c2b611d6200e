"""The server `backcare-nb dashboard` starts: its configuration, what it refuses to serve, its CLI.

These talk HTTP to the same session server as the browser tests (no browser needed), or read the
committed configuration the way Voilà reads it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from traitlets.config.loader import JSONFileConfigLoader

from backcare_nb import serve
from backcare_nb.cli import build_parser

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def status_of(url: str, follow: bool = True) -> int:
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def committed_config():
    return JSONFileConfigLoader("voila.json", path=str(serve.VOILA_CONFIG_DIR)).load_config()


def test_committed_config_hardens_the_server():
    config = committed_config()
    assert config.VoilaConfiguration.strip_sources is True
    assert config.VoilaConfiguration.show_tracebacks is False
    assert config.VoilaConfiguration.template == serve.TEMPLATE_NAME
    assert config.VoilaConfiguration.allow_template_override == "NO"
    assert config.VoilaConfiguration.allow_theme_override == "NO"
    assert config.VoilaConfiguration.file_allowlist == []
    assert config.VoilaConfiguration.file_denylist == [".*"]
    assert config.Voila.ip == "127.0.0.1"
    assert config.MappingKernelManager.cull_idle_timeout > 0
    assert 0 < config.MappingKernelManager.cull_interval <= config.MappingKernelManager.cull_idle_timeout
    assert config.MappingKernelManager.cull_connected is True


def test_voila_is_pointed_at_the_committed_config_only():
    argv = serve.voila_argv(serve.ServeOptions(open_browser=False))
    assert argv[0] == str(serve.dashboard_notebook())
    assert [arg for arg in argv if arg.startswith("--Voila.config_file_paths")] == [
        f"--Voila.config_file_paths={serve.VOILA_CONFIG_DIR}"
    ]
    assert "--Voila.ip=127.0.0.1" in argv
    assert not any("preheat" in arg for arg in argv)
    preheated = serve.voila_argv(serve.ServeOptions(preheat=3, cull_idle_seconds=20, token="s3cret"))
    assert "--VoilaConfiguration.preheat_kernel=True" in preheated
    assert "--VoilaConfiguration.default_pool_size=3" in preheated
    assert "--MappingKernelManager.cull_idle_timeout=20" in preheated
    assert "--MappingKernelManager.cull_interval=20" in preheated
    assert "--Voila.token=s3cret" in preheated


def test_the_notebook_argument_picks_the_one_notebook_served():
    parser = build_parser()
    assert parser.parse_args(["dashboard"]).notebook == "dashboard"
    for name in ("dashboard", "quiz", "evidence"):
        args = parser.parse_args(["dashboard", "--notebook", name])
        argv = serve.voila_argv(serve.ServeOptions(notebook_name=args.notebook))
        assert argv[0] == str(REPO / "notebooks" / f"{name}.ipynb")
        # Exactly one notebook, with the same hardened configuration whichever it is.
        assert [arg for arg in argv if arg.endswith(".ipynb")] == [argv[0]]
        assert f"--Voila.config_file_paths={serve.VOILA_CONFIG_DIR}" in argv
    assert serve.voila_argv(serve.ServeOptions(notebook_name="quiz"))[1:] == serve.voila_argv(serve.ServeOptions())[1:]


def test_the_template_is_found_on_the_jupyter_path_and_extends_lab():
    from voila.paths import collect_template_paths

    environ = {"JUPYTER_PATH": "/elsewhere"}
    serve.prepare_environment(serve.ServeOptions(), environ)
    assert environ["JUPYTER_PATH"].split(":")[:2] == [str(serve.JUPYTER_DATA_DIR), "/elsewhere"]
    template_dir = serve.JUPYTER_DATA_DIR / "voila" / "templates" / serve.TEMPLATE_NAME
    source = (template_dir / "index.html.j2").read_text(encoding="utf-8")
    assert "cdn." not in source and "https://" not in source
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(serve.JUPYTER_DATA_DIR))
        paths = collect_template_paths(["voila", "nbconvert"], serve.TEMPLATE_NAME, prune=True)
    assert paths[0] == str(template_dir)
    assert any(path.endswith("voila/templates/lab") for path in paths)


def test_no_files_source_or_directory_tree_are_served(dashboard_server):
    origin = dashboard_server.origin
    for path in (
        "/voila/files/dashboard.ipynb",
        "/voila/files/../data/red_flags.csv",
        "/voila/files/README.md",
        "/voila/files/timeline.png",
        "/voila/tree",
        "/voila/render/dashboard.ipynb",
        "/voila/api/contents",
        "/data/red_flags.csv",
    ):
        assert status_of(origin + path) in (403, 404), path
    # Anything but the root is sent to the (closed) files handler, never rendered.
    assert status_of(origin + "/voila/tree", follow=False) == 302


def test_the_static_assets_the_page_needs_are_served_locally(dashboard_server):
    assert status_of(dashboard_server.origin + "/voila/static/voila.js") == 200
    assert status_of(dashboard_server.origin + "/voila/static/voila-style.js") == 200


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--port", "eighty"], "--port must be a whole number"),
        (["--port", "70000"], "--port must be from 1 to 65535"),
        (["--theme", "blue"], "invalid choice: 'blue'"),
        (["--preheat", "-1"], "--preheat must be from 0 to 64"),
        (["--cull-idle", "0"], "--cull-idle must be from 1"),
        (["--colour"], "unrecognized arguments: --colour"),
        (["--notebook", "explore"], "argument --notebook: invalid choice: 'explore'"),
        (["--notebook"], "argument --notebook: expected one argument"),
    ],
)
def test_bad_dashboard_arguments_exit_2_with_one_line(arguments, message):
    result = subprocess.run(
        [sys.executable, "-m", "backcare_nb", "dashboard", "--no-browser", *arguments],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_a_token_keeps_out_viewers_without_it(start_server):
    server = start_server("token", "--token", "s3cret-for-tests")
    assert status_of(server.origin + "/", follow=False) == 302
    assert location_of(server.origin + "/").startswith("/login")
    # The login form asks for the token; it loads nothing from outside the server either.
    with urllib.request.urlopen(server.origin + "/login", timeout=10) as response:
        login = response.read().decode("utf-8")
    assert re.findall(r"""<(?:link|script)[^>]+(?:href|src)=["']?(?:https?:)?//""", login) == []


def location_of(url: str) -> str:
    """Where ``url`` redirects to ("" when it does not)."""
    try:
        urllib.request.build_opener(_NoRedirect).open(url, timeout=10).close()
    except urllib.error.HTTPError as error:
        return error.headers.get("Location", "")
    return ""
