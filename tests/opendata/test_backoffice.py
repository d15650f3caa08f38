"""An agency's officials publish datasets in the back office; nobody else does."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests import factories
from ventanilla.identity.models import Agency
from ventanilla.opendata.models import Dataset, Resource

pytestmark = pytest.mark.django_db


def _client(agency: Agency) -> Client:
    official, _secret = factories.official(agency=agency)
    client = Client()
    client.force_login(official)
    return client


def test_an_official_publishes_a_dataset_adds_a_table_and_a_new_version(
    agencies: dict[str, Agency], catalogue: Any
) -> None:
    client = _client(agencies["transport"])
    assert "Registered vehicles" in client.get("/en/backoffice/transport/data/").content.decode()
    response = client.post(
        "/en/backoffice/transport/data/new/",
        {"name": "road-works", "title": "Road works", "notes": "Where and when.",
         "license_id": "CC0-1.0", "tags": "roads, works", "groups": ["economy"]},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == "/en/backoffice/transport/data/road-works/resources/new/"
    dataset = Dataset.objects.get(name="road-works")
    assert dataset.organization == agencies["transport"]
    assert sorted(t.name for t in dataset.tags.all()) == ["roads", "works"]

    csv = SimpleUploadedFile("works.csv", b"street,days\nCalle Mayor,3\n", content_type="text/csv")
    response = client.post(
        "/en/backoffice/transport/data/road-works/resources/new/",
        {"name": "Works", "upload": csv},
    )
    assert response.status_code == 302
    resource = Resource.objects.get(dataset=dataset)
    assert resource.kind == "table"
    version_url = f"/en/backoffice/transport/data/road-works/resources/{resource.id}/version/"
    page = client.post(
        version_url,
        {"upload": SimpleUploadedFile("works.pdf", b"%PDF", content_type="application/pdf")},
    ).content.decode()
    assert "This resource is a table: upload a CSV file." in page
    assert 'class="error-summary"' in page
    client.post(
        version_url, {"upload": SimpleUploadedFile("w.csv", b"street,days\nSol,1\nLuna,2\n")}
    )
    assert list(resource.versions.values_list("number", "row_count")) == [(1, 1), (2, 2)]
    public = Client().get("/en/data/datasets/road-works/").content.decode()
    assert "The first 2 of 2 rows" in public and "Version 1" in public


def test_the_form_names_each_wrong_field_and_publishes_nothing(
    agencies: dict[str, Agency], catalogue: Any
) -> None:
    client = _client(agencies["transport"])
    page = client.post(
        "/en/backoffice/transport/data/new/",
        {"name": "registered-vehicles", "title": "", "license_id": "CC0-1.0"},
    ).content.decode()
    assert 'href="#id_title"' in page
    assert "That URL is already in use." in page
    assert Dataset.objects.count() == 3


def test_another_agencys_official_cannot_see_or_change_a_dataset(
    agencies: dict[str, Agency], catalogue: Any
) -> None:
    client = _client(agencies["statistics"])
    assert client.get("/en/backoffice/statistics/data/registered-vehicles/").status_code == 404
    assert client.get("/en/backoffice/transport/data/").status_code in (403, 404)
    response = client.post(
        "/en/backoffice/statistics/data/registered-vehicles/",
        {"name": "registered-vehicles", "title": "Mine", "license_id": "CC0-1.0"},
    )
    assert response.status_code == 404
    assert Dataset.objects.get(name="registered-vehicles").title == "Registered vehicles"


def test_a_resident_is_refused(agencies: dict[str, Agency], catalogue: Any) -> None:
    client = Client()
    client.force_login(factories.resident())
    assert client.get("/en/backoffice/transport/data/new/").status_code == 403
