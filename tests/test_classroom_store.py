"""The class store against real SQLite files and a real PostgreSQL server (tests/postgres.py).

Every behaviour is checked on both databases through the one interface; the fault tests make the
SQLite file read-only and stop PostgreSQL in the middle of a class, and check the message a
viewer would read and that no stored answer was lost.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import pwd
import sqlite3
import stat
import tempfile
import threading
from pathlib import Path

import pytest

from backcare_nb.classroom import LiveClass, StoreUnavailable, open_store
from backcare_nb.classroom.store import (
    SCHEMA_VERSION,
    SQLITE_FILE,
    UNAVAILABLE_MESSAGE,
    ClassRecord,
    CodeTaken,
    PostgresStore,
    SQLiteStore,
)
from backcare_nb.ui.live import ClassLearnerApp, ClassPresenterApp
from tests.postgres import postgres_or_skip, running_postgres

NOW = 1_800_000_000.0
_databases = itertools.count()


@pytest.fixture(scope="module")
def postgres():
    postgres_or_skip()
    with running_postgres() as server:
        yield server


def fresh_database(server) -> str:
    """A new, empty database on the test server; its URL."""
    import psycopg

    name = f"class_test_{next(_databases)}"
    with psycopg.connect(server.url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")  # a name made here, never from input
    return server.url.replace("/postgres?", f"/{name}?")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request, tmp_path):
    """A target for :func:`open_store`: an empty SQLite directory, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "class-db")
    return fresh_database(request.getfixturevalue("postgres"))


def record(code: str = "K7MP2Q", expires: float = NOW + 3600, question: int = 0) -> ClassRecord:
    return ClassRecord(code, "desk_day2", "0" * 64, question, False, NOW, expires)


def test_the_target_picks_the_database(tmp_path):
    assert isinstance(open_store(tmp_path), SQLiteStore)
    assert isinstance(open_store("postgresql://user:secret@db.internal/classes"), PostgresStore)
    assert "secret" not in open_store("postgresql://user:secret@db.internal/classes").describe()


def test_the_environment_names_the_store(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKCARE_CLASS_DB", str(tmp_path / "from-env"))
    store = open_store()
    store.create_class(record())
    assert (tmp_path / "from-env" / SQLITE_FILE).is_file()


def test_schema_is_created_once_and_versioned(store_target):
    first = open_store(store_target)
    assert first.schema_version() == SCHEMA_VERSION
    second = open_store(store_target)  # another kernel: the migration is not run twice
    assert second.schema_version() == SCHEMA_VERSION
    rows = second._query("SELECT version FROM class_schema", ())
    assert [row[0] for row in rows] == list(range(1, SCHEMA_VERSION + 1))


def test_a_newer_schema_is_refused_with_a_message(store_target):
    open_store(store_target).schema_version()
    writer = open_store(store_target)
    with writer._transaction() as run:
        run("INSERT INTO class_schema (version) VALUES (?)", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreUnavailable, match="newer than this backcare_nb knows"):
        open_store(store_target).get_class("K7MP2Q")


def test_classes_are_stored_and_codes_are_unique(store_target):
    store = open_store(store_target)
    store.create_class(record())
    assert store.get_class("K7MP2Q") == record()
    assert store.get_class("AAAAAA") is None
    with pytest.raises(CodeTaken):
        store.create_class(record())
    store.set_progress("K7MP2Q", 2, True)
    assert (store.get_class("K7MP2Q").question, store.get_class("K7MP2Q").revealed) == (2, True)


def test_an_answer_is_replaced_never_doubled_and_bounded(store_target):
    store = open_store(store_target)
    store.create_class(record())
    assert store.record_answer("K7MP2Q", 0, "device-a", "acute", NOW, 3)
    assert store.record_answer("K7MP2Q", 0, "device-a", "acute", NOW + 1, 3)  # a replay
    assert store.answer_counts("K7MP2Q", 0) == {"acute": 1}
    assert store.record_answer("K7MP2Q", 0, "device-a", "subacute_chronic", NOW + 2, 3)  # changed
    assert store.answer_counts("K7MP2Q", 0) == {"subacute_chronic": 1}
    assert not store.record_answer("K7MP2Q", 0, "device-a", "acute", NOW + 3, 3)  # fourth: refused
    assert store.answer_of("K7MP2Q", 0, "device-a") == "subacute_chronic"
    [row] = store.answers("K7MP2Q")
    assert (row.device, row.choice, row.submissions, row.first_at) == ("device-a", "subacute_chronic", 3, NOW)


def test_answers_only_reach_the_open_question(store_target):
    store = open_store(store_target)
    store.create_class(record(question=1))
    assert not store.record_answer("K7MP2Q", 0, "device-a", "acute", NOW, 10)  # moved on
    assert not store.record_answer("NOPE22", 1, "device-a", "acute", NOW, 10)  # no such class
    store.set_progress("K7MP2Q", 1, True)
    assert not store.record_answer("K7MP2Q", 1, "device-a", "acute", NOW, 10)  # revealed
    assert not store.record_answer("K7MP2Q", 1, "device-a", "acute", NOW + 7200, 10)  # expired
    assert store.answers("K7MP2Q") == []


def test_values_are_parameters_never_sql(store_target):
    store = open_store(store_target)
    store.create_class(record())
    hostile = "x'); DROP TABLE class_answers; --"
    assert store.record_answer("K7MP2Q", 0, hostile, hostile, NOW, 10)
    assert store.answer_counts("K7MP2Q", 0) == {hostile: 1}
    assert store.answer_of("K7MP2Q", 0, hostile) == hostile


def test_expired_classes_and_their_answers_are_deleted(store_target):
    store = open_store(store_target)
    store.create_class(record("OLDOLD", expires=NOW - 1))
    store.create_class(record("NEWNEW", expires=NOW + 3600))
    store.set_progress("OLDOLD", 0, False)
    with store._transaction() as run:  # an answer stored while the old class was open
        run(
            "INSERT INTO class_answers (code, question, device, choice, submissions, first_at, updated) "
            "VALUES (?, 0, 'd', 'acute', 1, ?, ?)",
            ("OLDOLD", NOW - 10, NOW - 10),
        )
    assert store.record_answer("NEWNEW", 0, "d", "acute", NOW, 10)
    assert store.delete_expired(NOW) == 1
    assert store.get_class("OLDOLD") is None
    assert store.answers("OLDOLD") == []
    assert store.answer_counts("NEWNEW", 0) == {"acute": 1}


def test_sixty_devices_at_once_lose_nothing(store_target):
    """Sixty kernels, each with its own connection, answer the same question in the same instant."""
    open_store(store_target).create_class(record())
    stores = [open_store(store_target) for _ in range(60)]
    barrier = threading.Barrier(60)
    failures: list[BaseException] = []

    def answer(number: int) -> None:
        try:
            barrier.wait()
            assert stores[number].record_answer("K7MP2Q", 0, f"device-{number}", "acute", NOW, 10)
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=answer, args=(number,)) for number in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert open_store(store_target).answer_counts("K7MP2Q", 0) == {"acute": 60}
    for store in stores:
        store.close()


