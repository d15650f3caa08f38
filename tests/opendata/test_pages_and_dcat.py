"""The open-data pages and the catalogue as DCAT-AP."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from ventanilla.opendata.models import Dataset
from ventanilla.opendata.services import DatasetFields, dataset_update

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt, syntax", [("ttl", "turtle"), ("jsonld", "json-ld")])
def test_the_catalogue_parses_as_rdf_and_holds_every_dataset(
    client: Any, catalogue: dict[str, Dataset], fmt: str, syntax: str
) -> None:
    response = client.get(f"/catalog.{fmt}")
    assert response.status_code == 200
    graph = Graph().parse(data=response.content.decode(), format=syntax)
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert datasets == {URIRef(f"http://testserver/en/data/datasets/{name}/") for name in catalogue}
    titles = {str(t) for d in datasets for t in graph.objects(d, DCTERMS.title)}
    assert titles == {"Population by municipality", "Companies by activity", "Registered vehicles"}
    population = URIRef("http://testserver/en/data/datasets/population-by-municipality/")
    distribution = next(graph.objects(population, DCAT.distribution))
    assert str(next(graph.objects(distribution, DCAT.downloadURL))).startswith(
        "http://testserver/opendata/resources/"
    )
    assert {str(k) for k in graph.objects(population, DCAT.keyword)} == {
        "population",
        "municipalities",
    }


def test_the_catalogue_is_made_again_when_a_dataset_changes(
    client: Any, catalogue: dict[str, Dataset]
) -> None:
    assert b"Registered vehicles" in client.get("/catalog.ttl").content
    dataset_update(
        actor=None,
        dataset=catalogue["registered-vehicles"],
        fields=DatasetFields(name="registered-vehicles", title="Vehicles on the road"),
    )
    assert b"Vehicles on the road" in client.get("/catalog.ttl").content
    assert client.get("/catalog.xml").status_code == 404


def test_the_dataset_list_searches_and_filters(client: Any, catalogue: dict[str, Dataset]) -> None:
    page = client.get("/en/data/").content.decode()
    assert "3 datasets" in page
    assert "Statistics Office (2)" in page
    page = client.get("/en/data/", {"q": "vehicles"}).content.decode()
    assert "1 dataset" in page and "Registered vehicles" in page
    page = client.get(
        "/en/data/", {"organization": "statistics", "tags": "economy"}
    ).content.decode()
    assert "1 dataset" in page and "Companies by activity" in page
    assert 'aria-current="true"' in page


def test_the_dataset_page_shows_resources_and_a_preview(
    client: Any, catalogue: dict[str, Dataset]
) -> None:
    page = client.get("/en/data/datasets/population-by-municipality/").content.decode()
    assert "The first 4 of 4 rows" in page
    assert "<td>Villa Demo</td>" in page
    assert "Download Population 2026 as CSV" in page
    assert client.get("/en/data/datasets/nothing/").status_code == 404


def test_organisation_pages(client: Any, catalogue: dict[str, Dataset]) -> None:
    page = client.get("/en/data/organisations/").content.decode()
    assert "Transport Agency" in page
    page = client.get("/en/data/organisations/transport/").content.decode()
    assert "Registered vehicles" in page and "Companies by activity" not in page
    assert client.get("/en/data/organisations/nobody/").status_code == 404
    assert json.loads(client.get("/api/3/action/organization_show?id=transport").content)["success"]
