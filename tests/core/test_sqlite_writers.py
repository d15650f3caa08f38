"""Our SQLite backend: write transactions queue on a lock file instead of sleeping in
SQLite's busy handler, give the lock back however they end, and still time out."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from ventanilla.core.sqlite.base import AUTOCHECKPOINT_PAGES


def _connections(path: Path, timeout: float = 5) -> ConnectionHandler:
    return ConnectionHandler(
        {
            "default": {
                "ENGINE": "ventanilla.core.sqlite",
                "NAME": str(path),
                "OPTIONS": {
                    "init_command": "PRAGMA journal_mode=WAL;",
                    "transaction_mode": "IMMEDIATE",
                    "timeout": timeout,
                },
            }
        }
    )


def _begin(connection: Any) -> None:
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _end(connection: Any, how: str = "commit") -> None:
    getattr(connection, how)()
    connection.set_autocommit(True)


def _insert(connection: Any, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO t (v) VALUES (%s)", [value])


def _other_thread(path: Path, timeout: float, work: Any) -> dict[str, Any]:
    """Run ``work(connection)`` on a connection of another thread; what happened."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        connection = _connections(path, timeout)["default"]
        started = time.monotonic()
        try:
            work(connection)
        except Exception as error:  # reported to the test
            outcome["error"] = error
        outcome["waited"] = time.monotonic() - started
        connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    outcome["thread"] = thread
    return outcome


@pytest.fixture
def first(tmp_path: Path, django_db_blocker: Any) -> Any:
    """A connection to a database file of its own (not the tests' database)."""
    django_db_blocker.unblock()
    connection = _connections(tmp_path / "db.sqlite3")["default"]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE t (v TEXT)")
    yield connection
    connection.close()
    django_db_blocker.restore()


def _write(connection: Any) -> None:
    _begin(connection)
    _insert(connection, "second")
    _end(connection)


def test_a_second_writer_waits_for_the_first_to_commit_then_writes(
    first: Any, tmp_path: Path
) -> None:
    _begin(first)
    _insert(first, "first")
    second = _other_thread(tmp_path / "db.sqlite3", 5, _write)
    time.sleep(0.2)
    assert second["thread"].is_alive()  # queued behind the first transaction
    _end(first)
    second["thread"].join(5)
    assert "error" not in second
    assert second["waited"] >= 0.2
    with first.cursor() as cursor:
        cursor.execute("SELECT v FROM t ORDER BY rowid")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]


@pytest.mark.parametrize("how", ["rollback", "close"])
def test_a_transaction_rolled_back_or_closed_gives_the_lock_back(
    first: Any, tmp_path: Path, how: str
) -> None:
    _begin(first)
    _insert(first, "gone")
    if how == "rollback":
        _end(first, "rollback")
    else:
        first.close()
    second = _other_thread(tmp_path / "db.sqlite3", 1, _write)
    second["thread"].join(5)
    assert "error" not in second
    assert second["waited"] < 0.5


def test_a_writer_that_waits_past_its_timeout_gets_database_is_locked(
    first: Any, tmp_path: Path
) -> None:
    _begin(first)
    second = _other_thread(tmp_path / "db.sqlite3", 0.3, _write)
    second["thread"].join(5)
    _end(first)
    assert isinstance(second["error"], OperationalError)
    assert "database is locked" in str(second["error"])
    assert 0.3 <= second["waited"] < 2
    # and it holds nothing afterwards: the first one writes again at once
    _begin(first)
    _insert(first, "again")
    _end(first)


def test_a_thread_checkpoints_the_log_into_the_database_file_while_writers_go_on(
    first: Any, tmp_path: Path
) -> None:
    with first.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone()[0] == AUTOCHECKPOINT_PAGES  # the writers' own: a backstop
    for value in ("a", "b", "c"):
        _write_value(first, value)
    assert any(thread.name == "sqlite-checkpoint" for thread in threading.enumerate())
    # The database file alone, without its write-ahead log, has the rows once the
    # thread has copied them there: nobody else checkpoints (the log is far below the
    # writers' threshold, and the connection stays open).
    path = tmp_path / "db.sqlite3"
    deadline = time.monotonic() + 5
    while True:
        file_only = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
        try:
            rows = [row[0] for row in file_only.execute("SELECT v FROM t ORDER BY rowid")]
        except sqlite3.OperationalError:  # not even the table is there yet
            rows = []
        finally:
            file_only.close()
        if rows == ["a", "b", "c"] or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert rows == ["a", "b", "c"]


def _write_value(connection: Any, value: str) -> None:
    _begin(connection)
    _insert(connection, value)
    _end(connection)
