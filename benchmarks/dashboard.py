"""Whole-dashboard figures against a one-slider Voilà baseline, measured in the same run.

For each notebook (benchmarks/minimal.ipynb, then notebooks/dashboard.ipynb), served with the
project's own Voilà configuration and template (backcare_nb.serve) on a loopback port, driven by
Debian's Chromium through Playwright:

- cold load: navigation to an interactive page (the plan's items, or the baseline's readout),
  each load a fresh kernel;
- preheated load: the same from a server with a pool of one kernel (``--preheat 1``), waiting for
  the pool to refill between loads; for the dashboard, a deep link is checked to be honoured;
- latency: key press on the "Days since onset" slider to the first painted frame with the updated
  text, timed in the page, 30 changes (median, p95);
- kernel memory: VmRSS of each kernel process, read from /proc (no psutil needed);
- concurrency: N viewers (default 30) in one Chromium, each loading and making 10 changes; time
  until all are interactive, errors, kernels left after they leave (half close the tab, half
  vanish as a dropped connection does) and after culling (``--cull`` seconds idle, default 300);
- crowd of page loads: 30 simultaneous HTTP requests for the page (no browser: Voila runs the
  notebook into the page it sends), on a server without preheating and on one with a pool of 5
  (``--crowd-pool``); every page checked for the notebook's widget output, the time until the last
  page arrived, the kernels running afterwards and their resident memory.

Figures, not pass/fail. Prints a table with dashboard/baseline ratios and writes JSON to
benchmarks/results/. Only loopback traffic: the page is checked to request nothing else.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.browser import (
    CHROMIUM_ARGS,
    CHROMIUM_MISSING,
    PRESS_CLOCK,
    PRESS_SECONDS,
    PRESS_SHOWN,
    chromium_path,
    free_port,
    press_pause,
)

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
MINIMAL = Path(__file__).resolve().parent / "minimal.ipynb"
DAYS = "Days since onset"
# Short enough to watch culling happen, long enough that a live viewer's kernel, idle while 29 other
# pages load on the same two cores, is not culled under it (voila.json culls connected kernels too;
# with 60 s, a crowd of 30 dashboards had every kernel culled before its page finished rendering).
CULL_SECONDS = 300
QUICK_CULL_SECONDS = 60
READY_MS = 240_000
UPDATE_MS = 60_000

# Serve an arbitrary notebook exactly as `backcare-nb dashboard` serves the dashboard.
_SERVE_NOTEBOOK = (
    "import sys\n"
    "from pathlib import Path\n"
    "from backcare_nb.serve import ServeOptions, serve\n"
    "port, notebook, preheat, cull = sys.argv[1:5]\n"
    "sys.exit(serve(ServeOptions(port=int(port), open_browser=False, notebook=Path(notebook),\n"
    "                            preheat=int(preheat), cull_idle_seconds=int(cull))))\n"
)


@dataclass(frozen=True)
class Target:
    """A notebook under test and how to read its state in the page."""

    name: str
    ready: str  # selector present once the page is interactive
    readout: str  # selector whose text shows the day
    dashboard: bool

    # The notebook's last cell shows a widget; a page whose output is missing lacks this.
    output_marker: str = "application/vnd.jupyter.widget-view+json"

    def command(self, port: int, preheat: int, cull: int) -> list[str]:
        if self.dashboard:
            return [
                sys.executable,
                "-m",
                "backcare_nb",
                "dashboard",
                "--port",
                str(port),
                "--no-browser",
                "--preheat",
                str(preheat),
                "--cull-idle",
                str(cull),
            ]
        return [sys.executable, "-c", _SERVE_NOTEBOOK, str(port), str(MINIMAL), str(preheat), str(cull)]


MINIMAL_TARGET = Target("minimal", ready=".bench-value", readout=".bench-value", dashboard=False)
DASHBOARD_TARGET = Target("dashboard", ready=".bc-plan .bc-item", readout=".bc-stage", dashboard=True)


# --- processes ------------------------------------------------------------------------------------


def find_chromium() -> str:
    path = chromium_path()
    if path is None:
        raise SystemExit(CHROMIUM_MISSING)
    return path


def _process_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line), from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        table[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), cmdline)
    return table


def kernel_pids(server_pid: int) -> list[int]:
    """The kernel processes started by the server ``server_pid``."""
    table = _process_table()
    below, queue = [], [server_pid]
    while queue:
        parent = queue.pop()
        for pid, (ppid, _) in table.items():
            if ppid == parent:
                below.append(pid)
                queue.append(pid)
    return [pid for pid in below if "ipykernel" in table[pid][1] or "backcare_nb.kernel" in table[pid][1]]


def cpu_ticks(pid: int) -> int:
    """User plus system CPU time of ``pid`` so far, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Server:
    """A Voilà server for one target, in its own process group, with its log in a file."""

    def __init__(self, target: Target, preheat: int, cull: int, log_dir: Path) -> None:
        self.target = target
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"{target.name}-preheat{preheat}.log"
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            target.command(self.port, preheat, cull),
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.target.name} server exited:\n{self.log_path.read_text()}")
            try:
                urllib.request.urlopen(f"{self.origin}/voila/static/voila.js", timeout=2).close()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.25)
        raise RuntimeError(f"{self.target.name} server did not answer:\n{self.log_path.read_text()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def pool_fills(self) -> int:
        return self.log().count("is filled with")

    async def wait_pool(self, fills: int, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while self.pool_fills() < fills and time.monotonic() < deadline:
            await asyncio.sleep(0.2)

    def kernels(self) -> list[int]:
        return kernel_pids(self.process.pid)

    async def wait_kernels_idle(self, timeout: float = 120, quiet_seconds: int = 2) -> None:
        """Until there is a kernel and the kernels have stopped using CPU for ``quiet_seconds`` in a
        row: "pool filled" is logged before the pooled kernel has finished running the notebook (and
        Voilà waits a second before starting a refill), and a viewer arriving then waits for the
        rest. One quiet second was not enough: a kernel between starting and running the notebook
        can look idle for that long, and such loads measured a half-heated kernel."""
        deadline = time.monotonic() + timeout
        previous, quiet = None, 0
        while time.monotonic() < deadline:
            kernels = self.kernels()
            used = sum(cpu_ticks(pid) for pid in kernels)
            quiet = quiet + 1 if kernels and previous is not None and used - previous <= 2 else 0
            if quiet >= quiet_seconds:
                return
            previous = used
            await asyncio.sleep(1)

    def stop(self) -> None:
        kernels = self.kernels()
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        for pid in kernels:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


# --- one viewer -----------------------------------------------------------------------------------


@dataclass
class Viewer:
    """One browser context on one server, recording anything that leaves the origin."""

    context: object
    page: object
    origin: str
    outside: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @classmethod
    async def open(cls, browser, origin: str) -> Viewer:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        page = await context.new_page()
        viewer = cls(context=context, page=page, origin=origin)
        page.on("request", viewer._on_request)
        page.on("pageerror", lambda error: viewer.page_errors.append(str(error)))
        return viewer

    def _on_request(self, request) -> None:
        if not request.url.startswith((self.origin, "data:", "blob:")):
            self.outside.append(request.url)

    async def load(self, target: Target, query: str = "") -> float:
        """Seconds from navigation to an interactive page."""
        start = time.perf_counter()
        await self.page.goto(f"{self.origin}/{query}", wait_until="commit", timeout=READY_MS)
        await self.page.locator(target.ready).first.wait_for(state="visible", timeout=READY_MS)
        await self.handle().wait_for(state="visible", timeout=READY_MS)
        return time.perf_counter() - start

    def handle(self):
        # The page's template names slider handles after their labels; the dashboard's days slider
        # has no visible label (its number box carries the words), so find handles by that name.
        return self.page.get_by_role("slider", name=DAYS, exact=True)

    async def start_clock(self, target: Target) -> None:
        """Focus the day slider and start the in-page key-press clock on the page's readout."""
        await self.page.evaluate(PRESS_CLOCK, target.readout)
        await self.handle().focus()

    async def change_day(self, target: Target, key: str, day: int, index: int = 0) -> float:
        """Press ``key`` on the focused day slider; seconds from the key press to the painted frame
        that shows ``Day {day}`` (timed in the page, see :data:`benchmarks.browser.PRESS_CLOCK`)."""
        await asyncio.sleep(press_pause(index))
        await self.page.keyboard.press(key)
        await self.page.wait_for_function(PRESS_SHOWN, polling="raf", timeout=UPDATE_MS)
        shown = await self.page.locator(target.readout).first.text_content()
        if not re.search(rf"\bDay {day}\b", shown or ""):
            raise RuntimeError(f"after {key} the page shows {shown!r}, not Day {day}")
        return await self.page.evaluate(PRESS_SECONDS)

    async def error_text(self) -> str:
        errors = self.page.locator(".bc-error")
        return " ".join(await errors.all_inner_texts()).strip() if await errors.count() else ""

    async def leave(self, politely: bool = True) -> None:
        """Close the tab (the page's unload handler asks Voilà to stop the kernel) or just vanish."""
        if politely:
            try:
                async with self.page.expect_event("close", timeout=10_000):
                    await self.page.close(run_before_unload=True)
            except Exception:
                pass
        await self.context.close()


# --- measurements ---------------------------------------------------------------------------------


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p95": p95,
        "min": ordered[0],
        "max": ordered[-1],
    }


async def cold_loads(browser, server: Server, loads: int) -> dict:
    times, rss, outside = [], [], []
    for _ in range(loads):
        viewer = await Viewer.open(browser, server.origin)
        times.append(await viewer.load(server.target))
        outside += viewer.outside
        rss += [value for pid in server.kernels() if (value := rss_mb(pid)) is not None]
        await viewer.leave()
        await asyncio.sleep(1)
    return {"seconds": summary(times), "kernel_rss_mb_at_load": summary(rss) if rss else None, "outside": outside}


async def preheated_loads(browser, server: Server, loads: int) -> dict:
    times = []
    await server.wait_pool(1)
    await server.wait_kernels_idle()
    for number in range(loads):
        viewer = await Viewer.open(browser, server.origin)
        times.append(await viewer.load(server.target))
        await viewer.leave()
        await server.wait_pool(number + 2)  # the pool refills after each use
        await server.wait_kernels_idle()
    result = {"seconds": summary(times)}
    if server.target.dashboard:
        # The preheated kernel ran the notebook before the request came: the link must still count.
        viewer = await Viewer.open(browser, server.origin)
        await viewer.load(server.target, "?days=40&episode=recurrent")
        await viewer.page.wait_for_timeout(1500)  # let any browser-side link settle the slider
        stage = await viewer.page.locator(".bc-stage").first.inner_text()
        strengthening = await viewer.page.locator(".bc-item[data-item-id=bent_over_row]").count()
        day_box = await viewer.page.get_by_label("Days since onset (0-365)").input_value()
        result["deep_link_honoured"] = (
            re.search(r"\bDay 40\b", stage) is not None and strengthening > 0 and day_box == "40"
        )
        await viewer.leave()
    return result


async def latency(browser, server: Server, changes: int) -> dict:
    viewer = await Viewer.open(browser, server.origin)
    await viewer.load(server.target)
    await viewer.start_clock(server.target)
    times = []
    day = int(float(await viewer.handle().get_attribute("aria-valuenow")))
    step = 1
    for index in range(changes):
        # Stay in the first four weeks, where the dashboard's slider stops at every day like the
        # baseline's; beyond day 28 its stops are the days the plan changes.
        if not 0 < day + step < 28:
            step = -step
        day += step
        key = "ArrowRight" if step > 0 else "ArrowLeft"
        times.append(await viewer.change_day(server.target, key, day, index))
    rss = [value for pid in server.kernels() if (value := rss_mb(pid)) is not None]
    errors = await viewer.error_text()
    await viewer.leave()
    return {"seconds": summary(times), "kernel_rss_mb_after_changes": max(rss) if rss else None, "errors": errors}


async def concurrent(browser, server: Server, viewers: int, changes: int, cull: int) -> dict:
    start = time.perf_counter()
    ready_at: list[float] = []
    errors: list[str] = []
    outside: list[str] = []
    peak = {"kernels": 0, "rss_mb": 0.0}

    async def one(index: int) -> None:
        viewer = None
        try:
            viewer = await Viewer.open(browser, server.origin)
            await viewer.load(server.target)
            ready_at.append(time.perf_counter() - start)
            await viewer.start_clock(server.target)
            day = int(float(await viewer.handle().get_attribute("aria-valuenow")))
            for change in range(changes):
                day += 1
                await viewer.change_day(server.target, "ArrowRight", day, change)
            if text := await viewer.error_text():
                errors.append(f"viewer {index}: {text}")
            errors.extend(f"viewer {index}: {message}" for message in viewer.page_errors)
            outside.extend(viewer.outside)
            kernels = server.kernels()
            peak["kernels"] = max(peak["kernels"], len(kernels))
            peak["rss_mb"] = max(peak["rss_mb"], sum(rss_mb(pid) or 0 for pid in kernels))
        except Exception as error:
            errors.append(f"viewer {index}: {type(error).__name__}: {str(error).splitlines()[0]}")
        finally:
            if viewer is not None:
                await viewer.leave(politely=index % 2 == 0)

    await asyncio.gather(*(one(index) for index in range(viewers)))
    finished = time.perf_counter() - start
    await asyncio.sleep(5)
    left_after_leaving = len(server.kernels())
    cull_wait_start = time.perf_counter()
    # Culling runs every `cull` seconds and removes kernels idle that long: allow two rounds.
    while server.kernels() and time.perf_counter() - cull_wait_start < 2 * cull + 20:
        await asyncio.sleep(1)
    server_errors = len(re.findall(r"Traceback|\[E ", server.log()))
    return {
        "viewers": viewers,
        "changes_each": changes,
        "all_interactive_seconds": max(ready_at) if ready_at else None,
        "interactive": len(ready_at),
        "all_done_seconds": finished,
        "errors": len(errors),
        "error_samples": errors[:5],
        "server_log_errors": server_errors,
        "outside_requests": sorted(set(outside)),
        "peak_kernels": peak["kernels"],
        "peak_kernel_rss_mb": round(peak["rss_mb"], 1),
        "kernels_left_after_leaving": left_after_leaving,
        "kernels_left_after_culling": len(server.kernels()),
        "seconds_until_culled": round(time.perf_counter() - cull_wait_start, 1),
    }


def _get_page(url: str) -> tuple[float, int, str]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=READY_MS / 1000) as response:
            return time.perf_counter() - started, response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return time.perf_counter() - started, error.code, ""
    except OSError as error:
        return time.perf_counter() - started, 0, repr(error)


