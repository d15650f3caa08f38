"""Gapless numbers per name and year (DL-2026-000123, RC-2026-000045)."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from ventanilla.core.models import YearlySequence


def sequence_next(*, name: str, year: int) -> int:
    """The next number of ``name`` in ``year``, starting at 1.

    Call it inside the transaction that uses the number: one UPDATE ... RETURNING (SQLite
    3.35+ and PostgreSQL) takes it and locks the row until that transaction ends, so two
    callers never get the same number, and a rollback gives it back (no gaps).
    """
    table = connection.ops.quote_name(YearlySequence._meta.db_table)
    sql = f"UPDATE {table} SET last = last + 1 WHERE name = %s AND year = %s RETURNING last"  # noqa: S608 - the table name is ours
    with connection.cursor() as cursor:
        cursor.execute(sql, [name, year])
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    try:
        with transaction.atomic():
            YearlySequence.objects.create(name=name, year=year, last=1)
    except IntegrityError:  # another caller started the year first
        return sequence_next(name=name, year=year)
    return 1
