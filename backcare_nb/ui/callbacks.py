"""Keep widget callbacks from sending tracebacks to the browser.

Voilà forwards an exception raised in a widget callback to the browser as a full traceback, even
with ``show_tracebacks=False`` (see ../shared/DESIGN.md). Every ``_on_*`` handler of the teaching
apps is wrapped in :func:`guarded`: the error is logged on the server under the ``backcare_nb``
logger and the viewer sees a short, friendly message instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from backcare_nb import kernel

LOGGER = kernel.LOGGER
FRIENDLY_MESSAGE = (
    "Sorry, something went wrong while updating this view. The problem has been logged; "
    "try another choice, or reload the page."
)

Method = TypeVar("Method", bound=Callable[..., Any])


def log_to_server() -> None:
    """Send the ``backcare_nb`` log to the server's own stderr, once per kernel, and in a kernel
    serving a Voila page keep tracebacks off the viewer's websocket (see backcare_nb/kernel.py).

    Every app calls this when it is built, so a kernel started without the project's launcher
    (Lab's Voila preview, a plain ``voila`` command) is covered too.
    """
    kernel.log_to_server()
    kernel.install_if_served()


def guarded(method: Method) -> Method:
    """Wrap an app's callback so no exception escapes it.

    The app must have a ``message`` widget with a ``value`` (an ``ipywidgets.HTML``); the friendly
    message is written there. Returns ``None`` when the callback failed.
    """

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except MemoryError:  # the kernel is over its limit: say so and stop it (kernel.py)
            log_to_server()
            kernel.stop_for_memory()
            return None
        except Exception:
            log_to_server()
            LOGGER.exception("Error in %s.%s", type(self).__name__, method.__name__)
            try:
                self.message.value = f'<p class="bc-error" role="alert">{FRIENDLY_MESSAGE}</p>'
            except Exception:  # the message itself failed: logging is all we can still do
                LOGGER.exception("Could not show the error message in %s", type(self).__name__)
            return None

    return wrapper  # type: ignore[return-value]
