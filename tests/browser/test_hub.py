"""A real JupyterHub spawns the dashboard for each learner behind its configurable-http-proxy.

The hub runs ``jupyterhub -f docs/jupyterhub_config.py`` (the file docs/deploy.md gives) with only
the test's own choices added on the command line (:func:`hub_test_arguments`): loopback ports, the
proxy from tests/node, a dummy login, and SimpleLocalProcessSpawner, which runs every learner's
server as the hub's own user (so no system users are needed; jupyterhub says it is for testing).
Chromium reaches the hub as ``hub.localhost`` (Chromium resolves ``*.localhost`` to loopback), the
name docs/jupyterhub_config.py is told through ``BACKCARE_HUB_URL``, so the dashboard's host
allow-list is exercised through the hub's proxy.

Two learners log in, each lands on the dashboard, moves the days slider and sees the plan change,
opens a deep link, is refused /lab, /tree, the contents API, terminals and the other learner's
server, and logs out, which stops their server. The memory each learner's server costs is written
to tests/artifacts/hub-memory.json (docs/deploy.md quotes it).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import services

from backcare_nb import Scenario, build_plan, load_content
from benchmarks.browser import free_port

pytestmark = pytest.mark.browser

REPO = services.REPO
HUB_CONFIG = REPO / "docs" / "jupyterhub_config.py"
ARTIFACTS = REPO / "tests" / "artifacts"
BIN = Path(sys.executable).parent
PASSWORD = "a-password-for-the-test"  # DummyAuthenticator: this one password for every name
LEARNERS = ("alice", "bob")
PAGE_READY_MS = 120_000  # log in, spawn, start the dashboard, run the notebook: on a busy machine
UPDATE_MS = 30_000


@dataclass
class Hub:
    origin: str  # what the learners type: http://hub.localhost:PORT
    process: object
    log_path: Path

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def servers(self) -> dict[str, list[int]]:
        """Each learner's running server: the standalone proxy's pid first, then what runs below it."""
        found = {}
        for pid in services.descendants(self.process.pid):
            command = services.command_line(pid)
            if any(part.endswith("jupyter-standaloneproxy") for part in command[:2]):
                home = Path(os.readlink(f"/proc/{pid}/cwd")).name
                found[home] = [pid, *services.descendants(pid)]
        return found


def hub_test_arguments(tmp: Path, port: int, chp: str) -> list[str]:
    """What the test adds to docs/jupyterhub_config.py, on the command line (which wins over the file)."""
    return [
        f"--JupyterHub.bind_url=http://127.0.0.1:{port}/",
        f"--JupyterHub.hub_bind_url=http://127.0.0.1:{free_port()}",
        f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{free_port()}",
        f"--ConfigurableHTTPProxy.command={chp}",
        "--JupyterHub.authenticator_class=dummy",
        f"--DummyAuthenticator.password={PASSWORD}",
        "--Authenticator.allow_all=True",
        "--JupyterHub.spawner_class=simple",
        f"--SimpleLocalProcessSpawner.home_dir_template={tmp}/home/{{username}}",
        f"--JupyterHub.db_url=sqlite:///{tmp}/jupyterhub.sqlite",
        f"--JupyterHub.cookie_secret_file={tmp}/jupyterhub_cookie_secret",
    ]


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Iterator[Hub]:
    chp = services.require_tool(
        [services.NODE_BIN / "configurable-http-proxy"],
        "configurable-http-proxy (JupyterHub's proxy)",
        "`make node` installs it from tests/node/package-lock.json",
    )
    tmp = tmp_path_factory.mktemp("hub")
    port = free_port()
    origin = f"http://hub.localhost:{port}"
    environment = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",  # jupyter-standaloneproxy, backcare-nb
        "BACKCARE_HUB_URL": f"{origin}/",
    }
    command = [str(BIN / "jupyterhub"), "-f", str(HUB_CONFIG), *hub_test_arguments(tmp, port, chp)]
    log_path = ARTIFACTS / "hub.log"
    process = services.start(command, log_path, cwd=tmp, env=environment)
    try:
        services.wait_until_answering(f"http://127.0.0.1:{port}/hub/health", process, log_path)
        yield Hub(origin=origin, process=process, log_path=log_path)
    finally:
        services.stop(process)


def stage_text(days: int) -> str:
    return build_plan(Scenario(days_since_onset=days), load_content()).stage.label


def log_in(page, hub: Hub, name: str) -> None:
    # Just after start-up the proxy may answer before the hub's route is in place (an error page that
    # never turns into the form): ask again until the login form is there, within PAGE_READY_MS.
    field = page.locator("input[name=username]")
    for _ in range(PAGE_READY_MS // 15_000):
        page.goto(f"{hub.origin}/hub/login", wait_until="domcontentloaded")
        try:
            field.wait_for(state="visible", timeout=15_000)
            break
        except Exception:
            continue
    field.wait_for(state="visible", timeout=15_000)
    page.locator("input[name=username]").fill(name)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()


def days_slider(page):
    return page.locator(".widget-slider [role=slider]").first


def test_two_learners_each_get_only_their_own_dashboard(hub: Hub, browser, tmp_path: Path) -> None:
    contexts = {name: browser.new_context(viewport={"width": 1280, "height": 900}) for name in LEARNERS}
    pages = {name: context.new_page() for name, context in contexts.items()}
    try:
        # Each learner logs in and lands on the dashboard at /user/NAME/, nothing else to do.
        for name, page in pages.items():
            log_in(page, hub, name)
        for name, page in pages.items():
            page.locator(".bc-stage").first.wait_for(state="visible", timeout=PAGE_READY_MS)
            assert page.url.startswith(f"{hub.origin}/user/{name}/"), page.url

        # A deep link, in the form that works for anyone on the hub (the handouts' QR code uses it).
        for page in pages.values():
            page.goto(f"{hub.origin}/hub/user-redirect/?days=7&episode=first", wait_until="domcontentloaded")
        for name, page in pages.items():
            page.locator(".bc-stage").first.wait_for(state="visible", timeout=PAGE_READY_MS)
            assert re.fullmatch(rf"{re.escape(hub.origin)}/user/{name}/\?days=7&episode=first", page.url), page.url
            expect_banner(page, "Day 7", stage_text(7))

        # The days slider, by keyboard: day 8 is past the article's acute week, so the plan changes.
        for page in pages.values():
            handle = days_slider(page)
            handle.focus()
            handle.press("ArrowRight")
        for page in pages.values():
            expect_banner(page, "Day 8", stage_text(8))
        assert stage_text(7) != stage_text(8)

        memory = measure(hub)
        (ARTIFACTS / "hub-memory.json").write_text(json.dumps(memory, indent=2) + "\n", encoding="utf-8")
        print("memory per learner (MB):", json.dumps(memory))

        # Only Voila: no JupyterLab, file tree, contents API or terminals behind the learner's URL.
        alice = pages["alice"]
        for path in ("lab", "tree", "api/contents", "api/terminals", "terminals/1", "api/kernelspecs"):
            response = alice.goto(f"{hub.origin}/user/alice/{path}", wait_until="domcontentloaded")
            assert response.status in (403, 404, 405), f"/user/alice/{path}: {response.status}"
        # Starting a kernel to run code in, from the learner's own page (Node's resolver knows no hub.localhost).
        started = alice.evaluate("async url => (await fetch(url, {method: 'POST', body: '{}'})).status", "api/kernels")
        assert started in (403, 404, 405), f"POST /user/alice/api/kernels: {started}"
        # ... and not the other learner's dashboard.
        response = alice.goto(f"{hub.origin}/user/bob/", wait_until="domcontentloaded")
        assert response.status == 403, response.status
        assert alice.locator(".bc-stage").count() == 0

        # Logging out ends the session and stops that learner's server.
        for page in pages.values():
            page.goto(f"{hub.origin}/hub/logout", wait_until="domcontentloaded")
        wait_for(lambda: not hub.servers(), "the learners' servers to stop after logging out")
        alice.goto(f"{hub.origin}/user/alice/", wait_until="domcontentloaded")
        assert "/hub/login" in alice.url, alice.url
        assert alice.locator(".bc-stage").count() == 0
    except Exception:
        for name, page in pages.items():  # what each learner saw, for the failure report
            page.screenshot(path=str(ARTIFACTS / f"hub-{name}.png"), full_page=True)
            (ARTIFACTS / f"hub-{name}.html").write_text(f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8")
        raise
    finally:
        for context in contexts.values():
            context.close()


def test_the_idle_culler_runs_with_the_documented_command(hub: Hub) -> None:
    # The culler asks the hub for its users as soon as it starts: a 200 means its role lets it see
    # and stop servers (a 403 here would leave every server running forever).
    processes = services.descendants(hub.process.pid)
    culler = next(pid for pid in processes if "jupyterhub_idle_culler" in services.command_line(pid))
    assert services.command_line(culler)[1:] == [
        "-m",
        "jupyterhub_idle_culler",
        "--timeout=3600",
        "--cull-every=600",
    ]
    wait_for(lambda: re.search(r"200 GET /hub/api/users\S* .*jupyterhub-idle-culler", hub.log_text()), "the culler")


def expect_banner(page, day: str, stage: str) -> None:
    from playwright.sync_api import expect

    banner = page.locator(".bc-stage").first
    expect(banner).to_contain_text(day, timeout=UPDATE_MS)
    expect(banner).to_contain_text(stage, timeout=UPDATE_MS)
    assert banner.inner_text().startswith(day)


def measure(hub: Hub) -> dict:
    """Memory of each learner's server: the standalone proxy, the dashboard's Voila server and its
    kernels (one page open each), and the hub and its proxy, shared by everyone."""
    learners = {}
    for name, pids in hub.servers().items():
        parts: dict[str, dict[str, float]] = {}
        for pid in pids:
            command = " ".join(services.command_line(pid))
            if "jupyter-standaloneproxy" in command:
                role = "standalone proxy"
            elif "backcare_nb.kernel" in command or "ipykernel" in command:
                role = "kernel"
            elif "backcare-nb dashboard" in command:
                role = "dashboard server"
            else:
                continue
            figures = services.memory_mb(pid)
            total = parts.setdefault(role, {"rss": 0.0, "pss": 0.0})
            for key in total:
                total[key] = round(total[key] + figures.get(key, 0.0), 1)
        parts["total"] = {key: round(sum(part[key] for part in parts.values()), 1) for key in ("rss", "pss")}
        learners[name] = parts
    shared = {"hub": services.memory_mb(hub.process.pid)}
    for pid in services.descendants(hub.process.pid):
        command = " ".join(services.command_line(pid))
        if "configurable-http-proxy" in command:
            shared["configurable-http-proxy"] = services.memory_mb(pid)
        elif "jupyterhub_idle_culler" in command:
            shared["idle culler"] = services.memory_mb(pid)
    return {"per learner": learners, "shared": shared}


def wait_for(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"waited {seconds} s for {what}")
