"""Where a live class's answers meet: one storage interface, SQLite or PostgreSQL behind it.

Each viewer's page runs in its own kernel (a process, on JupyterHub maybe another machine), so
the presenter's page and the learners' pages share their state only through this store:

- **SQLite** (standard library) in a data directory: one file, WAL mode so readers never wait for
  a writer, a busy timeout so writers queue instead of failing. For one server.
- **PostgreSQL** for a ``postgresql://`` URL (the ``class`` extra installs psycopg): for a server
  farm or a JupyterHub whose kernels run on several machines.

The project creates and migrates the schema itself (table ``class_schema`` holds the version);
every query is parameterised. No names and no accounts are stored: a class is a join code, a case
and a hash of the presenter key; an answer is a random device id, the option keys and two times.
A database that cannot be reached or written raises :class:`StoreUnavailable` and the caller shows
its message; nothing already stored is touched by a failed write.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

#: Environment variable naming the store: a directory for SQLite or a ``postgresql://`` URL.
CLASS_DB_ENV = "BACKCARE_CLASS_DB"
#: The SQLite file inside the data directory.
SQLITE_FILE = "backcare-class.sqlite3"
#: How long a writer waits for another kernel's write before giving up (SQLite busy timeout).
BUSY_TIMEOUT_SECONDS = 5.0
#: How long opening a PostgreSQL connection may take before the store reports itself unavailable.
CONNECT_TIMEOUT_SECONDS = 3
#: Longest a PostgreSQL statement may run (ms); migrations and answers take a few.
STATEMENT_TIMEOUT_MS = 10_000
#: Key of PostgreSQL's advisory lock held while migrating, so two kernels never migrate at once.
MIGRATION_LOCK = 1_415_926_014

UNAVAILABLE_MESSAGE = "Answers cannot be saved right now. Nothing already saved is lost; try again in a moment."

# Each migration is a list of statements written once for both databases (SQLite reads DOUBLE
# PRECISION as REAL). Append new ones; never edit one that has shipped.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE class_sessions (
            code TEXT PRIMARY KEY,
            case_id TEXT NOT NULL,
            key_hash TEXT NOT NULL,
            question INTEGER NOT NULL DEFAULT 0,
            revealed INTEGER NOT NULL DEFAULT 0,
            created DOUBLE PRECISION NOT NULL,
            expires DOUBLE PRECISION NOT NULL
        )""",
        """CREATE TABLE class_answers (
            code TEXT NOT NULL REFERENCES class_sessions (code) ON DELETE CASCADE,
            question INTEGER NOT NULL,
            device TEXT NOT NULL,
            choice TEXT NOT NULL,
            submissions INTEGER NOT NULL,
            first_at DOUBLE PRECISION NOT NULL,
            updated DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (code, question, device)
        )""",
        "CREATE INDEX class_sessions_expires ON class_sessions (expires)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class ClassError(Exception):
    """A problem the viewer can act on; ``str(error)`` is the sentence to show them."""


class StoreUnavailable(ClassError):
    """The database cannot be reached or written right now."""

    def __init__(self, message: str = UNAVAILABLE_MESSAGE) -> None:
        super().__init__(message)


class CodeTaken(Exception):
    """A class with this join code exists already (the caller draws another code)."""


@dataclass(frozen=True)
class ClassRecord:
    """One class as stored: its join code, teaching case, presenter-key hash and progress."""

    code: str
    case_id: str
    key_hash: str
    question: int  # index of the current question in the case's quiz
    revealed: bool
    created: float  # seconds since the epoch
    expires: float


@dataclass(frozen=True)
class AnswerRow:
    """One device's answer to one question (``choice`` is the encoded option keys)."""

    question: int
    device: str
    choice: str
    submissions: int
    first_at: float


