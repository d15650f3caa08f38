"""/api/v1/performance: the pages' numbers as JSON, small periods kept back here too."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from django.test import Client

from tests.insights.test_pages import _facts
from ventanilla.catalogue.models import PublicService

pytestmark = pytest.mark.django_db


def _valid(client: Client, path: str, body: Any, status: str = "200") -> None:
    openapi = client.get("/api/v1/openapi.json").json()
    template = path if path == "/api/v1/performance" else "/api/v1/performance/{slug}"
    operation = openapi["paths"][template]["get"]
    schema = operation["responses"][status]["content"]["application/json"]["schema"]
    jsonschema.validate(body, {**schema, "components": openapi["components"]})


def test_a_services_performance_as_json(service: PublicService) -> None:
    today = _facts(service, web=12, counter=4)
    client = Client()

    response = client.get("/api/v1/performance/child-benefit")

    assert response.status_code == 200
    body = response.json()
    _valid(client, "/api/v1/performance/child-benefit", body)
    assert (body["service"], body["publishable"], body["transactions"]) == (
        "child-benefit",
        True,
        16,
    )
    take_up = next(k for k in body["kpis"] if k["key"] == "digital_take_up")
    assert take_up == {
        "key": "digital_take_up",
        "label": "Digital take-up",
        "value": "75.0",
        "unit": "percent",
        "reason": "",
        "target": "79.0",
        "meets_target": False,
    }
    assert body["channels"] == [
        {"channel": "web", "transactions": 12, "percent": "75.0"},
        {"channel": "counter", "transactions": 4, "percent": "25.0"},
    ]
    assert len(body["months"]) == 12
    assert body["months"][-1]["month"] == f"{today:%Y-%m}"
    assert body["months"][-1]["transactions"] == 16
    assert body["months"][0]["transactions"] is None
    assert body["months"][0]["kpis"][0]["reason"] == (
        "Too few transactions in this period to publish."
    )


def test_a_small_period_has_no_numbers_in_the_api(service: PublicService) -> None:
    _facts(service, web=6, counter=3)

    body = Client().get("/api/v1/performance").json()

    assert (body["service"], body["publishable"], body["transactions"]) == (None, False, None)
    assert {k["value"] for k in body["kpis"]} == {None}
    assert (body["channels"], body["impact"]) == ([], None)


def test_an_unknown_service_is_404(service: PublicService) -> None:
    client = Client()
    response = client.get("/api/v1/performance/no-such")

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no service 'no-such'."}
