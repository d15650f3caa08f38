"""People are told, in their language, when their application is received, when the agency
asks them something and when it decides: in their inbox and by email, after commit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from tests import factories
from ventanilla.applications import services as applications
from ventanilla.casework.models import Case
from ventanilla.casework.services import case_transition
from ventanilla.catalogue.models import PublicService
from ventanilla.notifications.enums import EmailStatus, Kind
from ventanilla.notifications.models import Notification

pytestmark = pytest.mark.django_db

ANSWERS = {
    "child_given_name": "Lola",
    "child_birth_date": "2026-03-27",
    "relationship": "parent",
    "bank_account": "DL12 3456 7890 1234 5678",
    "address": "Calle Mayor 1",
}


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _submit(language: str = "en") -> Case:
    resident = factories.resident(email="lucia@test.example")
    application = applications.application_start(
        applicant=resident, service=PublicService.objects.get(slug="child-benefit")
    )
    applications.application_answer(
        application=application, applicant=resident, fields=list(ANSWERS), answers=ANSWERS
    )
    with translation.override(language):
        sent = applications.application_submit(application=application, applicant=resident)
    return Case.objects.get(reference=sent.reference)


def test_sending_an_application_is_confirmed_by_email_after_commit(
    small_catalogue: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = _submit()

    assert len(callbacks) == 1
    notification = Notification.objects.get()
    assert notification.kind == Kind.APPLICATION_RECEIVED
    assert notification.subject == f"We have received your application {case.reference}"
    assert "Test Treasury has received your application for “Claim child benefit”" in (
        notification.body
    )
    assert notification.email_status == EmailStatus.SENT
    [email] = mail.outbox
    assert email.to == ["lucia@test.example"]
    assert email.subject == notification.subject
    assert "http://127.0.0.1:8000/en/applications/" in email.body


def test_nothing_is_emailed_when_the_change_rolls_back(
    small_catalogue: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _submit()
    assert mail.outbox == []
    assert len(callbacks) == 1  # would only run after a commit


def test_a_spanish_applicant_is_written_to_in_spanish_by_the_agency(
    small_catalogue: Path, django_capture_on_commit_callbacks: Any
) -> None:
    case = _submit(language="es")
    official = factories.user()

    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=case, action="start-review", actor=official, roles={"caseworker"})
        case_transition(
            case=case,
            action="ask-for-information",
            actor=official,
            roles={"caseworker"},
            reason="¿En qué colegio está?",
        )

    asked = Notification.objects.get(kind=Kind.INFORMATION_REQUESTED)
    assert asked.language == "es"
    assert asked.subject == f"Tesorería de Prueba necesita más información sobre {case.reference}"
    assert "¿En qué colegio está?" in asked.body
    assert asked.link == f"/es/applications/ref/{case.reference}/"


def test_the_decision_is_told_with_its_reason(
    small_catalogue: Path, django_capture_on_commit_callbacks: Any
) -> None:
    case = _submit()
    official = factories.user()
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=case, action="start-review", actor=official, roles={"caseworker"})
        case_transition(
            case=case, action="reject", actor=official, roles={"approver"}, reason="Not resident."
        )

    decided = Notification.objects.get(kind=Kind.DECISION_MADE)
    assert decided.subject == f"Decision on your application {case.reference}"
    assert "Reason: Not resident." in decided.body
    assert mail.outbox[-1].subject == decided.subject


def test_the_inbox_shows_messages_and_marks_them_read(small_catalogue: Path) -> None:
    case = _submit()
    client = Client()
    client.force_login(case.applicant)

    my = client.get("/en/my/").content.decode()
    notification = Notification.objects.get()
    assert f"We have received your application {case.reference}" in my
    assert "New" in my

    page = client.get(f"/en/my/messages/{notification.pk}/").content.decode()
    assert "You can expect a decision by" in page
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_persons_message_is_not_found(small_catalogue: Path) -> None:
    _submit()
    client = Client()
    client.force_login(factories.resident())
    notification = Notification.objects.get()
    assert client.get(f"/en/my/messages/{notification.pk}/").status_code == 404


def test_a_link_by_reference_leads_only_its_applicant_to_the_application(
    small_catalogue: Path,
) -> None:
    case = _submit()
    owner, stranger = Client(), Client()
    owner.force_login(case.applicant)
    stranger.force_login(factories.resident())

    response = owner.get(f"/en/applications/ref/{case.reference}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/applications/")
    assert stranger.get(f"/en/applications/ref/{case.reference}/").status_code == 404


def test_an_unverified_address_gets_the_inbox_copy_but_no_email(
    small_catalogue: Path, django_capture_on_commit_callbacks: Any
) -> None:
    resident = factories.resident(email="new@test.example")
    resident.emailaddress_set.update(verified=False)
    application = applications.application_start(
        applicant=resident, service=PublicService.objects.get(slug="child-benefit")
    )
    applications.application_answer(
        application=application, applicant=resident, fields=list(ANSWERS), answers=ANSWERS
    )
    with django_capture_on_commit_callbacks(execute=True):
        applications.application_submit(application=application, applicant=resident)

    notification = Notification.objects.get()
    assert notification.email_status == EmailStatus.NO_ADDRESS
    assert mail.outbox == []
