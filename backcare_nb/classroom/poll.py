"""Polling the store on a short timer, outside any widget handler.

A learner's kernel cannot push to the presenter's kernel, so each page asks the store every
fraction of a second. :class:`Poller` reads in a daemon thread (a slow or stopped database never
blocks the page's kernel) and hands the result to ``apply`` on the kernel's own event loop when it
was started inside one (a Voilà or Lab kernel: widget values are then set on the loop that runs
the widget handlers, as ipykernel expects), else in the thread itself (scripts, benchmarks).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

LOGGER = logging.getLogger("backcare_nb")


class Poller:
    """Call ``fetch()`` every ``interval`` seconds and pass what it returns (or the exception it
    raised) to ``apply(result, error)``.

    ``apply`` is never called twice at once. Stop with :meth:`stop`; a stopped poller can be started again.
    """

    def __init__(self, fetch: Callable[[], Any], apply: Callable[[Any, Exception | None], None], interval: float):
        self.fetch = fetch
        self.apply = apply
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._applying = threading.Lock()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def start(self) -> None:
        if self.running:
            return
        try:
            self._loop = asyncio.get_running_loop()  # inside a kernel's cell or handler
        except RuntimeError:
            self._loop = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(self._stop,), name="backcare-class-poll", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self, stop: threading.Event) -> None:
        while not stop.wait(self.interval):
            try:
                result, error = self.fetch(), None
            except Exception as caught:  # handed to apply, which shows the message
                result, error = None, caught
            if stop.is_set():
                return
            loop = self._loop
            if loop is not None and not loop.is_closed():
                done = threading.Event()
                loop.call_soon_threadsafe(self._apply, result, error, done)
                done.wait(max(5.0, self.interval * 4))  # one update at a time, never a backlog
            else:
                self._apply(result, error, None)

    def _apply(self, result: Any, error: Exception | None, done: threading.Event | None) -> None:
        try:
            with self._applying:
                self.apply(result, error)
        except Exception:  # apply guards itself; this is the last line before a dead thread
            LOGGER.exception("A class poll could not update the page")
        finally:
            if done is not None:
                done.set()
