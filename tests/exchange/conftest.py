from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.casework.test_cases import case  # noqa: F401 - a submitted child-benefit case
from ventanilla.exchange.models import DataService, Member, Subsystem
from ventanilla.exchange.providers import PERSON_SCHEMA
from ventanilla.exchange.services import access_right_grant
from ventanilla.identity.models import Agency


@pytest.fixture
def mediator(small_catalogue: Path) -> dict[str, Any]:
    """The registry provides population/person; the treasury's benefits system asks."""
    registry, treasury = (
        Member.objects.create(
            agency=Agency.objects.get(slug=slug),
            instance="TEST",
            member_class="GOV",
            member_code=slug,
        )
        for slug in ("registry", "treasury")
    )
    population = Subsystem.objects.create(member=registry, code="population", name={"en": "P"})
    benefits = Subsystem.objects.create(member=treasury, code="benefits", name={"en": "B"})
    service = DataService.objects.create(
        provider=population,
        code="population/person",
        name={"en": "Person"},
        response_schema=PERSON_SCHEMA,
        purposes=["benefit-assessment"],
    )
    access_right_grant(service=service, client=benefits)
    return {"service": service, "client": benefits, "treasury": treasury}
