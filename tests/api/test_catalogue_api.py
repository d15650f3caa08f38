from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def openapi(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _assert_matches_schema(
    openapi: dict[str, Any], path: str, body: Any, status: str = "200"
) -> None:
    """The body validates against the response schema the OpenAPI document declares."""
    operation = openapi["paths"][path]["get"]
    schema = operation["responses"][status]["content"]["application/json"]["schema"]
    jsonschema.validate(body, {**schema, "components": openapi["components"]})


def test_the_openapi_document_lists_every_endpoint(openapi: dict[str, Any]) -> None:
    assert openapi["info"]["title"] == "Ventanilla API"
    assert sorted(openapi["paths"]) == [
        "/api/v1/agencies",
        "/api/v1/agencies/{slug}",
        "/api/v1/applications",
        "/api/v1/applications/{application_id}",
        "/api/v1/applications/{application_id}/payment",
        "/api/v1/applications/{application_id}/submit",
        "/api/v1/applications/{application_id}/uploads/{slug}",
        "/api/v1/ledger/checkpoint",
        "/api/v1/ledger/entries",
        "/api/v1/ledger/key",
        "/api/v1/ledger/proof/consistency",
        "/api/v1/ledger/proof/inclusion",
        "/api/v1/ledger/tree-head",
        "/api/v1/life-events",
        "/api/v1/life-events/{slug}",
        "/api/v1/performance",
        "/api/v1/performance/{slug}",
        "/api/v1/services",
        "/api/v1/services/search",
        "/api/v1/services/{slug}",
    ]


def test_list_agencies(client: Client, small_catalogue: Path, openapi: dict[str, Any]) -> None:
    body = client.get("/api/v1/agencies").json()
    _assert_matches_schema(openapi, "/api/v1/agencies", body)
    assert body["count"] == 2
    assert [item["slug"] for item in body["items"]] == ["registry", "treasury"]
    assert body["items"][1]["name"] == {"en": "Test Treasury", "es": "Tesorería de Prueba"}
    assert body["items"][0]["portal_url"] == "/en/agencies/registry/"


def test_list_agencies_is_paginated(client: Client, small_catalogue: Path) -> None:
    body = client.get("/api/v1/agencies?limit=1&offset=1").json()
    assert body["count"] == 2
    assert [item["slug"] for item in body["items"]] == ["treasury"]


def test_read_an_agency(client: Client, small_catalogue: Path, openapi: dict[str, Any]) -> None:
    body = client.get("/api/v1/agencies/registry").json()
    _assert_matches_schema(openapi, "/api/v1/agencies/{slug}", body)
    assert body["website"] == "https://registry.test.example"


def test_list_life_events(client: Client, small_catalogue: Path, openapi: dict[str, Any]) -> None:
    body = client.get("/api/v1/life-events?kind=life").json()
    _assert_matches_schema(openapi, "/api/v1/life-events", body)
    assert body["items"][0]["slug"] == "having-a-baby"
    assert body["items"][0]["services"] == ["birth-certificate", "child-benefit"]
    assert client.get("/api/v1/life-events?kind=business").json()["count"] == 0


def test_read_a_life_event(client: Client, small_catalogue: Path, openapi: dict[str, Any]) -> None:
    body = client.get("/api/v1/life-events/having-a-baby").json()
    _assert_matches_schema(openapi, "/api/v1/life-events/{slug}", body)
    assert body["kind"] == "life"


def test_list_services(client: Client, small_catalogue: Path, openapi: dict[str, Any]) -> None:
    body = client.get("/api/v1/services").json()
    _assert_matches_schema(openapi, "/api/v1/services", body)
    assert [item["slug"] for item in body["items"]] == ["birth-certificate", "child-benefit"]


def test_read_a_service(client: Client, small_catalogue: Path, openapi: dict[str, Any]) -> None:
    body = client.get("/api/v1/services/child-benefit").json()
    _assert_matches_schema(openapi, "/api/v1/services/{slug}", body)
    assert body["competent_agency"] == "treasury"
    assert body["participating_agencies"] == ["registry"]
    assert body["cost"] == {"amount": "0.00", "currency": "DMD"}
    assert body["processing_days"] == 10
    assert body["channels"] == ["web"]
    assert body["evidence"] == [
        {
            "slug": "birth-record",
            "name": {"en": "Birth record", "es": "Acta de nacimiento"},
            "held_by": "registry",
        },
        {"slug": "photo", "name": {"en": "Photo", "es": "Foto"}, "held_by": None},
    ]
    assert body["events"] == ["having-a-baby"]


def test_search_services(client: Client, small_catalogue: Path, openapi: dict[str, Any]) -> None:
    body = client.get("/api/v1/services/search?q=pension&lang=es").json()
    _assert_matches_schema(openapi, "/api/v1/services/search", body)
    assert [item["slug"] for item in body] == ["child-benefit"]


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/api/v1/agencies/nobody", "There is no agency 'nobody'."),
        ("/api/v1/life-events/nothing", "There is no life or business event 'nothing'."),
        ("/api/v1/services/nothing", "There is no service 'nothing'."),
    ],
)
def test_an_unknown_slug_is_a_404_with_the_reason(
    client: Client, small_catalogue: Path, path: str, detail: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": detail}


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("", ["query", "q"]),
        ("?q=", ["query", "q"]),
        ("?q=birth&lang=english", ["query", "lang"]),
        ("?q=birth&lang=fr", ["query", "lang"]),
    ],
)
def test_a_bad_search_names_the_parameter(
    client: Client, small_catalogue: Path, query: str, location: list[str]
) -> None:
    response = client.get(f"/api/v1/services/search{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == location


def test_a_bad_event_kind_names_the_parameter(client: Client, small_catalogue: Path) -> None:
    response = client.get("/api/v1/life-events?kind=hobby")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "kind"]


def test_list_endpoints_use_a_bounded_number_of_queries(
    client: Client, small_catalogue: Path, django_assert_max_num_queries: Any
) -> None:
    for path in ("/api/v1/agencies", "/api/v1/life-events", "/api/v1/services"):
        with django_assert_max_num_queries(3):
            assert client.get(path).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/services/child-benefit").status_code == 200
