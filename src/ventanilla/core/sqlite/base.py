"""Django's SQLite backend, with writers that queue instead of sleeping.

SQLite lets one write transaction run at a time. A second writer that finds the lock
taken is put to sleep by SQLite's busy handler in coarse steps (1, 2, 5, 10 ms ...), which
is far longer than our write transactions last (well under a millisecond): with two web
workers writing, each waited more than it worked, and two workers served fewer
submissions than one (bench/submissions.py).

So each write transaction (Django's ``BEGIN IMMEDIATE``) first takes an advisory lock on
a file beside the database (``flock``: released by the kernel if the process dies), and
gives it back when it commits, rolls back or the connection closes. A writer waiting for
it retries within tens of microseconds; after the connection's ``timeout`` it gives up
with SQLite's own "database is locked" error, as before. The lock is per connection
(its own open file), so threads of one process queue as processes do. In-memory
databases (the tests' default) have one process and no lock file.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writer_file: int | None = None
        self._writer_held = False

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        self._writer_timeout = float(conn_params.get("timeout", 5))
        if not self.is_in_memory_db():
            path = f"{self.settings_dict['NAME']}-writer.lock"
            self._writer_file = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        return connection

    def _start_transaction_under_autocommit(self) -> None:
        self._writer_acquire()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._writer_release()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._writer_release()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._writer_release()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._writer_release()
            if self._writer_file is not None:
                os.close(self._writer_file)
                self._writer_file = None

    def _writer_acquire(self) -> None:
        if self._writer_file is None or self._writer_held:
            return
        deadline = time.monotonic() + self._writer_timeout
        pause = 0.00002
        while True:
            try:
                fcntl.flock(self._writer_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    with self.wrap_database_errors:  # as Django reports SQLite's own
                        raise sqlite3.OperationalError("database is locked") from None
                time.sleep(pause)
                pause = min(pause * 2, 0.0005)
            else:
                self._writer_held = True
                return

    def _writer_release(self) -> None:
        if self._writer_held and self._writer_file is not None:
            fcntl.flock(self._writer_file, fcntl.LOCK_UN)
        self._writer_held = False
