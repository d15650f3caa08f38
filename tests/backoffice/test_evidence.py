"""Officials request further evidence about a case's applicant through the mediator, with
the case as the legal basis; what comes back (or why nothing did) stays with the case."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests import factories
from ventanilla.applications import services as applications
from ventanilla.casework.models import Case
from ventanilla.catalogue.models import PublicService
from ventanilla.exchange.models import AccessRight, Call, CaseEvidence, DataService, Subsystem
from ventanilla.exchange.services import access_right_grant
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency, User
from ventanilla.ledger.pseudonyms import official_reference

pytestmark = pytest.mark.django_db

ANSWERS = {
    "child_given_name": "Lola",
    "child_birth_date": "2026-03-27",
    "relationship": "parent",
    "bank_account": "DL12 3456 7890 1234 5678",
    "address": "Calle Mayor 1",
}


@pytest.fixture
def right(connected: DataService) -> AccessRight:
    """The treasury's benefits system may fetch population/person, to assess benefits."""
    DataService.objects.filter(pk=connected.pk).update(
        purposes=["benefit-assessment", "own-application"]
    )
    benefits = Subsystem.objects.create(
        member=Subsystem.objects.get(code="applications").member,
        code="benefits",
        name={"en": "Benefits system"},
    )
    return access_right_grant(service=connected, client=benefits)


@pytest.fixture
def case(right: AccessRight) -> Case:
    resident = factories.resident(registry_person=factories.person(given_name="Ana"))
    application = applications.application_start(
        applicant=resident, service=PublicService.objects.get(slug="child-benefit")
    )
    applications.application_answer(
        application=application, applicant=resident, fields=list(ANSWERS), answers=ANSWERS
    )
    sent = applications.application_submit(application=application, applicant=resident)
    return Case.objects.get(reference=sent.reference)


def _official(agency: str, role: Role = Role.CASEWORKER) -> tuple[Client, User]:
    official, _secret = factories.official(agency=Agency.objects.get(slug=agency), role=role)
    client = Client()
    client.force_login(official)
    return client, official


def _request(client: Client, case: Case, source: str, agency: str = "treasury") -> Any:
    return client.post(
        f"/en/backoffice/{agency}/cases/{case.reference}/",
        {"operation": "evidence", "source": source},
    )


def test_an_official_fetches_evidence_about_the_applicant_for_the_case(
    case: Case, right: AccessRight
) -> None:
    client, official = _official("treasury")
    page = client.get(f"/en/backoffice/treasury/cases/{case.reference}/").content.decode()
    assert (
        f'<option value="{right.pk}:benefit-assessment">A person&#x27;s name, birth and address'
        " · Test Registry · benefit-assessment</option>"
    ) in page
    assert "own-application</option>" not in page  # the applicant's own purpose, not theirs

    response = _request(client, case, f"{right.pk}:benefit-assessment")

    assert response["Location"] == f"/en/backoffice/treasury/cases/{case.reference}/"
    evidence = CaseEvidence.objects.select_related("call").get()
    assert (evidence.case, evidence.requested_by, evidence.call.client) == (
        case,
        official,
        right.client,
    )
    assert (
        evidence.call.outcome,
        evidence.call.purpose,
        evidence.call.case_reference,
        evidence.call.user_reference,
    ) == (
        "completed",
        "benefit-assessment",
        case.reference,
        official_reference(user_id=official.pk),
    )
    assert evidence.data is not None
    assert evidence.data["given_name"] == "Ana"
    page = client.get(f"/en/backoffice/treasury/cases/{case.reference}/").content.decode()
    assert "The registry sent it: it is under “Evidence from registries”." in page
    assert '<dt><code class="code">given_name</code></dt><dd>Ana</dd>' in page
    resident = Client()
    resident.force_login(case.applicant)
    tracker = resident.get("/en/my/data/").content.decode()
    assert case.reference in tracker and "benefit-assessment" in tracker


def test_a_refused_request_says_why_and_is_kept_with_the_case(
    case: Case, right: AccessRight
) -> None:
    client, _official_user = _official("treasury")

    response = _request(client, case, f"{right.pk}:marketing")

    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "The registry did not send it (no_legal_basis): No legal basis: marketing is" in html
    evidence = CaseEvidence.objects.select_related("call").get()
    assert (evidence.call.outcome, evidence.call.reason, evidence.data) == (
        "refused",
        "no_legal_basis",
        None,
    )
    assert "No open case of the agency about you, and no consent from you." in html


def test_an_official_of_another_agency_cannot_request_evidence(
    case: Case, right: AccessRight
) -> None:
    client, _official_user = _official("registry")
    calls = Call.objects.count()

    response = _request(client, case, f"{right.pk}:benefit-assessment", agency="registry")

    assert response.status_code == 404
    assert _request(client, case, f"{right.pk}:benefit-assessment").status_code == 403
    assert Call.objects.count() == calls
    assert not CaseEvidence.objects.exists()


def test_only_a_caseworker_or_approver_may_request_evidence(case: Case, right: AccessRight) -> None:
    client, _official_user = _official("treasury", Role.SERVICE_DESIGNER)
    calls = Call.objects.count()

    response = _request(client, case, f"{right.pk}:benefit-assessment")

    assert response.status_code == 400
    assert "Only a caseworker or approver of Test Treasury may request evidence." in (
        response.content.decode()
    )
    assert Call.objects.count() == calls


def test_a_right_of_another_agencys_system_cannot_be_used(
    case: Case, connected: DataService
) -> None:
    elsewhere = Subsystem.objects.create(
        member=connected.provider.member, code="records", name={"en": "Records"}
    )
    theirs = access_right_grant(service=connected, client=elsewhere)
    client, _official_user = _official("treasury")

    response = _request(client, case, f"{theirs.pk}:benefit-assessment")

    assert response.status_code == 400
    assert "Your agency has no such access to a registry." in response.content.decode()
    assert not CaseEvidence.objects.exists()
