"""Full-text search over ServiceSearchEntry: FTS5 on SQLite, a GIN tsvector index on PostgreSQL.

Both index the folded (lower case, accent-free) title and body; the title weighs more.
"""

from __future__ import annotations

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE catalogue_service_fts USING fts5(
        title, body,
        content='catalogue_servicesearchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER catalogue_service_fts_ai AFTER INSERT ON catalogue_servicesearchentry BEGIN
        INSERT INTO catalogue_service_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER catalogue_service_fts_ad AFTER DELETE ON catalogue_servicesearchentry BEGIN
        INSERT INTO catalogue_service_fts(catalogue_service_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END
    """,
    """
    CREATE TRIGGER catalogue_service_fts_au AFTER UPDATE ON catalogue_servicesearchentry BEGIN
        INSERT INTO catalogue_service_fts(catalogue_service_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO catalogue_service_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    "INSERT INTO catalogue_service_fts(catalogue_service_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalogue_service_fts_au",
    "DROP TRIGGER IF EXISTS catalogue_service_fts_ad",
    "DROP TRIGGER IF EXISTS catalogue_service_fts_ai",
    "DROP TABLE IF EXISTS catalogue_service_fts",
]
POSTGRES_FORWARD = [
    """
    CREATE INDEX catalogue_search_vector ON catalogue_servicesearchentry USING gin (
        (setweight(to_tsvector('simple', title), 'A') || to_tsvector('simple', body))
    )
    """
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS catalogue_search_vector"]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
