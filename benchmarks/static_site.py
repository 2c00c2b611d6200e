"""The static site (Voici + Pyodide) of the dashboard against the one-slider notebook
(benchmarks/minimal.ipynb) built into a static site the same way, measured in the same run.

Both sites are built by :func:`backcare_nb.site.build_site` (cached by their inputs) and served by
``python -m http.server`` on 127.0.0.1; Debian's Chromium opens each page:

- cold load: a fresh browser context (empty cache) to an interactive page (the plan's items, or
  the baseline's readout); warm load: the same context again, its HTTP cache filled;
- latency: key press on the days slider to the first painted frame with the updated text, timed
  in the page (median, p95, over the pages of every load), walking the days of the first four
  weeks as ``benchmarks.dashboard`` does (the plan itself changes on a few of them), and
  separately stepping between day 2 and day 3, where the dashboard's plan changes on every press;
- first visit: bytes of every response (their Content-Length) and requests outside the origin.

Figures, not pass/fail; JSON to benchmarks/results/static-site-latest.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import browser as clock  # the in-page key-press clock
from benchmarks.browser import CHROMIUM_ARGS, CHROMIUM_MISSING, chromium_path, free_port

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
READY_MS = 240_000
TARGETS = {
    # name: (notebook, ready selector, readout selector, text after one ArrowRight from day 2)
    "minimal": (Path(__file__).resolve().parent / "minimal.ipynb", ".bench-value", ".bench-value", "Day 3"),
    "dashboard": (REPO / "notebooks" / "dashboard.ipynb", ".bc-plan .bc-item", ".bc-stage", "Day 3"),
}


def _load(context, url: str, ready: str) -> tuple[float, int, list[str], object]:
    """Seconds from navigation to ``ready`` visible, response bytes, the URLs requested, the page."""
    page = context.new_page()
    urls: list[str] = []
    sizes: list[int] = []
    page.on("request", lambda request: urls.append(request.url))
    # http.server never compresses, so a response's length is what crossed the wire; the Python
    # worker's downloads are seen here too (request.sizes() misses them).
    page.on("response", lambda response: sizes.append(int(response.headers.get("content-length") or 0)))
    start = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    page.locator(ready).first.wait_for(state="visible", timeout=READY_MS)
    elapsed = time.perf_counter() - start
    page.wait_for_timeout(500)  # let the last responses finish counting
    return elapsed, sum(sizes), urls, page


def _latency(page, readout: str, changes: int, walk: bool) -> list[float]:
    """Seconds from each key press to the painted new text (timed in the page, see
    :data:`benchmarks.browser.PRESS_CLOCK`): walking days 2-27 and back (``walk``), or stepping
    between day 2 and 3 (starting on day 2, as both pages do)."""
    page.evaluate(clock.PRESS_CLOCK, readout)
    page.locator(".widget-slider [role=slider]").first.focus()
    times = []
    day, step = 2, 1
    for index in range(changes):
        if walk:
            if not 2 <= day + step <= 27:
                step = -step
            day += step
            key = "ArrowRight" if step > 0 else "ArrowLeft"
        else:
            key = "ArrowRight" if index % 2 == 0 else "ArrowLeft"
        page.wait_for_timeout(clock.press_pause(index) * 1000)
        page.keyboard.press(key)
        page.wait_for_function(clock.PRESS_SHOWN, timeout=60_000)
        times.append(page.evaluate(clock.PRESS_SECONDS))
    return times


def measure(browser, name: str, loads: int, changes: int) -> dict:
    from backcare_nb.site import build_site

    notebook, ready, readout, _ = TARGETS[name]
    out = REPO / "build" / f"site-bench-{name}"
    build_started = time.perf_counter()
    build_site(out, notebook=notebook, log=lambda message: None)
    build_seconds = time.perf_counter() - build_started
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(out), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    origin = f"http://127.0.0.1:{port}"
    url = f"{origin}/voici/render/{notebook.stem}.html"
    time.sleep(0.5)
    cold, warm, first_bytes, outside, latencies, crossing = [], [], [], [], [], []
    try:
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            seconds, size, urls, page = _load(context, url, ready)
            cold.append(seconds)
            first_bytes.append(size)
            outside += [u for u in urls if not u.startswith((origin + "/", "data:", "blob:"))]
            page.close()
            seconds, _, _, page = _load(context, url, ready)
            warm.append(seconds)
            # Every load's page walks the days: one page's presses vary together (its garbage
            # collector, its compiled code), so one page alone can sit 10 ms off from the next.
            latencies += _latency(page, readout, changes, walk=True)
            if not crossing:
                page.close()
                _, _, _, page = _load(context, url, ready)
                crossing = _latency(page, readout, changes, walk=False)
            context.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "build_seconds": build_seconds,
        "cold_seconds": cold,
        "warm_seconds": warm,
        "first_visit_bytes": first_bytes,
        "latency_seconds": latencies,
        "latency_plan_changes_seconds": crossing,
        "requests_outside_origin": outside,
    }


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)] if values else float("nan")


def table(results: dict) -> str:
    minimal, dashboard = results["minimal"], results["dashboard"]
    rows = [
        ("time to an interactive plan, cold, median", "cold_seconds", _median, 1, "s", "1.3x"),
        ("time to an interactive plan, warm cache, median", "warm_seconds", _median, 1, "s", "1.3x"),
        ("key press to updated plan, median", "latency_seconds", _median, 1000, "ms", "1.5x"),
        ("key press to updated plan, p95", "latency_seconds", _p95, 1000, "ms", ""),
        (
            "the same between day 2 and 3 (a new plan each press), median",
            "latency_plan_changes_seconds",
            _median,
            1000,
            "ms",
            "",
        ),
        ("first visit, bytes transferred", "first_visit_bytes", _median, 1e-6, "MB", "20 MB"),
    ]
    lines = ["| measure | minimal static notebook | static dashboard | ratio | target |", "|---|---|---|---|---|"]
    for label, key, reduce, scale, unit, target in rows:
        low, high = reduce(minimal[key]) * scale, reduce(dashboard[key]) * scale
        lines.append(f"| {label} | {low:.2f} {unit} | {high:.2f} {unit} | {high / low:.2f}x | {target} |")
    outside = len(minimal["requests_outside_origin"]) + len(dashboard["requests_outside_origin"])
    lines.append(f"| requests outside the site's origin | {outside} (both) | | | zero |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.static_site", description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=3, help="cold and warm loads of each site (default 3)")
    parser.add_argument("--changes", type=int, default=20, help="key presses for the latency (default 20)")
    options = parser.parse_args(argv)
    executable = chromium_path()
    if executable is None:
        raise SystemExit(CHROMIUM_MISSING)
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        for name in ("minimal", "dashboard"):
            print(f"static site: {name} ...", flush=True)
            results[name] = measure(browser, name, options.loads, options.changes)
        browser.close()
    print(table(results))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "static-site-latest.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
