"""An agency's data-exchange page: what its registries provide and to whom, what its
systems may fetch, the calls of 30 days; its administrators grant and revoke access."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests import factories
from ventanilla.casework.models import Case
from ventanilla.exchange.models import AccessRight, Subsystem
from ventanilla.exchange.services import exchange_call
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency
from ventanilla.ledger.models import Entry

pytestmark = pytest.mark.django_db


def _client(slug: str, role: Role) -> tuple[Client, Any]:
    official, _secret = factories.official(agency=Agency.objects.get(slug=slug), role=role)
    client = Client()
    client.force_login(official)
    return client, official


def test_the_provider_sees_who_may_fetch_and_the_calls_it_answered(
    mediator: dict[str, Any], case: Case
) -> None:
    exchange_call(
        client=mediator["client"],
        service_code="population/person",
        national_id=case.applicant.national_id,
        purpose="benefit-assessment",
        case_reference=case.reference,
    )
    client, _official = _client("registry", Role.CASEWORKER)
    html = client.get("/en/backoffice/registry/exchange/").content.decode()
    assert "Member TEST/GOV/registry of the information mediator." in html
    assert "TEST/GOV/treasury/benefits" in html
    assert "Give access" not in html  # not an administrator
    assert (
        '<td><code class="code">population/person</code></td><td>completed</td><td>1</td>' in html
    )


def test_an_administrator_gives_and_takes_back_access_and_the_ledger_records_both(
    mediator: dict[str, Any],
) -> None:
    client, _official = _client("registry", Role.AGENCY_ADMIN)
    other = Subsystem.objects.create(
        member=mediator["treasury"], code="pensions", name={"en": "Pensions"}
    )
    response = client.post(
        "/en/backoffice/registry/exchange/",
        {"service": str(mediator["service"].pk), "client": str(other.pk)},
    )
    assert response.status_code == 302
    right = AccessRight.objects.get(client=other, revoked_at=None)
    response = client.post("/en/backoffice/registry/exchange/", {"revoke": str(right.pk)})
    assert response.status_code == 302
    right.refresh_from_db()
    assert right.revoked_at is not None
    kinds = list(
        Entry.objects.filter(kind__startswith="exchange.right").values_list("kind", flat=True)
    )
    assert kinds[-2:] == ["exchange.right.granted", "exchange.right.revoked"]


@pytest.mark.parametrize("chosen", [None, "", "not-a-number", "999999"])
def test_giving_access_without_choosing_a_system_says_so(
    mediator: dict[str, Any], chosen: str | None
) -> None:
    client, _official = _client("registry", Role.AGENCY_ADMIN)
    data = {"service": str(mediator["service"].pk)}
    if chosen is not None:
        data["client"] = chosen
    response = client.post("/en/backoffice/registry/exchange/", data)
    assert response.status_code == 400
    assert '<a href="#client">Choose the system to give access to.</a>' in response.content.decode()
    assert AccessRight.objects.filter(revoked_at=None).count() == 1


def test_only_administrators_of_the_provider_manage_its_rights(mediator: dict[str, Any]) -> None:
    right = AccessRight.objects.get(revoked_at=None)
    caseworker, _ = _client("registry", Role.CASEWORKER)
    assert (
        caseworker.post("/en/backoffice/registry/exchange/", {"revoke": str(right.pk)}).status_code
        == 403
    )
    other_admin, _ = _client("treasury", Role.AGENCY_ADMIN)
    response = other_admin.post("/en/backoffice/treasury/exchange/", {"revoke": str(right.pk)})
    assert response.status_code == 404
    assert (
        other_admin.post(
            "/en/backoffice/treasury/exchange/", {"service": str(mediator["service"].pk)}
        ).status_code
        == 404
    )
    right.refresh_from_db()
    assert right.revoked_at is None
    assert other_admin.get("/en/backoffice/registry/exchange/").status_code in (403, 404)