async def crowd(target: Target, pool: int, viewers: int, cull: int, log_dir: Path) -> dict:
    """``viewers`` simultaneous page requests to a fresh server preheating ``pool`` kernels."""
    server = Server(target, preheat=pool, cull=cull, log_dir=log_dir)
    try:
        server.wait_ready()
        if pool:
            await server.wait_pool(1)
            await server.wait_kernels_idle()
        start = time.perf_counter()
        pages = await asyncio.gather(
            *(asyncio.to_thread(_get_page, f"{server.origin}/?days={index}") for index in range(viewers))
        )
        finished = time.perf_counter() - start
        kernels = server.kernels()
        rss = [value for pid in kernels if (value := rss_mb(pid)) is not None]
        log = server.log()
        return {
            "viewers": viewers,
            "pool": pool,
            "complete_pages": sum(status == 200 and target.output_marker in page for _, status, page in pages),
            "all_pages_seconds": round(finished, 1),
            "page_seconds": summary([seconds for seconds, _, _ in pages]),
            "kernels": len(kernels),
            "kernels_rss_mb": round(sum(rss), 1),
            "rss_per_kernel_mb": round(sum(rss) / len(rss), 1) if rss else None,
            "pooled_pages": log.count("Using pre-heated kernel"),
            "iopub_timeouts": log.count("Timeout waiting for IOPub output"),
        }
    finally:
        server.stop()


