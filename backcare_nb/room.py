"""Voilà with the serving limits of ``backcare_nb/limits.py`` applied; ``serve.py`` runs it.

- :class:`RoomVoila` is Voilà's application with every request handler wrapped in a guard that
  refuses a foreign ``Host``/``Origin`` (403) and, for the page itself, answers "the room is full"
  (503, ``Retry-After``) once the kernel cap is reached; its tornado ``log_function`` hides the
  access token.
- :class:`RoomKernelManager` counts kernels, those starting included, and holds a place for each
  page being prepared, so thirty simultaneous requests cannot all slip under the cap before the
  first kernel has started.
- :class:`LimitedKernelManager` starts each kernel through ``python -m backcare_nb.kernel`` with
  its memory limit, and with glibc's malloc arenas limited so the address space stays close to
  what the kernel really uses.

Imported only when serving (it imports Voilà, jupyter_server and tornado).
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from jupyter_client.ioloop import AsyncIOLoopKernelManager
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.web import RequestHandler
from traitlets import Integer, List, Unicode
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from backcare_nb import limits

access_log = logging.getLogger("tornado.access")


class LimitedKernelManager(AsyncIOLoopKernelManager):
    """One kernel, started by ``backcare_nb.kernel`` with an address-space limit."""

    memory_limit_mb = Integer(
        limits.DEFAULT_KERNEL_MEMORY_MB, config=True, help="address-space limit of each kernel in MB (0: none)"
    )

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments)
        # Only ipykernel's own launch is replaced; another kernel (a different kernelspec) runs as given.
        if len(command) >= 3 and command[1:3] == ["-m", "ipykernel_launcher"]:
            limit = ["--memory-limit-mb", str(self.memory_limit_mb)]
            return [command[0], "-m", "backcare_nb.kernel", *limit, *command[3:]]
        return command

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        environment = dict(kw.get("env") or {})
        environment.setdefault("MALLOC_ARENA_MAX", limits.MALLOC_ARENAS)
        kw["env"] = environment
        await super()._async_launch_kernel(kernel_cmd, **kw)


class RoomKernelManager(AsyncMappingKernelManager):
    """Voilà's kernel manager, counting kernels against ``max_kernels``."""

    max_kernels = Integer(
        limits.default_max_kernels(), config=True, help="most kernels at once, a preheated pool included"
    )
    kernel_manager_class = Unicode("backcare_nb.room.LimitedKernelManager", config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._places_held = 0

    def kernel_count(self) -> int:
        """Kernels running or starting, plus places held for pages being prepared."""
        running = set(self._kernels) | set(getattr(self, "_pending_kernels", {}))
        return len(running) + self._places_held

    def hold_place(self) -> bool:
        """Hold a place for a page about to start a kernel; False when the room is full."""
        if self.kernel_count() >= self.max_kernels:
            return False
        self._places_held += 1
        return True

    def release_place(self) -> None:
        """Give back a place a page held and did not use (it was refused, redirected or failed)."""
        self._places_held = max(0, self._places_held - 1)

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        # The kernel now counts itself, so the place held for it is no longer needed. A pooled
        # kernel's refill takes any held place; the count stays right within one kernel.
        self.release_place()
        return await super().start_kernel(*args, **kwargs)


class _Guard:
    """Mixed into every handler: the host check, and for the page the kernel cap."""

    _holds_place = False

    async def prepare(self, *args: Any, **kwargs: Any) -> None:
        handler: RequestHandler = self  # type: ignore[assignment]
        room: limits.RoomLimits = handler.settings["backcare_room"]
        host, origin = handler.request.host, handler.request.headers.get("Origin")
        if not room.allows_host(host) or not room.allows_origin(origin, host):
            handler.set_status(403)
            handler.set_header("Content-Type", "text/html; charset=utf-8")
            handler.finish(limits.HOST_REFUSED_PAGE)
            return
        result = super().prepare(*args, **kwargs)  # type: ignore[misc]
        if inspect.isawaitable(result):
            await result
        if handler._finished or not isinstance(handler, TornadoVoilaHandler) or handler.request.method != "GET":
            return
        if any(handler.path_args):  # anything but the page itself is redirected, and starts no kernel
            return
        manager = handler.settings["kernel_manager"]
        if isinstance(manager, RoomKernelManager):
            if not manager.hold_place():
                handler.set_status(503)
                handler.set_header("Retry-After", str(limits.RETRY_AFTER_SECONDS))
                handler.set_header("Content-Type", "text/html; charset=utf-8")
                handler.set_header("Cache-Control", "no-store")
                handler.finish(
                    limits.ROOM_FULL_PAGE.format(retry=limits.RETRY_AFTER_SECONDS, limit=manager.max_kernels)
                )
                return
            self._holds_place = True

    def _request_summary(self) -> str:
        # tornado's summary in warnings such as "403 GET /voila/files/x?token=...: File not allowlisted"
        request = self.request  # type: ignore[attr-defined]
        return f"{request.method} {limits.redact_query(request.uri or '')} ({request.remote_ip})"

    def _give_back_place(self) -> None:
        if self._holds_place:
            self._holds_place = False
            manager = self.settings["kernel_manager"]  # type: ignore[attr-defined]
            manager.release_place()

    def on_finish(self) -> None:
        self._give_back_place()
        super().on_finish()  # type: ignore[misc]

    def on_connection_close(self) -> None:
        self._give_back_place()
        super().on_connection_close()  # type: ignore[misc]


_guarded_classes: dict[type, type] = {}


def guarded(handler_class: type) -> type:
    """``handler_class`` with :class:`_Guard` in front of it (one subclass per class)."""
    if handler_class not in _guarded_classes:
        _guarded_classes[handler_class] = type(f"Guarded{handler_class.__name__}", (_Guard, handler_class), {})
    return _guarded_classes[handler_class]


def log_request(handler: RequestHandler) -> None:
    """tornado's access log line, with the access token hidden (``log_function`` setting)."""
    status = handler.get_status()
    if status < 400:
        log = access_log.info
    elif status < 500:
        log = access_log.warning
    else:
        log = access_log.error
    request = handler.request
    uri = limits.redact_query(request.uri or "")
    log("%d %s %s (%s) %.2fms", status, request.method, uri, request.remote_ip, 1000.0 * request.request_time())


class RoomVoila(Voila):
    """Voilà with the serving limits: guarded handlers, the kernel cap, a log without tokens."""

    allowed_hosts = List(Unicode(), config=True, help="host names the server answers to, beyond loopback")

    def init_settings(self) -> dict:
        settings = super().init_settings()
        settings["backcare_room"] = limits.RoomLimits(
            max_kernels=getattr(self.kernel_manager, "max_kernels", 0),
            allowed_hosts=frozenset(self.allowed_hosts) | limits.allowed_host_names(self.ip),
        )
        settings["log_function"] = log_request
        return settings

    def init_handlers(self) -> list:
        handlers = []
        for pattern, handler_class, *rest in super().init_handlers():
            handlers.append((pattern, guarded(handler_class), *rest))
        return handlers

    def start(self) -> None:
        # Voilà copies tornado_settings over its own; keep our log function whatever they say.
        self.tornado_settings = {**self.tornado_settings, "log_function": log_request}
        super().start()
