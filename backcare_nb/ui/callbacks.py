"""Keep widget callbacks from sending tracebacks to the browser.

Voilà forwards an exception raised in a widget callback to the browser as a full traceback, even
with ``show_tracebacks=False`` (see ../shared/DESIGN.md). Every ``_on_*`` handler of the teaching
apps is wrapped in :func:`guarded`: the error is logged on the server under the ``backcare_nb``
logger and the viewer sees a short, friendly message instead.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

LOGGER = logging.getLogger("backcare_nb")
FRIENDLY_MESSAGE = (
    "Sorry, something went wrong while updating this view. The problem has been logged; "
    "try another choice, or reload the page."
)

Method = TypeVar("Method", bound=Callable[..., Any])


def log_to_server() -> None:
    """Send the ``backcare_nb`` log to the server's own stderr, once per kernel.

    In a kernel both ``sys.stderr`` and file descriptor 2 are forwarded to the browser (ipykernel
    captures the descriptor too), and a logger with no handler falls back to ``sys.stderr``: a
    logged traceback would reach the viewer after all. ``sys.stderr.fileno()`` is ipykernel's copy
    of the original descriptor, which the Voilà server's log collects; outside a kernel it is
    simply stderr. Every app calls this when it is built.
    """
    if any(getattr(handler, "_backcare_server_log", False) for handler in LOGGER.handlers):
        return
    try:
        stream = os.fdopen(os.dup(sys.stderr.fileno()), "w", buffering=1, encoding="utf-8", errors="replace")
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError and a ValueError
        stream = sys.__stderr__ or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler._backcare_server_log = True  # type: ignore[attr-defined]
    LOGGER.addHandler(handler)
    LOGGER.propagate = False  # the root logger's handlers may write to the forwarded stderr


def guarded(method: Method) -> Method:
    """Wrap an app's callback so no exception escapes it.

    The app must have a ``message`` widget with a ``value`` (an ``ipywidgets.HTML``); the friendly
    message is written there. Returns ``None`` when the callback failed.
    """

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception:
            log_to_server()
            LOGGER.exception("Error in %s.%s", type(self).__name__, method.__name__)
            try:
                self.message.value = f'<p class="bc-error" role="alert">{FRIENDLY_MESSAGE}</p>'
            except Exception:  # the message itself failed: logging is all we can still do
                LOGGER.exception("Could not show the error message in %s", type(self).__name__)
            return None

    return wrapper  # type: ignore[return-value]
