"""The catalogue's generation: one row that triggers on every catalogue table (and on the
agencies) set to a fresh value in each writing transaction, so that a worker's search
index and the CKAN answers it keeps know at once when they are out of date.

SQLite has row triggers only (each sets ``random()``); PostgreSQL gets statement
triggers (bulk writes and TRUNCATE fire once) taking the next value of a sequence, which
a rollback never hands out again. SQLite drops a table's triggers when a migration
rebuilds the table: ``tests/opendata/test_search.py`` checks every table still has its own.
"""

from __future__ import annotations

from django.db import migrations, models

TABLES = (
    "opendata_dataset",
    "opendata_dataset_tags",
    "opendata_dataset_groups",
    "opendata_resource",
    "opendata_resourceversion",
    "opendata_group",
    "opendata_tag",
    "identity_agency",
)
OPERATIONS = ("insert", "update", "delete")
SQLITE_BUMP = (
    "INSERT INTO opendata_cataloguegeneration (id, value) VALUES (1, random()) "
    "ON CONFLICT (id) DO UPDATE SET value = excluded.value"
)
SQLITE_FORWARD = [
    # A catalogue already there has a generation from the start, not only after a write.
    SQLITE_BUMP,
    *(
        f"CREATE TRIGGER opendata_generation_{table}_{operation} AFTER {operation.upper()} "
        f"ON {table} BEGIN {SQLITE_BUMP}; END"
        for table in TABLES
        for operation in OPERATIONS
    ),
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS opendata_generation_{table}_{operation}"
    for table in TABLES
    for operation in OPERATIONS
]
POSTGRES_FORWARD = [
    "CREATE SEQUENCE opendata_generation_seq",
    """
    CREATE FUNCTION opendata_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO opendata_cataloguegeneration (id, value)
        VALUES (1, nextval('opendata_generation_seq'))
        ON CONFLICT (id) DO UPDATE SET value = excluded.value;
        RETURN NULL;
    END
    $$
    """,
    "INSERT INTO opendata_cataloguegeneration (id, value) "
    "VALUES (1, nextval('opendata_generation_seq'))",
    *(
        f"CREATE TRIGGER opendata_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION opendata_generation_bump()"
        for table in TABLES
    ),
]
POSTGRES_BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS opendata_generation ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS opendata_generation_bump()",
    "DROP SEQUENCE IF EXISTS opendata_generation_seq",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("opendata", "0001_add_catalogue"),
        ("identity", "0003_add_api_token"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueGeneration",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
