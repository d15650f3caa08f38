"""Downloads: tables streamed as CSV and JSON, earlier versions kept."""

from __future__ import annotations

import gc
import json
import tracemalloc
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from ventanilla.opendata import services
from ventanilla.opendata.models import Dataset, Resource, ResourceVersion, Row
from ventanilla.opendata.services import resource_create, resource_version_add
from ventanilla.opendata.tables import Table

pytestmark = pytest.mark.django_db

FIELDS = [{"id": "year", "type": "int"}, {"id": "births", "type": "int"}]


def _body(response: Any) -> bytes:
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content)


def test_a_table_downloads_as_csv_and_json_and_each_version_stays(
    client: Any, catalogue: dict[str, Dataset]
) -> None:
    dataset = catalogue["companies-by-activity"]
    resource = resource_create(
        actor=None,
        dataset=dataset,
        name="Births",
        table=Table(fields=FIELDS, rows=[{"year": 2025, "births": 950}]),
    )
    resource_version_add(
        actor=None,
        resource=resource,
        table=Table(
            fields=FIELDS, rows=[{"year": 2025, "births": 950}, {"year": 2026, "births": 12}]
        ),
    )
    url = f"/opendata/resources/{resource.id}/download"
    response = client.get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="companies-by-activity-1-v2.csv"'
    )
    assert _body(response).decode() == "_id,year,births\r\n1,2025,950\r\n2,2026,12\r\n"
    assert _body(client.get(url + "?version=1")).decode() == "_id,year,births\r\n1,2025,950\r\n"
    document = json.loads(_body(client.get(url + ".json")))
    assert document["records"] == [
        {"_id": 1, "year": 2025, "births": 950},
        {"_id": 2, "year": 2026, "births": 12},
    ]
    assert client.get(url + "?version=3").status_code == 404
    assert client.get(url + ".xml").status_code == 404
    assert client.get("/opendata/resources/not-a-resource/download").status_code == 404


def test_a_file_resource_downloads_as_published(client: Any, catalogue: dict[str, Dataset]) -> None:
    resource = resource_create(
        actor=None,
        dataset=catalogue["registered-vehicles"],
        name="Method",
        upload=SimpleUploadedFile("method.pdf", b"%PDF-1.4 method", content_type="application/pdf"),
    )
    response = client.get(f"/opendata/resources/{resource.id}/download")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 method"
    assert response["Content-Type"] == "application/pdf"
    assert client.get(f"/opendata/resources/{resource.id}/download.csv").status_code == 404


def test_a_file_a_browser_would_run_is_served_as_plain_bytes(
    client: Any, catalogue: dict[str, Dataset]
) -> None:
    resource = resource_create(
        actor=None,
        dataset=catalogue["registered-vehicles"],
        name="Page",
        upload=SimpleUploadedFile(
            "page.html", b"<script>alert(1)</script>", content_type="text/html"
        ),
    )
    response = client.get(f"/opendata/resources/{resource.id}/download")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'


def test_a_large_table_streams_in_constant_memory(
    client: Any, catalogue: dict[str, Dataset]
) -> None:
    rows = ({"year": n, "births": n % 1000} for n in range(60_000))
    resource = resource_create(
        actor=None,
        dataset=catalogue["registered-vehicles"],
        name="Many",
        table=Table(fields=FIELDS, rows=rows),
    )
    response = client.get(f"/opendata/resources/{resource.id}/download")
    tracemalloc.start()
    lines = 0
    peak_seen = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
        peak_seen = max(peak_seen, tracemalloc.get_traced_memory()[1])
    tracemalloc.stop()
    assert lines == 60_001  # streamed a thousand rows at a time
    # 60,000 rows of CSV are about 700 kB and the rows as Python objects several MB;
    # reading 5,000 rows at a time keeps the peak far below either.
    assert peak_seen < 8_000_000


def stored(resource: Resource) -> list[str]:
    """The names of ``resource``'s files that its storage holds."""
    storage = ResourceVersion._meta.get_field("file").storage  # type: ignore[attr-defined]
    folder = f"{resource.id}/1"
    return (
        [f"{folder}/{name}" for name in storage.listdir(folder)[1]]
        if storage.exists(folder)
        else []
    )


def test_a_file_whose_transaction_rolls_back_is_removed_from_storage(
    catalogue: dict[str, Dataset],
) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        resource = resource_create(
            actor=None,
            dataset=catalogue["registered-vehicles"],
            name="Method",
            upload=SimpleUploadedFile("method.pdf", b"%PDF-1.4", content_type="application/pdf"),
        )
        assert stored(resource) == [f"{resource.id}/1/method.pdf"]
        raise RuntimeError("something after the upload failed")
    assert not Resource.objects.filter(name="Method").exists()
    assert stored(resource) == []


def test_a_file_whose_transaction_commits_stays(
    catalogue: dict[str, Dataset], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        resource = resource_create(
            actor=None,
            dataset=catalogue["registered-vehicles"],
            name="Method",
            upload=SimpleUploadedFile("method.pdf", b"%PDF-1.4", content_type="application/pdf"),
        )
    gc.collect()
    assert stored(resource) == [f"{resource.id}/1/method.pdf"]


def test_a_large_table_brings_postgresqls_statistics_up_to_date(
    catalogue: dict[str, Dataset], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without fresh statistics PostgreSQL sorted a new million-row table whole for each
    page of a download; a large table version analyses the rows as it is written."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")

    def known_rows() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'opendata_row'")
            return float(cursor.fetchone()[0])

    def write(count: int) -> None:
        resource_create(
            actor=None,
            dataset=catalogue["companies-by-activity"],
            name=f"Births {count}",
            table=Table(
                fields=FIELDS, rows=[{"year": 2000 + n, "births": n} for n in range(count)]
            ),
        )

    write(3)  # small: left to autovacuum
    assert known_rows() != Row.objects.count()
    monkeypatch.setattr(services, "ANALYZE_AFTER_ROWS", 4)
    write(4)  # "large": analysed with it
    assert known_rows() == Row.objects.count()
