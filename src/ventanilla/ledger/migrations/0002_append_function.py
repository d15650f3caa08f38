"""PostgreSQL: one function that appends an entry, so that an append is one round trip.

Appending takes the appenders' advisory lock, reads the last index, and inserts the entry
whose canonical JSON holds that index: three statements, each a round trip to the server.
``ventanilla_ledger_append`` runs them on the server. The caller gives the canonical JSON
before and after the index (``services.Append``); the function puts the index between
them and hashes the leaf as RFC 9162 does: SHA-256(0x00 || data). Each of its statements
takes a new snapshot (a VOLATILE function, READ COMMITTED), so the MAX it reads is the one
after the lock. SQLite appends as before: its statements are calls within the process.
"""

from __future__ import annotations

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION ventanilla_ledger_append(
    lock_key bigint, entry_kind text, entry_at timestamptz, entry_agency text,
    entry_subject text, entry_case text, data_before text, data_after text
) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    next_index bigint;
    entry_data text;
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT COALESCE(MAX(leaf_index) + 1, 0) INTO next_index FROM ledger_entry;
    entry_data := data_before || next_index::text || data_after;
    INSERT INTO ledger_entry
        (leaf_index, kind, at, agency, subject, case_reference, data, leaf_hash)
    VALUES (next_index, entry_kind, entry_at, entry_agency, entry_subject, entry_case,
            entry_data, sha256('\\x00'::bytea || convert_to(entry_data, 'UTF8')));
    RETURN next_index;
END
$$
"""
BACKWARD = (
    "DROP FUNCTION IF EXISTS ventanilla_ledger_append"
    "(bigint, text, timestamptz, text, text, text, text, text)"
)


def _on_postgresql(statement: str):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
