"""The kernel ``backcare-nb dashboard`` starts for each viewer: ipykernel with a memory limit, and
errors kept on the server.

``python -m backcare_nb.kernel --memory-limit-mb N -f CONNECTION_FILE`` is what the server runs
instead of ``python -m ipykernel_launcher -f CONNECTION_FILE`` (see ``backcare_nb/room.py``). It

- caps the kernel's address space (``RLIMIT_AS``) at N MB, so one runaway kernel cannot take the
  machine's memory from the others; an allocation beyond it raises ``MemoryError``, which stops
  this kernel with a message to its viewer and a line in the server's log (:func:`stop_for_memory`);
- keeps tracebacks off the viewer's websocket (:func:`keep_tracebacks_on_server`): ipywidgets shows
  an exception in a widget message handler (a crafted message with a string for a slider, say)
  through ``InteractiveShell.showtraceback``, which ipykernel publishes to every client, and the
  ``Comm`` logger writes a traceback to the kernel's stderr, which ipykernel forwards too. Voilà's
  ``show_tracebacks=False`` covers neither. Here both go to the server's log only;
- does not forward file-descriptor-level output (``capture_fd_output=False``): whatever a library
  writes to descriptor 2 goes to the server's log, not to the browser.

No widgets are imported here; the hooks act on whatever ipywidgets later reports.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from collections.abc import Sequence
from typing import Any

#: The project's log; in a kernel it goes to the server's stderr only (:func:`log_to_server`).
LOGGER = logging.getLogger("backcare_nb")

#: Environment variable holding the limit, so the hooks can name it in their message.
MEMORY_LIMIT_ENV = "BACKCARE_KERNEL_MEMORY_MB"
#: What the viewer sees when their kernel ran out of memory.
MEMORY_MESSAGE = (
    "This page reached its memory limit and has been stopped, so that other viewers can carry on. "
    "Reload the page to start again."
)
#: What goes over the websocket instead of a traceback.
HIDDEN_ERROR = "An error occurred. It has been logged on the server."
#: Loggers that libraries use for errors in comm (widget) messages.
COMM_LOGGERS = ("Comm", "comm", "ipykernel.comm", "traitlets")
# Leave the iopub thread a moment to send the message before the process ends.
EXIT_DELAY_SECONDS = 1.0
EXIT_STATUS_OUT_OF_MEMORY = 3
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def set_memory_limit(megabytes: int) -> None:
    """Cap this process's address space at ``megabytes`` MB (inherited across ``exec``)."""
    import resource

    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class _HiddenError(Exception):
    def __str__(self) -> str:
        return HIDDEN_ERROR


def log_to_server() -> logging.Handler:
    """Send the ``backcare_nb`` log to the server's own stderr, once per process; returns the handler.

    In a kernel both ``sys.stderr`` and (unless this launcher started it) file descriptor 2 are
    forwarded to the browser, and a logger with no handler falls back to ``sys.stderr``: a logged
    traceback would reach the viewer after all. ``sys.stderr.fileno()`` is ipykernel's copy of the
    original descriptor, which the Voila server's log collects; when there is none (descriptors
    not captured) ``sys.__stderr__`` is that descriptor. Outside a kernel it is simply stderr.
    """
    for handler in LOGGER.handlers:
        if getattr(handler, "_backcare_server_log", False):
            return handler
    try:
        stream = os.fdopen(os.dup(sys.stderr.fileno()), "w", buffering=1, encoding="utf-8", errors="replace")
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError and a ValueError
        stream = sys.__stderr__ or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler._backcare_server_log = True  # type: ignore[attr-defined]
    LOGGER.addHandler(handler)
    LOGGER.propagate = False  # the root logger's handlers may write to the forwarded stderr
    return handler


def stop_for_memory(shell: Any | None = None) -> None:
    """Tell the viewer and the server log that this kernel hit its memory limit, then end it.

    The message is shown as HTML output (during the first render it becomes part of the page); the
    process exits a second later with status 3, and Voilà reports the kernel as dead. The server
    and the other viewers' kernels carry on.
    """
    limit = os.environ.get(MEMORY_LIMIT_ENV, "?")
    log_to_server()
    LOGGER.error(
        "kernel %s reached its memory limit of %s MB and is stopping", os.environ.get("VOILA_KERNEL_ID"), limit
    )
    try:
        from IPython.display import HTML, display

        display(HTML(f'<p class="bc-error" role="alert">{MEMORY_MESSAGE}</p>'))
        sys.stdout.flush()
    except Exception:  # running out of memory again while telling: the log line has been written
        pass
    timer = threading.Timer(EXIT_DELAY_SECONDS, os._exit, (EXIT_STATUS_OUT_OF_MEMORY,))
    timer.daemon = True
    timer.start()


def keep_tracebacks_on_server(shell: Any) -> None:
    """Make ``shell`` (ipykernel's ZMQInteractiveShell) log tracebacks on the server only.

    Viewers still get an ``error`` message, so a failed request is marked as failed, but its text
    is :data:`HIDDEN_ERROR` and it has no traceback. Installed once per shell.
    """
    if getattr(shell, "_backcare_tracebacks_on_server", False):
        return
    handler = log_to_server()
    for name in COMM_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False  # the root logger may still write to the forwarded stderr
    publish = shell._showtraceback

    def show_on_server_only(etype: type, evalue: BaseException, stb: Sequence[str]) -> None:
        text = _ANSI.sub("", "\n".join(stb))
        LOGGER.error("error in kernel %s:\n%s", os.environ.get("VOILA_KERNEL_ID"), text)
        if isinstance(etype, type) and issubclass(etype, MemoryError):
            stop_for_memory(shell)
        publish(_HiddenError, _HiddenError(), [HIDDEN_ERROR])
        shell._last_traceback = [HIDDEN_ERROR]

    shell._showtraceback = show_on_server_only
    # A MemoryError in a cell bypasses nothing above, but say it plainly rather than as an error.
    shell.set_custom_exc((MemoryError,), lambda shell, etype, value, tb, tb_offset=None: stop_for_memory(shell))
    shell._backcare_tracebacks_on_server = True


def load_ipython_extension(ipython: Any) -> None:
    """IPython extension entry point (``--ext backcare_nb.kernel``): install the hooks."""
    keep_tracebacks_on_server(ipython)


def install_if_served() -> None:
    """Install the hooks in the current kernel when it serves a Voilà page (``VOILA_*`` variables
    are set), for kernels started without this launcher. Nothing happens in Lab or plain Python."""
    if not any(name in os.environ for name in ("VOILA_KERNEL_ID", "VOILA_SERVER_URL", "VOILA_PREHEAT")):
        return
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "_showtraceback"):
        keep_tracebacks_on_server(shell)


def main(argv: Sequence[str] | None = None) -> None:
    """Set the memory limit, then run ipykernel with the hooks and without descriptor forwarding."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["--memory-limit-mb"] and len(arguments) >= 2:
        megabytes = int(arguments[1])
        arguments = arguments[2:]
        if megabytes > 0:
            os.environ[MEMORY_LIMIT_ENV] = str(megabytes)
            set_memory_limit(megabytes)
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=[*arguments, "--IPKernelApp.capture_fd_output=False", "--ext=backcare_nb.kernel"])


if __name__ == "__main__":
    main()
