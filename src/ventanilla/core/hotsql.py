"""Statements on the hottest paths (the ledger's append, the mediator's checks and its
call log), run on the database driver's own cursor.

Django's cursor wrapper costs about as much as SQLite takes to run a small statement
(10-15 µs: a new wrapper per cursor, the placeholders rewritten by a regular expression
on every call, the debug and wrapper hooks), and a mediated call runs four to six of them
(bench/exchange.py). On PostgreSQL they are prepared on the server, once per connection
(settings: ``prepare_threshold``), which saves PostgreSQL parsing and planning them again.
Here a statement's placeholders are rewritten once, database errors still come out as
Django's (``IntegrityError`` and the rest), and a transaction Django knows is broken is
still refused. Whenever somebody is watching the queries (DEBUG,
``assertNumQueries``, an ``execute_wrapper``), Django's cursor runs them instead, so
they are seen like every other.

Write the SQL with ``%s`` placeholders and quoted names, as for ``cursor.execute``, and
no other ``%`` (nothing is escaped).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections


@functools.cache
def _native(sql: str, vendor: str) -> str:
    return sql.replace("%s", "?") if vendor == "sqlite" else sql


def _run(sql: str, params: Sequence[Any], fetch: bool) -> Any:
    db = connections[DEFAULT_DB_ALIAS]  # once: each access through the proxy costs a µs
    if db.queries_logged or db.execute_wrappers:
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() if fetch else None
    if db.connection is None:
        db.ensure_connection()
    db.validate_no_broken_transaction()
    with db.wrap_database_errors:
        if db.vendor == "postgresql":
            # Bound and prepared on the server, once per connection: planning took
            # longer than running these (Django binds on the client, prepares nothing).
            bound = psycopg.Cursor(db.connection)
            try:
                bound.execute(sql, params, prepare=True)
                return bound.fetchone() if fetch else None
            finally:
                bound.close()
        driver = db.connection.cursor()
        try:
            driver.execute(_native(sql, db.vendor), params)
            return driver.fetchone() if fetch else None
        finally:
            driver.close()


def fetch_one(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """The first row ``sql`` answers, or None."""
    return _run(sql, params, fetch=True)  # type: ignore[no-any-return]


def execute(sql: str, params: Sequence[Any]) -> None:
    """Run ``sql``, which answers nothing."""
    _run(sql, params, fetch=False)
