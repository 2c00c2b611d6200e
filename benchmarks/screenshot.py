"""Regenerate the README's picture of the dashboard: ``python -m benchmarks.screenshot``.

Starts ``backcare-nb dashboard`` on a free loopback port, opens a teaching case in Debian's
Chromium (headless, through Playwright) and saves the first screen to docs/dashboard.png.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.dashboard import CHROMIUM_ARGS, DASHBOARD_TARGET, READY_MS, RESULTS, Server, find_chromium

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO / "docs" / "dashboard.png"
DEFAULT_QUERY = "?case=golfer_recurrent"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.screenshot", description=__doc__.splitlines()[0])
    parser.add_argument("--query", default=DEFAULT_QUERY, help=f"deep link to show (default: {DEFAULT_QUERY})")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="PNG file (default: docs/dashboard.png)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--full-page", action="store_true", help="the whole page, not the first screen")
    options = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    (RESULTS / "logs").mkdir(parents=True, exist_ok=True)
    server = Server(DASHBOARD_TARGET, preheat=0, cull=60, log_dir=RESULTS / "logs")
    try:
        server.wait_ready()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": options.width, "height": options.height})
            page.goto(f"{server.origin}/{options.query}", wait_until="commit")
            page.locator(".bc-plan .bc-item").first.wait_for(state="visible", timeout=READY_MS)
            page.locator(".bc-timeline svg").first.wait_for(state="visible", timeout=READY_MS)
            page.wait_for_timeout(500)  # let the last layout settle
            options.output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(options.output), full_page=options.full_page)
            with page.expect_event("close"):
                page.close(run_before_unload=True)
            browser.close()
    finally:
        server.stop()
    print(f"wrote {options.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
