"""Officials work their agency's queue: filter, open a case, act by role, note, assign."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories
from ventanilla.applications import services as applications
from ventanilla.casework.models import Case
from ventanilla.catalogue.models import PublicService
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency

pytestmark = pytest.mark.django_db

ANSWERS = {
    "child_given_name": "Lola",
    "child_birth_date": "2026-03-27",
    "relationship": "parent",
    "bank_account": "DL12 3456 7890 1234 5678",
    "address": "Calle Mayor 1",
}


def _case() -> Case:
    resident = factories.resident()
    application = applications.application_start(
        applicant=resident, service=PublicService.objects.get(slug="child-benefit")
    )
    applications.application_answer(
        application=application, applicant=resident, fields=list(ANSWERS), answers=ANSWERS
    )
    sent = applications.application_submit(application=application, applicant=resident)
    return Case.objects.get(reference=sent.reference)


def _client(agency: str, *roles: Role) -> tuple[Client, object]:
    agency_row = Agency.objects.get(slug=agency)
    official, _secret = factories.official(agency=agency_row, role=roles[0])
    for role in roles[1:]:
        factories.official_add_role(user=official, agency=agency_row, role=role)
    client = Client()
    client.force_login(official)
    return client, official


def test_the_queue_lists_open_cases_soonest_deadline_first_and_marks_overdue(
    small_catalogue: Path, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    late, fresh = _case(), _case()
    Case.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
    client, _official = _client("treasury", Role.CASEWORKER)

    with django_assert_max_num_queries(14):
        html = client.get("/en/backoffice/treasury/cases/").content.decode()

    assert html.index(late.reference) < html.index(fresh.reference)
    assert "1 overdue" in html
    assert 'class="table__row--overdue"' in html
    overdue_only = client.get("/en/backoffice/treasury/cases/?due=overdue").content.decode()
    assert late.reference in overdue_only and fresh.reference not in overdue_only


def test_an_official_of_another_agency_gets_404_for_the_case(small_catalogue: Path) -> None:
    case = _case()
    client, _official = _client("registry", Role.AGENCY_ADMIN)

    assert client.get(f"/en/backoffice/registry/cases/{case.reference}/").status_code == 404
    assert client.get(f"/en/backoffice/treasury/cases/{case.reference}/").status_code == 403
    assert case.reference not in client.get("/en/backoffice/registry/cases/").content.decode()


def test_a_caseworker_reviews_and_an_approver_decides(small_catalogue: Path) -> None:
    case = _case()
    url = f"/en/backoffice/treasury/cases/{case.reference}/"
    caseworker, _c = _client("treasury", Role.CASEWORKER)
    approver, _a = _client("treasury", Role.APPROVER)

    page = caseworker.get(url).content.decode()
    assert 'value="start-review"' in page and 'value="approve"' not in page
    assert "Lola" in page  # the answers

    response = caseworker.post(url, {"operation": "action", "action": "start-review"})
    assert response.status_code == 302

    response = caseworker.post(url, {"operation": "action", "action": "approve"})
    assert response.status_code == 400
    assert "Only an official with the role “Approver” may do this." in response.content.decode()

    response = approver.post(url, {"operation": "action", "action": "reject", "reason": ""})
    assert "Give a reason: the resident will read it." in response.content.decode()

    approver.post(url, {"operation": "action", "action": "approve"})
    case.refresh_from_db()
    assert (case.state, case.outcome) == ("approved", "approved")
    response = approver.post(url, {"operation": "action", "action": "reject", "reason": "x"})
    assert "This case is closed" in response.content.decode()


def test_notes_stay_with_officials_and_assigning_is_recorded(small_catalogue: Path) -> None:
    case = _case()
    url = f"/en/backoffice/treasury/cases/{case.reference}/"
    client, official = _client("treasury", Role.CASEWORKER)

    client.post(url, {"operation": "assign"})
    client.post(url, {"operation": "note", "note": "Phoned the school."})

    case.refresh_from_db()
    assert case.assigned_to == official
    assert "Phoned the school." in client.get(url).content.decode()
    resident = Client()
    resident.force_login(case.applicant)
    application = case.applicant.applications.get()
    detail = resident.get(f"/en/applications/{application.public_id}/").content.decode()
    assert "Phoned the school." not in detail
    mine = client.get("/en/backoffice/treasury/cases/?mine=1").content.decode()
    assert case.reference in mine


def test_the_resident_sees_the_request_answers_it_and_the_decision(small_catalogue: Path) -> None:
    case = _case()
    url = f"/en/backoffice/treasury/cases/{case.reference}/"
    official, _o = _client("treasury", Role.CASEWORKER, Role.APPROVER)
    official.post(url, {"operation": "action", "action": "start-review"})
    official.post(
        url,
        {"operation": "action", "action": "ask-for-information", "reason": "Which school?"},
    )
    resident = Client()
    resident.force_login(case.applicant)
    application = case.applicant.applications.get()
    detail_url = f"/en/applications/{application.public_id}/"

    page = resident.get(detail_url).content.decode()
    assert "The agency needs more information from you" in page
    assert "Which school?" in page
    assert resident.post(detail_url, {"message": ""}).status_code == 400
    queue = official.get("/en/backoffice/treasury/cases/").content.decode()
    assert "Waiting for the resident" in queue and "Waiting for your answer" not in queue
    resident.post(detail_url, {"message": "Colegio Sol"})

    case.refresh_from_db()
    assert case.state == "in-review"
    official.post(url, {"operation": "action", "action": "reject", "reason": "Not resident."})
    page = resident.get(detail_url).content.decode()
    assert "Rejected" in page and "Not resident." in page


def test_an_approver_revokes_an_issued_document_with_a_reason(small_catalogue: Path) -> None:
    from ventanilla.casework.models import IssuedDocument

    case = _case()
    url = f"/en/backoffice/treasury/cases/{case.reference}/"
    approver, _a = _client("treasury", Role.CASEWORKER, Role.APPROVER)
    caseworker, _c = _client("treasury", Role.CASEWORKER)
    approver.post(url, {"operation": "action", "action": "start-review"})
    approver.post(url, {"operation": "action", "action": "approve"})
    document = IssuedDocument.objects.get()
    assert document.number in approver.get(url).content.decode()

    refused = caseworker.post(url, {"operation": "revoke", "reason": "Issued by mistake."})
    assert refused.status_code == 400
    assert "Only an official with the role “Approver” may do this." in refused.content.decode()
    no_reason = approver.post(url, {"operation": "revoke", "reason": " "})
    assert "Give a reason" in no_reason.content.decode()

    approver.post(url, {"operation": "revoke", "reason": "Issued by mistake."})
    document.refresh_from_db()
    assert document.revoked_at is not None
    verify = Client().get(f"/en/verify/{document.number}/").content.decode()
    assert "This document has been revoked" in verify
