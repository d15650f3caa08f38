"""A resident gives, sees and takes back consents; a consent is what lets a member without
a legal basis (a bank) fetch their data, and only while it lasts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests import factories
from ventanilla.core.errors import ExchangeNoLegalBasisError
from ventanilla.exchange.models import Consent, ConsentPurpose, Member, Subsystem
from ventanilla.exchange.services import access_right_grant, exchange_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(mediator: dict[str, Any]) -> dict[str, Any]:
    member = Member.objects.create(
        instance="TEST", member_class="COM", member_code="demobank", name={"en": "Demobank"}
    )
    loans = Subsystem.objects.create(member=member, code="loans", name={"en": "Loans"})
    access_right_grant(service=mediator["service"], client=loans)
    purpose = ConsentPurpose.objects.create(
        recipient=member,
        code="loan-application",
        name={"en": "Checking your identity for a loan"},
        max_days=90,
    )
    purpose.services.add(mediator["service"])
    return {"loans": loans, "purpose": purpose}


def _fetch(bank: dict[str, Any], national_id: str) -> Any:
    return exchange_call(
        client=bank["loans"],
        service_code="population/person",
        national_id=national_id,
        purpose="loan-application",
    )


def test_a_resident_gives_a_consent_and_then_the_bank_may_fetch(bank: dict[str, Any]) -> None:
    resident = factories.resident()
    with pytest.raises(ExchangeNoLegalBasisError):
        _fetch(bank, resident.national_id)
    client = Client()
    client.force_login(resident)
    page = client.get("/en/my/consents/").content.decode()
    assert "Demobank: Checking your identity for a loan" in page
    assert "You have not given any consent." in page

    response = client.post("/en/my/consents/", {"purpose": str(bank["purpose"].pk), "days": "90"})
    assert response.status_code == 302
    assert _fetch(bank, resident.national_id).data["national_id"] == resident.national_id
    page = client.get("/en/my/consents/").content.decode()
    assert "Your consent is given." in page
    assert "Take it back" in page


def test_taking_a_consent_back_stops_the_bank_at_once(bank: dict[str, Any]) -> None:
    resident = factories.resident()
    client = Client()
    client.force_login(resident)
    client.post("/en/my/consents/", {"purpose": str(bank["purpose"].pk), "days": "30"})
    consent = Consent.objects.get()
    response = client.post("/en/my/consents/", {"revoke": str(consent.pk)})
    assert response.status_code == 302
    with pytest.raises(ExchangeNoLegalBasisError):
        _fetch(bank, resident.national_id)
    assert "Taken back on" in client.get("/en/my/consents/").content.decode()


@pytest.mark.parametrize(
    ("data", "message", "anchor"),
    [
        ({"days": "30"}, "Choose what you agree to.", "#purpose-0"),
        ({"purpose": "x", "days": "30"}, "Choose what you agree to.", "#purpose-0"),
        ({"purpose": "PURPOSE", "days": "365"}, "Choose for how long: at most 90 days.", "#days-0"),
        ({"purpose": "PURPOSE"}, "Choose for how long: at most 90 days.", "#days-0"),
    ],
)
def test_a_consent_form_with_a_problem_says_which_and_gives_nothing(
    bank: dict[str, Any], data: dict[str, str], message: str, anchor: str
) -> None:
    client = Client()
    client.force_login(factories.resident())
    data = {k: (str(bank["purpose"].pk) if v == "PURPOSE" else v) for k, v in data.items()}
    response = client.post("/en/my/consents/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<a href="{anchor}">{message}</a>' in html
    assert not Consent.objects.exists()


def test_nobody_takes_back_another_persons_consent(bank: dict[str, Any]) -> None:
    owner, other = factories.resident(), factories.resident()
    client = Client()
    client.force_login(owner)
    client.post("/en/my/consents/", {"purpose": str(bank["purpose"].pk), "days": "30"})
    consent = Consent.objects.get()
    client.force_login(other)
    assert client.post("/en/my/consents/", {"revoke": str(consent.pk)}).status_code == 404
    assert client.post("/en/my/consents/", {"revoke": "nope"}).status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None
    assert "You have not given any consent." in client.get("/en/my/consents/").content.decode()
