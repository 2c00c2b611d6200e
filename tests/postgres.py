"""A real PostgreSQL server for the class store's tests and benchmark, started and stopped here.

:func:`running_postgres` runs Debian's ``initdb`` into a fresh temporary directory and
``pg_ctl start`` on a unix socket in that directory (no TCP port, so nothing outside the machine
can reach it), yields a ``postgresql://`` URL, and stops the server and deletes the directory on the
way out. As root (as on CI) the server runs as the unprivileged ``postgres`` user through
``runuser``, which owns the directory.

:func:`postgres_or_skip` is what a test calls: without Debian's ``postgresql`` package the test is
skipped, except when ``CI`` is set, where it fails (``make test`` installs the package).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MISSING = (
    "PostgreSQL is not installed: the class store's tests need Debian's postgresql package "
    "(make test installs it as root; otherwise apt-get install postgresql)."
)
SERVER_USER = "postgres"
START_TIMEOUT_SECONDS = 60


def postgres_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` with initdb and pg_ctl, or ``None``."""
    override = os.environ.get("BACKCARE_PG_BIN")
    candidates = (
        [override]
        if override
        else sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(Path(path).parent.name), reverse=True)
    )
    for candidate in candidates:
        if (Path(candidate) / "initdb").is_file() and (Path(candidate) / "pg_ctl").is_file():
            return Path(candidate)
    return None


@dataclass
class PostgresServer:
    """A running server: its URL, and how to stop and start it again (for the fault tests)."""

    url: str
    data_dir: Path
    socket_dir: Path
    port: int
    bin_dir: Path
    as_user: list[str]

    def _pg_ctl(self, *arguments: str) -> None:
        command = [*self.as_user, str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), *arguments]
        subprocess.run(command, check=True, capture_output=True, timeout=START_TIMEOUT_SECONDS)

    def start(self) -> None:
        options = f"-k {self.socket_dir} -h '' -p {self.port} -c fsync=off -c max_connections=200"
        log = self.socket_dir / "server.log"
        self._pg_ctl("-w", "-t", str(START_TIMEOUT_SECONDS), "-l", str(log), "-o", options, "start")

    def stop(self) -> None:
        self._pg_ctl("-w", "-m", "fast", "stop")


def _free_port_number() -> int:
    # The socket file's name carries the port; with no TCP listener any number not in use here works.
    from benchmarks.browser import free_port

    return free_port()


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Start a throwaway PostgreSQL server; yields it, then stops it and removes its files."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise FileNotFoundError(MISSING)
    root = Path(tempfile.mkdtemp(prefix="backcare-pg-"))
    as_user: list[str] = []
    try:
        if os.geteuid() == 0:
            # initdb refuses to run as root: hand the directory to the unprivileged server user.
            account = pwd.getpwnam(SERVER_USER)
            os.chown(root, account.pw_uid, account.pw_gid)
            as_user = ["runuser", "-u", SERVER_USER, "--"]
        data_dir = root / "data"
        subprocess.run(
            [*as_user, str(bin_dir / "initdb"), "-D", str(data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
            timeout=START_TIMEOUT_SECONDS,
        )
        port = _free_port_number()
        server = PostgresServer(
            url=f"postgresql://postgres@/postgres?host={root}&port={port}",
            data_dir=data_dir,
            socket_dir=root,
            port=port,
            bin_dir=bin_dir,
            as_user=as_user,
        )
        server.start()
        try:
            yield server
        finally:
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def postgres_or_skip() -> None:
    """Skip the calling test when PostgreSQL is not installed; fail instead on CI."""
    import pytest

    if postgres_bin() is not None:
        return
    if os.environ.get("CI"):
        pytest.fail(MISSING, pytrace=False)
    pytest.skip(MISSING)
