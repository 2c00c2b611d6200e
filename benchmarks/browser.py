"""Debian's Chromium and loopback ports: shared by the benchmarks and tests/browser.

Chromium comes from Debian's ``chromium`` package (never a browser download); it is started with
flags that keep it from reaching out to the network on its own.
"""

from __future__ import annotations

import os
import shutil
import socket

CHROMIUM_ENV = "BACKCARE_CHROMIUM"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHROMIUM_MISSING = (
    "Chromium not found: the browser tests and benchmarks need Debian's 'chromium' package "
    f"(apt-get install chromium, or `make chromium`), or ${CHROMIUM_ENV} pointing at a Chromium executable."
)


def chromium_path() -> str | None:
    """The Chromium executable: ``$BACKCARE_CHROMIUM``, /usr/bin/chromium, or ``chromium`` on PATH."""
    for candidate in (os.environ.get(CHROMIUM_ENV, ""), "/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port() -> int:
    """A TCP port free on the loopback address right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Key-press latency is timed inside the page: from the keydown event to the frame that shows the
# readout's new text, once that frame's style and layout are done (read in its animation frame
# callback; its paint follows). Timing from Playwright instead adds its own round trips and DOM
# queries, which cost more on a bigger page: on the static site they put about 20 ms on the
# dashboard's presses and 5 on the baseline's. (A task posted after the frame would wait behind
# every message already queued, so it is not used.)
PRESS_CLOCK = """selector => {
  const clock = {pressed: 0, shown: 0, text: null};
  window.__pressClock = clock;
  const readout = () => document.querySelector(selector);
  document.addEventListener("keydown", () => {
    clock.pressed = performance.now();
    clock.shown = 0;
    clock.text = readout() ? readout().textContent : null;
  }, true);
  new MutationObserver(() => {
    const node = readout();
    if (clock.pressed && !clock.shown && node && node.textContent !== clock.text) {
      clock.shown = -1;  // changed: timed in the next frame, after its style and layout
      requestAnimationFrame(() => {
        document.body.getBoundingClientRect();
        clock.shown = performance.now();
      });
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""
PRESS_SHOWN = "() => window.__pressClock.shown > 0"
FRAME_MS = 17  # a 60 Hz frame, rounded up
PRESS_SECONDS = "() => (window.__pressClock.shown - window.__pressClock.pressed) / 1000"


def press_pause(index: int) -> float:
    """Seconds to wait before key press ``index``: 0.1 s for the last press's work to finish, plus
    0-16 ms spread evenly over the presses.

    A page paints only at its frames, so a press's latency is its work rounded up to the next frame.
    Pressed straight after the last update (itself seen at a frame), every press falls at the same
    point of the frame, and a run's median jumped by whole frames from run to run (the one-slider
    page: 31 ms in one run, 56 in the next). Spread over the frame, the median is the work's own.
    """
    return 0.1 + (index * 7 % FRAME_MS) / 1000
