"""Serve the dashboard with Voilà and the project's own configuration: ``backcare-nb dashboard``.

What this adds to a bare ``voila notebooks/dashboard.ipynb``:

- the committed configuration in ``backcare_nb/voila_config/voila.json`` (sources stripped, no
  tracebacks, no files under /voila/files, template and theme not overridable from the URL, idle
  kernels culled, bound to localhost), and only that file: ``Voila.config_file_paths`` is set to
  its folder, so a voila.json in the working directory or in a Jupyter config folder is ignored;
- the ``backcare`` template (``backcare_nb/share/jupyter/voila/templates/backcare``): Voilà's lab
  template without its CDN stylesheets, found through ``JUPYTER_PATH``;
- a single notebook served at the site root (no directory tree): the dashboard, or with
  ``--notebook quiz`` / ``--notebook evidence`` the self-check quiz or the evidence lens, found next
  to the package in a checkout and inside it in a wheel;
- the serving limits of ``backcare_nb/limits.py`` (a kernel cap with a "room is full" page, a
  memory limit per kernel, a host allow-list, no token in the log), applied by
  ``backcare_nb/room.py``'s subclass of Voilà.

Nothing here imports Voilà until :func:`serve` runs, so ``backcare-nb plan`` stays fast.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from backcare_nb import limits

PACKAGE_DIR = Path(__file__).resolve().parent
VOILA_CONFIG_DIR = PACKAGE_DIR / "voila_config"
JUPYTER_DATA_DIR = PACKAGE_DIR / "share" / "jupyter"
TEMPLATE_NAME = "backcare"
THEMES = ("light", "dark")
TOKEN_ENV = "BACKCARE_TOKEN"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "0.0.0.0", "")
#: The notebooks ``backcare-nb dashboard --notebook NAME`` can serve (one per server): name -> file.
NOTEBOOKS = {"dashboard": "dashboard.ipynb", "quiz": "quiz.ipynb", "evidence": "evidence.ipynb"}
DEFAULT_NOTEBOOK = "dashboard"


def notebook_path(name: str = DEFAULT_NOTEBOOK) -> Path:
    """A servable notebook by name (a key of :data:`NOTEBOOKS`): ``backcare_nb/notebooks/`` in a
    wheel, else the checkout's notebooks/. ``KeyError`` for another name."""
    file_name = NOTEBOOKS[name]
    for folder in (PACKAGE_DIR / "notebooks", PACKAGE_DIR.parent / "notebooks"):
        candidate = folder / file_name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"{file_name} not found in {PACKAGE_DIR / 'notebooks'} or {PACKAGE_DIR.parent / 'notebooks'}"
    )


def dashboard_notebook() -> Path:
    """The dashboard notebook: ``backcare_nb/notebooks/`` in a wheel, else the checkout's notebooks/."""
    return notebook_path("dashboard")


@dataclass(frozen=True)
class ServeOptions:
    """What ``backcare-nb dashboard`` was asked for; every field has the command line's default."""

    port: int = 8866
    host: str = "127.0.0.1"
    token: str | None = None
    theme: str = "light"
    preheat: int = 0
    open_browser: bool = True
    cull_idle_seconds: int | None = None
    base_url: str = "/"
    notebook: Path | None = None  # a notebook file; when set, ``notebook_name`` is not used
    notebook_name: str = DEFAULT_NOTEBOOK  # a key of NOTEBOOKS
    max_kernels: int | None = None  # None: sized to the machine's memory (limits.default_max_kernels)
    kernel_memory_mb: int = limits.DEFAULT_KERNEL_MEMORY_MB  # 0: no limit
    allowed_hosts: tuple[str, ...] = ()  # host names beyond loopback and the bound address
    public_url: str | None = None  # the address viewers use; its host name is allowed too
    class_db: str | None = None  # live class store: a directory (SQLite) or a postgresql:// URL


def voila_argv(options: ServeOptions) -> list[str]:
    """The Voilà command line (without the program name) for ``options``.

    Values given here override voila.json; everything else comes from voila.json.
    """
    notebook = options.notebook or notebook_path(options.notebook_name)
    base_url = "/" + options.base_url.strip("/") + "/" if options.base_url.strip("/") else "/"
    argv = [
        str(notebook),
        f"--Voila.config_file_paths={VOILA_CONFIG_DIR}",
        f"--Voila.port={options.port}",
        f"--Voila.ip={options.host}",
        f"--Voila.base_url={base_url}",
        f"--VoilaConfiguration.theme={options.theme}",
        f"--Voila.open_browser={options.open_browser}",
        "--VoilaConfiguration.multi_kernel_manager_class=backcare_nb.room.RoomKernelManager",
        f"--RoomKernelManager.max_kernels={max_kernels(options)}",
        f"--LimitedKernelManager.memory_limit_mb={options.kernel_memory_mb}",
    ]
    for name in sorted(limits.allowed_host_names(options.host, options.public_url, options.allowed_hosts)):
        argv.append(f"--RoomVoila.allowed_hosts={name}")
    if options.token:
        argv.append(f"--Voila.token={options.token}")
    if options.preheat > 0:
        argv.append("--VoilaConfiguration.preheat_kernel=True")
        argv.append(f"--VoilaConfiguration.default_pool_size={options.preheat}")
    if options.cull_idle_seconds is not None:
        argv.append(f"--MappingKernelManager.cull_idle_timeout={options.cull_idle_seconds}")
        # Check at least as often as the timeout, so a short timeout (as in the benchmark) bites.
        interval = max(1, min(60, options.cull_idle_seconds))
        argv.append(f"--MappingKernelManager.cull_interval={interval}")
    return argv


def max_kernels(options: ServeOptions) -> int:
    """The kernel cap: as asked, else sized to memory; never below the preheated pool plus one."""
    cap = options.max_kernels if options.max_kernels is not None else limits.default_max_kernels()
    return max(cap, options.preheat + 1)


def prepare_environment(options: ServeOptions, environ: dict[str, str] | None = None) -> None:
    """Put the backcare template on ``JUPYTER_PATH`` and tell preheated kernels where to ask.

    Kernels inherit this environment. A preheated kernel waits for its request over a websocket to
    ``VOILA_APP_IP`` (Voilà assumes 127.0.0.1); when bound to one other address, point it there.
    """
    environ = os.environ if environ is None else environ
    existing = environ.get("JUPYTER_PATH", "")
    paths = [str(JUPYTER_DATA_DIR), *[p for p in existing.split(os.pathsep) if p and p != str(JUPYTER_DATA_DIR)]]
    environ["JUPYTER_PATH"] = os.pathsep.join(paths)
    if options.host not in LOOPBACK_HOSTS:
        environ["VOILA_APP_IP"] = options.host
    if options.public_url:
        environ["BACKCARE_PUBLIC_URL"] = options.public_url  # the handouts' QR code and link
    if options.class_db:
        environ["BACKCARE_CLASS_DB"] = options.class_db  # where every kernel's live class answers meet
    if options.token:
        # A live class's presenter controls also open with the server's token; kernels get its hash only.
        environ["BACKCARE_TOKEN_SHA256"] = hashlib.sha256(options.token.strip().encode("utf-8")).hexdigest()


def serve(options: ServeOptions) -> int:
    """Run Voilà in this process until it is stopped (Ctrl-C or SIGTERM); returns the exit status.

    Voilà shuts its kernels down on the way out.
    """
    prepare_environment(options)
    from backcare_nb.room import RoomVoila  # slow import (Voila, tornado, jupyter_server): only when serving

    app = RoomVoila.instance()
    app.initialize(voila_argv(options))
    app.start()
    return 0