async def measure(target: Target, options: argparse.Namespace, browser, log_dir: Path) -> dict:
    result: dict = {}
    if options.crowd:
        for pool in (0, options.crowd_pool):
            print(f"[{target.name}] crowd of {options.crowd} page loads, preheat {pool} ...", flush=True)
            result[f"crowd_preheat{pool}"] = await crowd(target, pool, options.crowd, options.cull, log_dir)
    if options.only_crowd:
        return result
    print(f"[{target.name}] cold loads, latency, memory ...", flush=True)
    server = Server(target, preheat=0, cull=options.cull, log_dir=log_dir)
    try:
        server.wait_ready()
        result["cold"] = await cold_loads(browser, server, options.loads)
        result["latency"] = await latency(browser, server, options.changes)
        if options.viewers:
            print(f"[{target.name}] {options.viewers} concurrent viewers ...", flush=True)
            result["concurrent"] = await concurrent(
                browser, server, options.viewers, options.viewer_changes, options.cull
            )
    finally:
        server.stop()
    print(f"[{target.name}] preheated loads ...", flush=True)
    server = Server(target, preheat=1, cull=options.cull, log_dir=log_dir)
    try:
        server.wait_ready()
        result["preheated"] = await preheated_loads(browser, server, options.loads)
    finally:
        server.stop()
    return result


