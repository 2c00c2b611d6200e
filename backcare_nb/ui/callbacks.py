"""One error policy for every widget callback: log on the server, say so on the page, where it happened.

Voilà forwards an exception raised in a widget callback to the browser as a full traceback, even
with ``show_tracebacks=False`` (see ../shared/DESIGN.md), and a callback that fails silently leaves
a button that "does nothing". Every handler of the apps runs through :func:`run_guarded` (methods
through the :func:`guarded` decorator): the traceback goes to the server's log under the
``backcare_nb`` logger, and the viewer reads a short, friendly notice in the notice area next to
the control they used (:func:`notice_html`, marked with :data:`FAILURE_CLASS` so tests can find it).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from html import escape
from typing import Any, Protocol, TypeVar

from backcare_nb import kernel

LOGGER = kernel.LOGGER
FRIENDLY_MESSAGE = (
    "Sorry, something went wrong while updating this view. The problem has been logged; "
    "try another choice, or reload the page."
)
#: The class of a failure notice: what a test (or a stylesheet) looks for.
FAILURE_CLASS = "bc-failure"

Method = TypeVar("Method", bound=Callable[..., Any])


class NoticeArea(Protocol):
    """Where a notice is shown: an ``ipywidgets.HTML`` (anything with a ``value``)."""

    value: str


def log_to_server() -> None:
    """Send the ``backcare_nb`` log to the server's own stderr, once per kernel, and in a kernel
    serving a Voila page keep tracebacks off the viewer's websocket (see backcare_nb/kernel.py).

    Every app calls this when it is built, so a kernel started without the project's launcher
    (Lab's Voila preview, a plain ``voila`` command) is covered too.
    """
    kernel.log_to_server()
    kernel.install_if_served()


def notice_html(message: str = "") -> str:
    """A notice area's HTML: an empty live region (hidden by the app's CSS) until ``message`` is given.

    The region is on the page before anything fails, so a screen reader announces the message when
    it appears (``role="alert"``).
    """
    return f'<div class="bc-error {FAILURE_CLASS}" role="alert">{escape(message)}</div>'


def run_guarded(
    action: Callable[..., Any],
    *args: Any,
    notice: NoticeArea,
    what: str,
    message: str = FRIENDLY_MESSAGE,
) -> Any:
    """Run ``action(*args)`` so that no exception escapes; returns its result, or ``None`` if it failed.

    On failure the traceback is logged on the server (``what`` names the handler in the log) and
    ``notice`` shows ``message``. A notice left by an earlier failure is cleared first, so the page
    never says a control failed after it has worked. A ``MemoryError`` stops the kernel with its
    own message instead (:func:`backcare_nb.kernel.stop_for_memory`).
    """
    try:
        if notice.value == notice_html(message):
            notice.value = notice_html()
        return action(*args)
    except MemoryError:  # the kernel is over its limit: say so and stop it (kernel.py)
        log_to_server()
        kernel.stop_for_memory()
        return None
    except Exception:
        log_to_server()
        LOGGER.exception("Error in %s", what)
        try:
            notice.value = notice_html(message)
        except Exception:  # the notice itself failed: logging is all we can still do
            LOGGER.exception("Could not show the error notice for %s", what)
        return None


def guarded(method: Method) -> Method:
    """Wrap an app's callback method with :func:`run_guarded`, its notice area being ``self.message``
    (an ``ipywidgets.HTML`` next to the app's controls). Returns ``None`` when the callback failed."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        return run_guarded(
            functools.partial(method, self, *args, **kwargs),
            notice=self.message,
            what=f"{type(self).__name__}.{method.__name__}",
        )

    return wrapper  # type: ignore[return-value]