class ClassStore(ABC):
    """The interface both databases implement. Every method may raise :class:`StoreUnavailable`."""

    kind: str = ""

    @abstractmethod
    def describe(self) -> str:
        """Where the store is, safe to show and log (a URL's password is left out)."""

    def create_class(self, record: ClassRecord) -> None:
        """Store a new class; :class:`CodeTaken` if its code is in use."""
        try:
            with self._transaction() as run:
                run(
                    "INSERT INTO class_sessions (code, case_id, key_hash, question, revealed, created, expires) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        record.code,
                        record.case_id,
                        record.key_hash,
                        record.question,
                        int(record.revealed),
                        record.created,
                        record.expires,
                    ),
                )
        except self._integrity_errors() as error:
            raise CodeTaken(record.code) from error

    def get_class(self, code: str) -> ClassRecord | None:
        """The class with this code, expired or not; ``None`` if there is none."""
        rows = self._query(
            "SELECT code, case_id, key_hash, question, revealed, created, expires FROM class_sessions WHERE code = ?",
            (code,),
        )
        if not rows:
            return None
        code, case_id, key_hash, question, revealed, created, expires = rows[0]
        return ClassRecord(code, case_id, key_hash, int(question), bool(revealed), float(created), float(expires))

    def set_progress(self, code: str, question: int, revealed: bool) -> None:
        """Move the class to ``question`` and set whether its answer is revealed."""
        with self._transaction() as run:
            run("UPDATE class_sessions SET question = ?, revealed = ? WHERE code = ?", (question, int(revealed), code))

    def record_answer(
        self, code: str, question: int, device: str, choice: str, now: float, max_submissions: int
    ) -> bool:
        """Store (or replace) ``device``'s answer to ``question`` in one atomic statement.

        Returns ``False`` without storing anything when the class is not open for that question
        (unknown, expired, moved on or revealed) or the device has reached ``max_submissions``
        for it; the caller reads the class again to say which.
        """
        with self._transaction() as run:
            count = run(
                "INSERT INTO class_answers (code, question, device, choice, submissions, first_at, updated) "
                "SELECT ?, ?, ?, ?, 1, ?, ? WHERE EXISTS (SELECT 1 FROM class_sessions "
                "WHERE code = ? AND question = ? AND revealed = 0 AND expires > ?) "
                "ON CONFLICT (code, question, device) DO UPDATE SET choice = excluded.choice, "
                "submissions = class_answers.submissions + 1, updated = excluded.updated "
                "WHERE class_answers.submissions < ?",
                (code, question, device, choice, now, now, code, question, now, max_submissions),
            )
        return count > 0

    def answer_counts(self, code: str, question: int) -> dict[str, int]:
        """How many devices gave each encoded choice to ``question``."""
        rows = self._query(
            "SELECT choice, COUNT(*) FROM class_answers WHERE code = ? AND question = ? GROUP BY choice",
            (code, question),
        )
        return {choice: int(count) for choice, count in rows}

    def answer_of(self, code: str, question: int, device: str) -> str | None:
        """``device``'s encoded choice for ``question``, or ``None``."""
        rows = self._query(
            "SELECT choice FROM class_answers WHERE code = ? AND question = ? AND device = ?", (code, question, device)
        )
        return rows[0][0] if rows else None

    def answers(self, code: str) -> list[AnswerRow]:
        """Every answer in the class, by question, then in the order devices first answered."""
        rows = self._query(
            "SELECT question, device, choice, submissions, first_at FROM class_answers WHERE code = ? "
            "ORDER BY question, first_at, device",
            (code,),
        )
        return [AnswerRow(int(q), device, choice, int(n), float(first)) for q, device, choice, n, first in rows]

    def delete_expired(self, now: float) -> int:
        """Delete every class whose time is up, and its answers; returns how many classes went."""
        with self._transaction() as run:
            run("DELETE FROM class_answers WHERE code IN (SELECT code FROM class_sessions WHERE expires <= ?)", (now,))
            return run("DELETE FROM class_sessions WHERE expires <= ?", (now,))

    def schema_version(self) -> int:
        """The schema version the database is at (migrating it first if needed)."""
        rows = self._query("SELECT MAX(version) FROM class_schema", ())
        return int(rows[0][0] or 0)

    # --- what each database provides ---------------------------------------------------------------

    @abstractmethod
    def _transaction(self) -> Any:
        """A context manager yielding ``run(sql, params) -> rowcount`` inside one transaction."""

    @abstractmethod
    def _query(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        """Rows of one parameterised ``SELECT``."""

    @abstractmethod
    def _integrity_errors(self) -> tuple[type[BaseException], ...]:
        """The driver's exception types for a broken unique key."""

    @abstractmethod
    def close(self) -> None:
        """Close the connection (the next call opens another)."""


def _migrate(run: Any, current: int) -> None:
    for version in range(current + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS[version - 1]:
            run(statement, ())
        run("INSERT INTO class_schema (version) VALUES (?)", (version,))


def _newer_schema(version: int) -> StoreUnavailable:
    return StoreUnavailable(
        f"The class database is at schema version {version}, newer than this backcare_nb knows "
        f"({SCHEMA_VERSION}); update backcare_nb on this server."
    )


class SQLiteStore(ClassStore):
    """The store in one SQLite file in ``directory`` (created if missing), in WAL mode.

    A connection per call: opening a local file costs well under a millisecond, every kernel
    thread gets its own, and a file whose permissions or place changed is seen at once.
    """

    kind = "sqlite"

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.path = self.directory / SQLITE_FILE
        self._migrated = False

    def describe(self) -> str:
        return f"SQLite file {self.path}"

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as error:
            raise StoreUnavailable() from error
        try:
            connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            if not self._migrated:
                with contextlib.suppress(sqlite3.Error):  # a read-only file keeps its mode and stays readable
                    connection.execute("PRAGMA journal_mode = WAL")
                self._ensure_schema(connection)
                self._migrated = True
            connection.execute("PRAGMA synchronous = NORMAL")
            yield connection
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as error:
            raise StoreUnavailable() from error
        finally:
            connection.close()

    @staticmethod
    def _ensure_schema(connection: sqlite3.Connection) -> None:
        tables = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'class_schema'"
        ).fetchall()
        if tables:
            current = connection.execute("SELECT MAX(version) FROM class_schema").fetchone()[0] or 0
            if current > SCHEMA_VERSION:
                raise _newer_schema(current)
            if current == SCHEMA_VERSION:
                return  # the usual case: no write, so a read-only file can still be read
        connection.execute("BEGIN IMMEDIATE")  # the write lock: one kernel migrates, the others wait
        try:
            connection.execute("CREATE TABLE IF NOT EXISTS class_schema (version INTEGER NOT NULL)")
            current = connection.execute("SELECT MAX(version) FROM class_schema").fetchone()[0] or 0
            _migrate(lambda sql, params: connection.execute(sql, params).rowcount, current)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self._connection() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield lambda sql, params: connection.execute(sql, params).rowcount
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    def _query(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        with self._connection() as connection:
            return connection.execute(sql, params).fetchall()

    def _integrity_errors(self) -> tuple[type[BaseException], ...]:
        return (sqlite3.IntegrityError,)

    def close(self) -> None:
        """Nothing stays open between calls."""


class PostgresStore(ClassStore):
    """The store in a PostgreSQL database given by a ``postgresql://`` URL (psycopg 3).

    One connection per store (per kernel), opened on first use and again after a failure, so a
    server that comes back is used again without reloading the page.
    """

    kind = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.RLock()
        self._connection: Any = None

    def describe(self) -> str:
        return f"PostgreSQL {_without_password(self.url)}"

    def _psycopg(self) -> Any:
        try:
            import psycopg
        except ImportError as error:  # installed with the "class" extra
            raise StoreUnavailable(
                "This server has no PostgreSQL driver: install backcare-nb[class] (psycopg)."
            ) from error
        return psycopg

    def _connect(self) -> Any:
        if self._connection is not None and not self._connection.closed:
            return self._connection
        psycopg = self._psycopg()
        try:
            connection = psycopg.connect(
                self.url,
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                # A server that hangs must not hold a learner's click for long: the page says so instead.
                options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
            )
        except psycopg.Error as error:
            raise StoreUnavailable() from error
        try:
            with connection.transaction():
                connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                connection.execute("CREATE TABLE IF NOT EXISTS class_schema (version INTEGER NOT NULL)")
                current = connection.execute("SELECT MAX(version) FROM class_schema").fetchone()[0] or 0
                if current > SCHEMA_VERSION:
                    raise _newer_schema(current)
                _migrate(lambda sql, params: connection.execute(_pg(sql), params).rowcount, current)
        except psycopg.Error as error:
            connection.close()
            raise StoreUnavailable() from error
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        return connection

    def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # already broken: nothing more to close
                self._connection.close()
            self._connection = None

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        psycopg = self._psycopg()
        with self._lock:
            connection = self._connect()
            try:
                with connection.transaction():
                    yield lambda sql, params: connection.execute(_pg(sql), params).rowcount
            except psycopg.IntegrityError:
                raise
            except psycopg.Error as error:
                self._drop()
                raise StoreUnavailable() from error

    def _query(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        psycopg = self._psycopg()
        with self._lock:
            connection = self._connect()
            try:
                return connection.execute(_pg(sql), params).fetchall()
            except psycopg.Error as error:
                self._drop()
                raise StoreUnavailable() from error

    def _integrity_errors(self) -> tuple[type[BaseException], ...]:
        return (self._psycopg().IntegrityError,)

    def close(self) -> None:
        with self._lock:
            self._drop()


def _pg(sql: str) -> str:
    """The statement with psycopg's placeholders (the SQL here has no literal question marks)."""
    return sql.replace("?", "%s")


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def default_directory() -> Path:
    """Where SQLite keeps classes when no store is named: ``$XDG_DATA_HOME/backcare-nb``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "backcare-nb"


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def open_store(target: str | os.PathLike[str] | None = None) -> ClassStore:
    """The store for ``target``: a ``postgresql://`` URL, else a directory for SQLite.

    Without a target, ``$BACKCARE_CLASS_DB`` (set by ``backcare-nb dashboard --class-db``), else
    :func:`default_directory`. Nothing is opened until the first call, so a database that is down
    shows up as a message on the page, never as a page that fails to load.
    """
    if target is None:
        target = os.environ.get(CLASS_DB_ENV) or default_directory()
    text = os.fspath(target)
    if is_postgres_url(text):
        return PostgresStore(text)
    return SQLiteStore(Path(text).expanduser())


__all__ = [
    "CLASS_DB_ENV",
    "SCHEMA_VERSION",
    "UNAVAILABLE_MESSAGE",
    "AnswerRow",
    "ClassError",
    "ClassRecord",
    "ClassStore",
    "CodeTaken",
    "PostgresStore",
    "SQLiteStore",
    "StoreUnavailable",
    "default_directory",
    "is_postgres_url",
    "open_store",
]