# --- report ---------------------------------------------------------------------------------------


def _get(result: dict, *path):
    for key in path:
        if result is None:
            return None
        result = result.get(key)
    return result


ROWS = [
    ("cold load, median (s)", ("cold", "seconds", "median")),
    ("cold load, p95 (s)", ("cold", "seconds", "p95")),
    ("preheated load, median (s)", ("preheated", "seconds", "median")),
    ("key press to update, median (ms)", ("latency", "seconds", "median")),
    ("key press to update, p95 (ms)", ("latency", "seconds", "p95")),
    ("kernel RSS per viewer (MB)", ("latency", "kernel_rss_mb_after_changes")),
    ("concurrent: all interactive (s)", ("concurrent", "all_interactive_seconds")),
    ("concurrent: all done (s)", ("concurrent", "all_done_seconds")),
    ("concurrent: errors", ("concurrent", "errors")),
    ("concurrent: peak kernels RSS (MB)", ("concurrent", "peak_kernel_rss_mb")),
    ("kernels left after leaving", ("concurrent", "kernels_left_after_leaving")),
    ("kernels left after culling", ("concurrent", "kernels_left_after_culling")),
]


def table(results: dict) -> str:
    lines = [f"{'measure':36} {'minimal':>10} {'dashboard':>10} {'ratio':>7}", "-" * 66]
    measured = any(_get(results.get(name), "cold") for name in ("minimal", "dashboard"))
    if not measured:  # --only-crowd
        lines = []
    for label, path in ROWS if measured else ():
        minimal, dashboard = _get(results.get("minimal"), *path), _get(results.get("dashboard"), *path)
        scale = 1000 if "(ms)" in label else 1

        def cell(value, scale=scale):
            if value is None:
                return "-"
            return f"{value * scale:.0f}" if scale != 1 or isinstance(value, int) else f"{value:.2f}"

        ratio = f"{dashboard / minimal:.2f}x" if minimal and dashboard is not None and "errors" not in label else ""
        if label.startswith("kernels left"):
            ratio = ""
        lines.append(f"{label:36} {cell(minimal):>10} {cell(dashboard):>10} {ratio:>7}")
    honoured = _get(results.get("dashboard"), "preheated", "deep_link_honoured")
    if measured:
        lines.append(f"preheated dashboard honours a deep link: {honoured}")
    outside = [
        url
        for name in ("minimal", "dashboard")
        for path in (("cold", "outside"), ("concurrent", "outside_requests"))
        for url in _get(results.get(name), *path) or []
    ]
    lines.append(f"requests outside the server's origin: {len(outside)}")
    crowds = [key for key in (results.get("dashboard") or results.get("minimal") or {}) if key.startswith("crowd_")]
    if crowds:
        lines += ["", f"{'crowd of page loads':36} {'minimal':>21} {'dashboard':>21}", "-" * 80]
    for key in sorted(crowds):
        cells = []
        for name in ("minimal", "dashboard"):
            figures = _get(results.get(name), key)
            cells.append(
                "-"
                if figures is None
                else f"{figures['complete_pages']}/{figures['viewers']} in {figures['all_pages_seconds']:.1f} s, "
                f"{figures['kernels']} k, {figures['kernels_rss_mb'] / 1024:.2f} GB"
            )
        pool = key.removeprefix("crowd_preheat")
        lines.append(f"{'preheat ' + pool + ': complete, all in, kernels, RSS':36} {cells[0]:>21} {cells[1]:>21}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 loads and 5 viewers: a smoke run of a few minutes")
    parser.add_argument("--viewers", type=int, default=None, help="concurrent viewers (default 30; --quick 5; 0 skips)")
    parser.add_argument("--loads", type=int, default=None, help="cold and preheated loads each (default 5; --quick 2)")
    parser.add_argument("--changes", type=int, default=30, help="changes for the latency figures (default 30)")
    parser.add_argument("--viewer-changes", type=int, default=10, help="changes per concurrent viewer (default 10)")
    parser.add_argument("--output", type=Path, default=None, help="JSON file (default benchmarks/results/...)")
    parser.add_argument(
        "--cull", type=int, default=None, help=f"servers' --cull-idle seconds (default {CULL_SECONDS}; --quick 60)"
    )
    parser.add_argument(
        "--crowd", type=int, default=None, help="simultaneous page requests (default 30; --quick 10; 0 skips)"
    )
    parser.add_argument("--crowd-pool", type=int, default=5, help="preheated kernels for the crowd (default 5)")
    parser.add_argument("--only-crowd", action="store_true", help="measure only the crowds of page loads")
    parser.add_argument(
        "--targets", default="minimal,dashboard", help="which notebooks to measure (default: minimal,dashboard)"
    )
    options = parser.parse_args(argv)
    if options.viewers is None:
        options.viewers = 5 if options.quick else 30
    if options.crowd is None:
        options.crowd = 10 if options.quick else 30
    if options.loads is None:
        options.loads = 2 if options.quick else 5
    if options.cull is None:
        options.cull = QUICK_CULL_SECONDS if options.quick else CULL_SECONDS
    return options


async def run(options: argparse.Namespace) -> dict:
    from playwright.async_api import async_playwright

    if options.only_crowd:  # no browser needed
        (RESULTS / "logs").mkdir(parents=True, exist_ok=True)
        results_only: dict = {"when": datetime.now(UTC).isoformat(timespec="seconds")}
        for target in (MINIMAL_TARGET, DASHBOARD_TARGET):
            if target.name in options.targets.split(","):
                results_only[target.name] = await measure(target, options, None, RESULTS / "logs")
        return results_only

    log_dir = RESULTS / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "options": {key: str(value) for key, value in vars(options).items()},
    }
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True)
        try:
            for target in (MINIMAL_TARGET, DASHBOARD_TARGET):
                if target.name in options.targets.split(","):
                    results[target.name] = await measure(target, options, browser, log_dir)
        finally:
            await browser.close()
    return results


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # so the `finally` blocks stop the servers and their kernels


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    results = asyncio.run(run(options))
    report = table(results)
    print()
    print(report)
    output = options.output or RESULTS / f"dashboard-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (output.parent / "dashboard-latest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
