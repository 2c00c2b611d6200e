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
