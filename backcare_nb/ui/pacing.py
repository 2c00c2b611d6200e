"""Work that waits until the viewer pauses: the dashboard's panels below the plan.

A key press on the days slider must show the new day and plan in the next frame. The week ahead,
the takeaways and the handouts' links also change with the day, but nobody reads them while the
days are going by: each is another message for the browser to apply before it can paint, and in
the static site another few milliseconds of Python in the browser's worker. :class:`Settle` runs
such work once the changes stop for a moment (:data:`SETTLE_SECONDS`), so holding an arrow key or
playing the days redraws the plan at every step and the rest once.

Scheduling needs the kernel's event loop: ipykernel's (Voilà, JupyterLab), running while the kernel
handles a widget's message, or Pyodide's (the static site), which runs on the browser's timers.
Outside a kernel (a script, the tests) the work is done at once.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable

#: Seconds without a change before the waiting work runs: under the gap between two presses of a
#: key by hand, over the gap between the repeats of a held key (about 30 a second).
SETTLE_SECONDS = 0.12


def kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The kernel's event loop, or ``None`` outside a kernel (the work is then done at once)."""
    if sys.platform == "emscripten":  # Pyodide: its loop runs on the browser's timers, always
        return asyncio.get_event_loop()
    # Only a kernel's loop is sure to run again soon: another library's loop (a test's browser
    # driver, say) may be running now and never come back to this thread's callbacks.
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if getattr(shell, "kernel", None) is None:
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Settle:
    """Runs the latest work given to :meth:`later` once ``seconds`` pass with no newer work."""

    def __init__(
        self, seconds: float = SETTLE_SECONDS, loop: Callable[[], asyncio.AbstractEventLoop | None] = kernel_loop
    ) -> None:
        self.seconds = seconds
        self._loop = loop
        self._waiting: asyncio.TimerHandle | None = None
        self._work: Callable[[], None] | None = None

    @property
    def waiting(self) -> bool:
        """Whether work is waiting to run."""
        return self._work is not None

    def later(self, work: Callable[[], None]) -> None:
        """Run ``work`` once the changes pause, instead of any work still waiting (at once without
        an event loop)."""
        self.cancel()
        loop = self._loop()
        if loop is None or self.seconds <= 0:
            work()
            return
        self._work = work
        self._waiting = loop.call_later(self.seconds, self.now)

    def now(self) -> None:
        """Run the waiting work now, if any."""
        work = self._work
        self.cancel()
        if work is not None:
            work()

    def cancel(self) -> None:
        """Drop the waiting work."""
        if self._waiting is not None:
            self._waiting.cancel()
        self._waiting = self._work = None
