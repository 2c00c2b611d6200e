"""Fixtures for the browser tests: the real dashboard server and a real Chromium.

- ``dashboard_server`` (session): ``python -m backcare_nb dashboard --port <free> --no-browser``, the
  command the README gives, on a free loopback port; stopped (its process group, kernels included)
  at the end of the session.
- ``browser`` (session): Debian's Chromium driven by Playwright, headless. Found through
  ``$BACKCARE_CHROMIUM``, /usr/bin/chromium or ``chromium`` on the PATH; when none is there the
  tests fail (never skip) and say how to install it. Playwright never downloads a browser here.
- ``static_server(folder, log_name)``: a context manager serving a built static site with
  ``python -m http.server`` on a free loopback port (test_static_site.py, test_installed_shapes.py).
- ``start_dashboard_server(..., program=, cwd=, env=, port=)`` starts any installed copy's
  ``backcare-nb dashboard`` (test_installed_shapes.py runs the wheel's, from a folder outside the checkout).
- ``quiz_server`` and ``dark_server`` (module): the same command with ``--notebook quiz`` or
  ``--theme dark``, for test_teaching_browser.py; stopped when their module is done.
- ``dashboard`` (per test): a fresh browser context and page opened on the server, with every
  request URL, every websocket frame received and every dialog recorded for the checks in
  test_dashboard_browser.py, and helpers that read what a viewer sees. A test may point it at
  another server (``dashboard.server = quiz_server``) before opening the page.

A failing test leaves a screenshot (and the page's HTML) in tests/artifacts/.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from benchmarks.browser import CHROMIUM_ARGS, CHROMIUM_MISSING, chromium_path, free_port

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
SERVER_START_SECONDS = 90
# A cold kernel imports pandas and matplotlib and runs the notebook: allow for a slow CI machine.
PAGE_READY_MS = 90_000
UPDATE_MS = 30_000

# --- finding things -------------------------------------------------------------------------------


def find_chromium() -> str:
    """Debian's Chromium; the test fails (never skips) when it is not installed."""
    path = chromium_path()
    if path is None:
        pytest.fail(CHROMIUM_MISSING, pytrace=False)
    return path


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (kernels included), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def kernel_pids(server_pid: int) -> list[int]:
    """The kernel processes the server ``server_pid`` has running."""
    kernels = []
    for pid in _descendants(server_pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            # The server starts kernels through backcare_nb.kernel (memory limit), others directly.
            if b"ipykernel" in command or b"backcare_nb.kernel" in command:
                kernels.append(pid)
        except OSError:
            continue
    return kernels


# --- the server -----------------------------------------------------------------------------------


@dataclass
class DashboardServer:
    """A running ``backcare-nb dashboard``: its origin (``http://127.0.0.1:<port>``) and log file."""

    origin: str
    process: subprocess.Popen
    log_path: Path

    def url(self, query: str = "") -> str:
        return f"{self.origin}/{query}"

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_dashboard_server(
    log_path: Path,
    *extra: str,
    program: tuple[str, ...] = (sys.executable, "-m", "backcare_nb"),
    cwd: Path = REPO,
    env: dict[str, str] | None = None,
    port: int | None = None,
) -> DashboardServer:
    """Start the dashboard with the project's own command and wait until it answers HTTP.

    ``program`` is the command before ``dashboard`` (an installed venv's ``backcare-nb``, say), run
    in ``cwd`` with ``env`` (default: this process's environment) on ``port`` (default: a free one).
    """
    port = port or free_port()
    command = [*program, "dashboard", "--port", str(port), "--no-browser", *extra]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=os.environ.copy() if env is None else env,
    )
    log.close()
    origin = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            # A cheap page that needs no kernel: any HTTP answer means the server is up.
            urllib.request.urlopen(f"{origin}/voila/static/voila.js", timeout=2).close()
            return DashboardServer(origin=origin, process=process, log_path=log_path)
        except urllib.error.HTTPError:
            return DashboardServer(origin=origin, process=process, log_path=log_path)
        except OSError:
            time.sleep(0.25)
    stop_dashboard_server(process)
    raise RuntimeError(f"{' '.join(command)} did not answer within {SERVER_START_SECONDS} s:\n{log_path.read_text()}")


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the process's group; SIGKILL the group if the process is still there after 20 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def stop_dashboard_server(process: subprocess.Popen) -> None:
    """SIGTERM the server's process group (Voilà then shuts its kernels down); SIGKILL stragglers."""
    stragglers = kernel_pids(process.pid)
    stop_group(process)
    # Kernels normally go with the server; kill those still alive (every process descends from 1).
    for pid in set(stragglers) & set(kernel_pids(1)) if stragglers else ():
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def start_server() -> Iterator:
    """A function starting more dashboard servers (``start_server(name, *arguments)``), all stopped
    at the end of the session."""
    started: list[DashboardServer] = []

    def start(name: str, *arguments: str) -> DashboardServer:
        server = start_dashboard_server(ARTIFACTS / f"{name}-server.log", *arguments)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_dashboard_server(server.process)


@pytest.fixture(scope="session")
def dashboard_server(start_server) -> DashboardServer:
    """The dashboard as the README starts it, shared by the session's tests."""
    return start_server("dashboard")


