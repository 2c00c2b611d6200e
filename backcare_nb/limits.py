"""Serving limits: how many kernels the server runs, how much memory each may take, which host
names it answers to, and what its log may show. Plain Python, no widgets, no Voilà: the rules
here are applied by ``backcare_nb/room.py`` and chosen on the command line (``backcare-nb
dashboard --max-kernels --kernel-memory --allow-host --public-url``).

- **Kernels.** Every viewer's page runs its own kernel (about 60 MB resident, measured: README,
  Performance). Beyond :func:`default_max_kernels` the next viewer gets :data:`ROOM_FULL_PAGE`
  ("try again in a minute") instead of a kernel that would push the machine into swap.
- **Memory per kernel.** A kernel's address space is capped (``RLIMIT_AS``,
  :data:`DEFAULT_KERNEL_MEMORY_MB`); address space, not resident memory, because that is what the
  kernel can cap for itself. An idle dashboard kernel maps about 215 MB with glibc's malloc arenas
  limited to two (``MALLOC_ARENA_MAX``; 670-880 MB without), of which about 60 MB is resident.
- **Host names.** A request whose ``Host`` is a name other than the loopback names, the bound
  address, the machine's own name or one given with ``--allow-host`` / ``--public-url`` is
  refused, and so is one whose ``Origin`` names another site: a web page elsewhere cannot reach
  the server through DNS rebinding (which needs a name of the attacker's) or open its websockets.
  An IP address as ``Host`` is accepted, so a room can type the machine's address.
- **Logs.** :func:`redact_query` keeps the access token out of the server's log lines.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

#: Resident memory to plan per kernel (measured 56-73 MB for the dashboard, plus headroom).
KERNEL_BUDGET_MB = 120
#: Share of the machine's memory the kernels may be planned to take; the rest is the server's,
#: the operating system's and headroom.
KERNEL_MEMORY_SHARE = 0.6
#: Address-space limit per kernel (MB) when none is given: nearly five times what a dashboard kernel maps.
DEFAULT_KERNEL_MEMORY_MB = 1024
#: glibc reserves 64 MB of address space per malloc arena (up to 8 per core); two are plenty for
#: a kernel and keep the address space, which the limit counts, near what is really used.
MALLOC_ARENAS = "2"
#: The fewest kernels the server allows by default, however small the machine.
MIN_DEFAULT_KERNELS = 4
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
#: Addresses that mean "every interface": they name no host a browser would use.
ANY_ADDRESS = frozenset({"0.0.0.0", "::", ""})
#: Query parameters that are secrets and must never reach a log.
SECRET_PARAMETERS = ("token", "_xsrf")
#: How long a viewer refused because the room is full is asked to wait (Retry-After, seconds).
RETRY_AFTER_SECONDS = 60

ROOM_FULL_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta http-equiv="refresh" content="{retry}"><title>The room is full</title>
<style>body{{font:17px/1.5 system-ui,sans-serif;max-width:34em;margin:4em auto;padding:0 1em;color:#222}}</style>
</head><body><main>
<h1>The room is full</h1>
<p>Every place on this teaching server is taken right now ({limit} open pages).</p>
<p>Please try again in a minute: this page reloads itself, and a place frees up when someone closes
their page.</p>
</main></body></html>
"""

HOST_REFUSED_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Unknown address</title></head><body><main>
<h1>This server does not answer to that address</h1>
<p>Open it at the address its operator gave you. Operators: start it with
<code>--allow-host NAME</code> or <code>--public-url URL</code> to serve it under another name.</p>
</main></body></html>
"""


def machine_memory_mb(meminfo: str = "/proc/meminfo") -> int | None:
    """The machine's total memory in MB (None when it cannot be read)."""
    try:
        with open(meminfo, encoding="ascii") as lines:
            for line in lines:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024)
    except (OSError, ValueError, AttributeError):
        return None


