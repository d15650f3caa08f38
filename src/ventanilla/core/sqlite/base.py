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

Checkpoints (copying the write-ahead log back into the database file, and syncing it to
disk) run in a thread of each process, a few times a second, instead of in whichever
request's commit happens to fill the log past SQLite's threshold: that request waited
for a thousand pages to be copied and an fsync. The writers' own automatic checkpoint
stays as a backstop, at a larger threshold, should the thread fall behind.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time
from typing import Any

from django.db.backends.sqlite3 import base

logger = logging.getLogger(__name__)

CHECKPOINT_EVERY = 0.1  # seconds between the thread's checkpoints
# Pages of write-ahead log (4 KiB each) after which a committing writer checkpoints
# itself; SQLite's default is 1,000.
AUTOCHECKPOINT_PAGES = 10_000


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
            connection.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
            _checkpointer_start(str(self.settings_dict["NAME"]))
        return connection

    def _start_transaction_under_autocommit(self) -> None:
        self._writer_acquire()
        try:
            if self.queries_logged or self.execute_wrappers:  # seen like any statement
                super()._start_transaction_under_autocommit()  # type: ignore[misc]
            else:  # Django's cursor would cost more than the BEGIN (core/hotsql.py)
                with self.wrap_database_errors:
                    mode = self.transaction_mode or ""  # type: ignore[attr-defined]
                    self.connection.execute(f"BEGIN {mode}")
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


# Database path -> (process id, thread): one checkpointer per database in each process
# (a forked child starts its own).
_checkpointers: dict[str, tuple[int, threading.Thread]] = {}
_checkpointers_lock = threading.Lock()


def _checkpointer_start(path: str) -> None:
    with _checkpointers_lock:
        running = _checkpointers.get(path)
        if running is not None and running[0] == os.getpid() and running[1].is_alive():
            return
        thread = threading.Thread(
            target=_checkpoint_loop, args=(path,), name="sqlite-checkpoint", daemon=True
        )
        _checkpointers[path] = (os.getpid(), thread)
        thread.start()


def _checkpoint_loop(path: str) -> None:
    """Checkpoint ``path``'s write-ahead log every ``CHECKPOINT_EVERY`` seconds, while the
    database exists. PASSIVE: it copies what no reader still needs and never waits for,
    nor blocks, readers and writers."""
    try:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error:
        logger.exception("The checkpoint thread could not open the database.")
        return
    try:
        db.execute("PRAGMA busy_timeout=0")  # another process checkpointing: next time
        while os.path.exists(path):
            time.sleep(CHECKPOINT_EVERY)
            try:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.OperationalError:  # busy: someone else is checkpointing
                continue
    except sqlite3.Error:
        logger.exception("The checkpoint thread stopped; writers checkpoint themselves.")
    finally:
        db.close()
