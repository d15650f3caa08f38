"""Anyone with the reference and the applicant's date of birth can see where it stands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests import factories
from ventanilla.applications import services
from ventanilla.applications.views import STATUS_CHECKS_PER_HOUR
from ventanilla.catalogue.models import PublicService

pytestmark = pytest.mark.django_db

ANSWERS = {
    "child_given_name": "Lola",
    "child_birth_date": "2026-03-27",
    "relationship": "parent",
    "bank_account": "DL12 3456 7890 1234 5678",
    "address": "Calle Mayor 1",
}
BORN = dt.date(1985, 3, 27)


@pytest.fixture
def reference(small_catalogue: Path) -> str:
    resident = factories.resident(registry_person=factories.person(birth_date=BORN))
    application, _case, _created = services.application_file(
        applicant=resident,
        service=PublicService.objects.get(slug="child-benefit"),
        answers=ANSWERS,
    )
    assert application.reference
    return application.reference


@pytest.fixture(autouse=True)
def _fresh_limits() -> Any:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_the_status_shows_with_the_right_reference_and_date_of_birth(reference: str) -> None:
    response = Client().post(
        "/en/status/", {"reference": reference.lower(), "birth_date": "27/03/1985"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Received" in html and "Claim child benefit" in html
    assert "Lola" not in html  # no answers without signing in


def test_a_wrong_date_of_birth_says_the_same_as_an_unknown_reference(reference: str) -> None:
    client = Client()
    wrong_date = client.post("/en/status/", {"reference": reference, "birth_date": "1990-01-01"})
    unknown = client.post(
        "/en/status/", {"reference": "DL-2000-000001", "birth_date": "1985-03-27"}
    )

    message = "We could not find an application with this reference and date of birth."
    assert wrong_date.status_code == unknown.status_code == 404
    assert message in wrong_date.content.decode() and message in unknown.content.decode()


def test_missing_answers_are_named(small_catalogue: Path) -> None:
    response = Client().post("/en/status/", {})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter the application reference." in html
    assert "Enter the applicant&#x27;s date of birth." in html


def test_guessing_is_rate_limited(reference: str) -> None:
    client = Client()
    for _ in range(STATUS_CHECKS_PER_HOUR):
        client.post("/en/status/", {"reference": reference, "birth_date": "1990-01-01"})

    response = client.post("/en/status/", {"reference": reference, "birth_date": "1985-03-27"})

    assert response.status_code == 429
    assert "Too many checks from your connection" in response.content.decode()