def default_max_kernels(memory_mb: int | None = None) -> int:
    """How many kernels fit this machine: :data:`KERNEL_MEMORY_SHARE` of its memory at
    :data:`KERNEL_BUDGET_MB` each, at least :data:`MIN_DEFAULT_KERNELS` (e.g. 24 GB: 122)."""
    memory_mb = machine_memory_mb() if memory_mb is None else memory_mb
    if not memory_mb:
        return 32  # memory unknown: enough for a class, not enough to sink a small machine
    return max(MIN_DEFAULT_KERNELS, int(memory_mb * KERNEL_MEMORY_SHARE) // KERNEL_BUDGET_MB)


def host_name(host_header: str) -> str:
    """The name part of a ``Host`` header or URL authority, lower case, without port or brackets."""
    host = host_header.strip().lower()
    if host.startswith("["):  # [::1]:8866
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host  # a bare name or a bare IPv6 address


@dataclass(frozen=True)
class RoomLimits:
    """The limits one server applies; see the module's docstring."""

    max_kernels: int = field(default_factory=default_max_kernels)
    kernel_memory_mb: int = DEFAULT_KERNEL_MEMORY_MB  # 0: no limit
    allowed_hosts: frozenset[str] = LOOPBACK_NAMES

    def allows_host(self, host_header: str | None) -> bool:
        """Whether a request's ``Host`` header names this server: an allowed name, or an IP address
        (DNS rebinding needs a name; a missing header is refused)."""
        if not host_header:
            return False
        name = host_name(host_header)
        return name in self.allowed_hosts or _is_ip_address(name)

    def allows_origin(self, origin: str | None, host_header: str | None = None) -> bool:
        """Whether a request's ``Origin`` (absent for most page loads) is this server: an allowed
        name, or the same host the request was sent to (so an IP address works for its own pages)."""
        if origin is None:
            return True
        parts = urlsplit(origin.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return False
        name = host_name(parts.netloc)
        return name in self.allowed_hosts or (bool(host_header) and name == host_name(host_header or ""))


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def allowed_host_names(bind_host: str, public_url: str | None = None, extra: Iterable[str] = ()) -> frozenset[str]:
    """The host names a server bound to ``bind_host`` answers to: the loopback names, the bound
    address itself (unless it is "every address"), the public URL's host and ``extra`` names."""
    names = set(LOOPBACK_NAMES)
    if bind_host.strip().lower() not in ANY_ADDRESS:
        names.add(host_name(bind_host))
    if not is_loopback(bind_host):
        # Reachable from the network: the machine's own name, and its mDNS name, as a room types it.
        machine = socket.gethostname().lower()
        names.update({machine, f"{machine}.local"} if machine else set())
    if public_url:
        public = urlsplit(public_url if "//" in public_url else "//" + public_url).hostname
        if public:
            names.add(public.lower())
    names.update(host_name(name) for name in extra if name.strip())
    return frozenset(names)


_SECRET_NAMES = "|".join(re.escape(name) for name in SECRET_PARAMETERS)
_SECRET = re.compile(rf"(?i)(^|[?&;])((?:{_SECRET_NAMES})=)[^&;#]*")


def redact_query(uri: str) -> str:
    """``uri`` with the values of secret query parameters (the access token) replaced by ``[hidden]``."""
    return _SECRET.sub(r"\1\2[hidden]", uri)


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server on this machine only."""
    return host.strip().lower() in LOOPBACK_NAMES or host.strip().startswith("127.")


def host_without_token_refusal(host: str, token: str | None, accept_risk: bool) -> str | None:
    """The one-line reason to refuse serving on ``host`` without a token, or None when it is fine."""
    if token or accept_risk or is_loopback(host):
        return None
    return (
        f"refusing to serve on --host {host} without a token: anyone who can reach this machine could "
        "open the dashboard and start kernels; add --token SECRET (or set BACKCARE_TOKEN), or "
        "--no-token-i-know if the network is trusted"
    )