# --- faults ---------------------------------------------------------------------------------------


def _submit_as(uid: int, gid: int, directory: str, code: str, queue, content) -> None:
    """In a forked child: become ``uid`` (as a kernel run by an ordinary user) and try to answer.

    The child reads nothing from the checkout: ``uid`` may not reach it (a clone in a private
    folder, as ``mktemp -d`` makes, is 0700). The content comes loaded from the parent, every module
    it runs is already imported there, and it works in the database's own folder.
    """
    try:
        os.chdir(directory)
        if uid != os.geteuid():
            os.setgid(gid)
            os.setuid(uid)
        live = LiveClass(open_store(directory), content)
        view = live.open(code)
        live.submit(code, "device-late", 0, view.question.options[0].key)
        queue.put("stored")
    except Exception as error:
        queue.put(f"{type(error).__name__}: {error}")


def test_a_read_only_database_file_says_so_and_keeps_every_answer(content):
    directory = Path(tempfile.mkdtemp(prefix="backcare-ro-"))
    os.chmod(directory, 0o755)  # an unprivileged kernel can reach the file, not write beside it
    store = open_store(directory)
    live = LiveClass(store, content)
    view, _key = live.start("desk_day2")
    for number in range(5):
        live.submit(view.code, f"device-{number}", 0, "acute")
    database = directory / SQLITE_FILE
    sqlite3.connect(database).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    os.chmod(database, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    # Root writes through any mode bits, so as root (CI) the learner's kernel is an ordinary user.
    account = pwd.getpwnam("nobody") if os.geteuid() == 0 else None
    uid, gid = (account.pw_uid, account.pw_gid) if account else (os.geteuid(), os.getegid())
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_submit_as, args=(uid, gid, str(directory), view.code, queue, content))
    child.start()
    outcome = queue.get(timeout=60)
    child.join(timeout=30)
    try:
        assert outcome == f"StoreUnavailable: {UNAVAILABLE_MESSAGE}"
        assert live.tally(live.open(view.code)).counts()["acute"] == 5  # nothing lost
        os.chmod(database, 0o644)
        live.submit(view.code, "device-back", 0, "acute")
        assert live.tally(live.open(view.code)).counts()["acute"] == 6
    finally:
        os.chmod(database, 0o644)
        for path in directory.iterdir():
            path.unlink()
        directory.rmdir()


def test_postgresql_stopped_mid_class_says_so_and_keeps_every_answer(content, postgres):
    url = fresh_database(postgres)
    presenter = ClassPresenterApp(content, open_store(url), poll_seconds=3600)
    learners = [ClassLearnerApp(content, open_store(url), poll_seconds=3600) for _ in range(3)]
    presenter._on_start()
    code = presenter.view.code
    for learner in learners:
        learner.code_field.value = code
        learner._on_join()
    learners[0].answer("Acute stage (0-7 days)")
    learners[1].answer("Acute stage (0-7 days)")
    presenter.refresh()
    assert 'data-respondents="2"' in presenter.chart.value

    postgres.stop()
    try:
        learners[2].answer("Acute stage (0-7 days)")
        assert "Answers cannot be saved right now" in learners[2].message.value
        assert "Traceback" not in learners[2].message.value
        presenter.refresh()
        assert "Answers cannot be saved right now" in presenter.message.value
        assert 'data-respondents="2"' in presenter.chart.value  # the last chart stays up
    finally:
        postgres.start()

    presenter.refresh()  # reconnects on its own
    assert presenter.message.value == ""
    assert 'data-respondents="2"' in presenter.chart.value
    learners[2].answer("Acute stage (0-7 days)")
    assert "Your answer is in" in learners[2].confirmation.value
    presenter.refresh()
    assert 'data-respondents="3"' in presenter.chart.value
