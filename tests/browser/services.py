"""Real services for the deployment tests (test_hub.py, test_nginx.py): start one in its own process
group on a loopback port, wait until it answers, stop the whole group; find the tools they need.

A tool from a Debian package (nginx) or from tests/node (configurable-http-proxy) that is missing
skips the test with the command that installs it, except on CI (``CI=true``), where it fails:
`make test` installs both there (SYSTEM_PACKAGES, `make node`).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import subprocess
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.browser.conftest import _descendants as descendants  # every process below a pid
from tests.browser.conftest import stop_group

REPO = Path(__file__).resolve().parents[2]
NODE_BIN = REPO / "tests" / "node" / "node_modules" / ".bin"
START_SECONDS = 90


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require_tool(candidates: Sequence[str | Path], what: str, install: str) -> str:
    """The first executable of ``candidates`` (paths or names on PATH); skip, or on CI fail, when none is."""
    for candidate in candidates:
        found = shutil.which(str(candidate))
        if found:
            return found
    message = f"{what} is not installed: {install}"
    if on_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def start(command: Sequence[str], log_path: Path, *, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """``command`` in a process group of its own, its output in ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w", encoding="utf-8") as log:
        return subprocess.Popen(
            list(command), cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env
        )


def wait_until_answering(url: str, process: subprocess.Popen, log_path: Path, seconds: float = START_SECONDS) -> None:
    """Return once ``url`` gives any HTTP answer; raise with the log if the process exits or never answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}:\n{log_path.read_text()}")
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
        try:
            connection.request("GET", parts.path or "/")
            connection.getresponse()  # any status: redirects are not followed
            return
        except OSError:
            time.sleep(0.25)
        finally:
            connection.close()
    raise RuntimeError(f"{url} did not answer within {seconds} s:\n{log_path.read_text()}")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the process group, SIGKILL whatever is left of it after 20 s, and any descendant that
    started a group of its own (the hub's learners' servers do)."""
    stragglers = descendants(process.pid)
    stop_group(process)
    deadline = time.monotonic() + 10
    while stragglers and time.monotonic() < deadline:
        stragglers = [pid for pid in stragglers if Path(f"/proc/{pid}").exists() and not _zombie(pid)]
        time.sleep(0.2)
    for pid in stragglers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").rstrip("\0").split("\0")
    except OSError:
        return []


def memory_mb(pid: int) -> dict[str, float]:
    """Resident (RSS) and proportional (PSS: shared pages split between their users) memory in MB."""
    values = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss"):
                values[name.lower()] = round(int(rest.split()[0]) / 1024, 1)
    return values