@contextlib.contextmanager
def static_server(folder: Path, log_name: str, ready_path: str = "") -> Iterator[str]:
    """``python -m http.server`` serving ``folder`` on a free loopback port, as any static host
    would; yields its origin once ``ready_path`` answers, and stops it on the way out."""
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (ARTIFACTS / log_name).open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(folder), str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            origin = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"{origin}/{ready_path}", timeout=2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            yield origin
        finally:
            server.terminate()
            server.wait(timeout=10)


@contextlib.contextmanager
def server_for_module(name: str, *arguments: str) -> Iterator[DashboardServer]:
    """A server of its own for one test module, stopped when the module is done (so a session
    never holds more than the shared dashboard server and one module's server)."""
    server = start_dashboard_server(ARTIFACTS / f"{name}-server.log", *arguments)
    try:
        yield server
    finally:
        stop_dashboard_server(server.process)


@pytest.fixture(scope="module")
def quiz_server() -> Iterator[DashboardServer]:
    """``backcare-nb dashboard --notebook quiz``: the self-check quiz, alone on its server."""
    with server_for_module("quiz", "--notebook", "quiz") as server:
        yield server


@pytest.fixture(scope="module")
def dark_server() -> Iterator[DashboardServer]:
    """``backcare-nb dashboard --theme dark``: the dashboard in JupyterLab's dark theme."""
    with server_for_module("dark", "--theme", "dark") as server:
        yield server


@pytest.fixture
def running_kernels(dashboard_server):
    """A function returning the set of kernel process ids the session server has running now."""
    return lambda: set(kernel_pids(dashboard_server.process.pid))


# --- the browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    executable = find_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@dataclass
class DashboardPage:
    """One viewer's page, with what it requested and received recorded, and readers for its text."""

    page: object
    server: DashboardServer
    requests: list[str] = field(default_factory=list)
    frames: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    # navigation
    def open(self, query: str = "", ready: str = ".bc-stage") -> DashboardPage:
        """Open the page (``query`` like ``"?days=10"``) and wait until ``ready`` is shown (by
        default the dashboard's stage banner; the quiz server's page has ``.bc-quiz`` instead)."""
        self.page.goto(self.server.url(query), wait_until="domcontentloaded")
        self.page.locator(ready).first.wait_for(state="visible", timeout=PAGE_READY_MS)
        return self

    # what the viewer reads
    def text(self, selector: str) -> str:
        locator = self.page.locator(selector)
        return " ".join(locator.all_inner_texts())

    def item_ids(self) -> list[str]:
        return [item.get_attribute("data-item-id") for item in self.page.locator(".bc-plan .bc-item").all()]

    # controls, found by their visible labels as a viewer (or a screen reader) finds them
    def slider_handle(self, label: str):
        # The page's template names each slider handle after its label (or, for the days, its tooltip).
        return self.page.get_by_role("slider", name=label, exact=True)

    def slider_value(self, label: str) -> int:
        """The number a slider shows: the day of the days slider (its stops are uneven), else its value."""
        handle = self.slider_handle(label)
        text = handle.get_attribute("aria-valuetext") or ""
        if text.startswith("Day "):
            return int(text.removeprefix("Day "))
        return round(float(handle.get_attribute("aria-valuenow")))

    def day_box(self):
        """The number box for the days since onset (any day 0-365)."""
        return self.page.get_by_label("Days since onset (0-365)")

    def select(self, label: str):
        return self.page.get_by_label(label, exact=True)

    def checkbox(self, label: str):
        """A checkbox by its label; the folded groups (red flags, cautions) are opened first if need be."""
        box = self.page.get_by_role("checkbox", name=label, exact=True)
        if not box.first.is_visible():  # folded away: hidden boxes are not in the accessibility tree
            # Handles, not a locator: each click changes its button's text from "(show)" to "(hide)".
            for button in self.page.locator("button.bc-disclosure", has_text="(show)").element_handles():
                button.click()
            box.first.wait_for(state="visible", timeout=UPDATE_MS)
        return box

    # waiting for the kernel's answer
    def expect_text(self, selector: str, text: str) -> None:
        from playwright.sync_api import expect

        expect(self.page.locator(selector).first).to_contain_text(text, timeout=UPDATE_MS)

    def html(self) -> str:
        return self.page.content()

    def received(self) -> str:
        """Everything the websocket delivered so far, as text."""
        return "\n".join(self.frames)


def _frame_text(payload) -> str:
    if isinstance(payload, bytes | bytearray):
        return bytes(payload).decode("utf-8", errors="replace")
    return str(payload)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so a fixture can tell whether its test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def dashboard(request, browser, dashboard_server) -> Iterator[DashboardPage]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    viewer = DashboardPage(page=page, server=dashboard_server)
    page.on("request", lambda req: viewer.requests.append(req.url))

    def on_websocket(websocket) -> None:
        viewer.websockets.append(websocket.url)
        websocket.on("framereceived", lambda payload: viewer.frames.append(_frame_text(payload)))

    page.on("websocket", on_websocket)

    def on_dialog(dialog) -> None:
        viewer.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield viewer
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
        except Exception as error:  # the page may be the thing that broke
            print(f"could not save a screenshot for {name}: {error}")
    # Closing with beforeunload lets Voilà shut this viewer's kernel down, as a real tab close does.
    try:
        if not page.is_closed():
            with page.expect_event("close"):
                page.close(run_before_unload=True)
    finally:
        context.close()
