"""Statements on the hottest paths (the ledger's append, the mediator's checks and its
call log), run on the database driver's own cursor.

Django's cursor wrapper costs about as much as SQLite takes to run a small statement
(10-15 µs: a new wrapper per cursor, the placeholders rewritten by a regular expression
on every call, the debug and wrapper hooks), and a mediated call runs seven of them
(bench/exchange.py). Here a statement's placeholders are rewritten once, database errors
still come out as Django's (``IntegrityError`` and the rest), and a transaction Django
knows is broken is still refused. Whenever somebody is watching the queries (DEBUG,
``assertNumQueries``, an ``execute_wrapper``), Django's cursor runs them instead, so
they are seen like every other.

Write the SQL with ``%s`` placeholders and quoted names, as for ``cursor.execute``, and
no other ``%`` (nothing is escaped).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

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
        cursor = db.connection.cursor()
        try:
            cursor.execute(_native(sql, db.vendor), params)
            return cursor.fetchone() if fetch else None
        finally:
            cursor.close()


def fetch_one(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """The first row ``sql`` answers, or None."""
    return _run(sql, params, fetch=True)  # type: ignore[no-any-return]


def execute(sql: str, params: Sequence[Any]) -> None:
    """Run ``sql``, which answers nothing."""
    _run(sql, params, fetch=False)
