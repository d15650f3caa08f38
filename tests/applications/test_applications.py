"""A resident applies: a draft page by page, resumed anywhere, checked, sent exactly once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories
from ventanilla.applications import services
from ventanilla.applications.enums import ApplicationStatus
from ventanilla.applications.models import Application
from ventanilla.casework.models import Case, CaseEvent
from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.selectors import working_calendar
from ventanilla.core.errors import (
    AnswersInvalidError,
    ApplicationStateError,
    EligibilityError,
    NotFoundError,
)
from ventanilla.core.models import YearlySequence
from ventanilla.exchange.models import DataService

pytestmark = pytest.mark.django_db

CHILD = {
    "child_given_name": "Lola",
    "child_birth_date": "2026-03-27",
    "relationship": "parent",
}
PAYMENT = {"bank_account": "DL12 3456 7890 1234 5678", "address": "Calle Mayor 1"}


@pytest.fixture
def service(connected: DataService) -> PublicService:
    return PublicService.objects.get(slug="child-benefit")


def _filled(service: PublicService, **person: object) -> Application:
    resident = factories.resident(registry_person=factories.person(**person))
    application = services.application_start(applicant=resident, service=service)
    for fields, answers in ((list(CHILD), CHILD), (list(PAYMENT), PAYMENT)):
        services.application_answer(
            application=application, applicant=resident, fields=fields, answers=answers
        )
    return application


def test_a_draft_starts_with_what_the_registry_knows(service: PublicService) -> None:
    resident = factories.resident(registry_person=factories.person(address="Calle Sol 3"))

    application = services.application_start(applicant=resident, service=service)

    assert application.status == ApplicationStatus.DRAFT
    assert application.answers == {"address": "Calle Sol 3"}
    assert application.definition.version == 1


def test_an_account_without_a_registry_record_cannot_start(service: PublicService) -> None:
    with pytest.raises(ApplicationStateError, match="linked to the population registry"):
        services.application_start(applicant=factories.user(), service=service)
    assert not Application.objects.exists()


def test_a_service_without_a_transaction_cannot_be_applied_for(small_catalogue: Path) -> None:
    with pytest.raises(ApplicationStateError, match="cannot be applied for online"):
        services.application_start(
            applicant=factories.resident(),
            service=PublicService.objects.get(slug="birth-certificate"),
        )


def test_a_wrong_answer_names_the_field_and_saves_nothing(service: PublicService) -> None:
    resident = factories.resident()
    application = services.application_start(applicant=resident, service=service)
    before = dict(application.answers)

    with pytest.raises(AnswersInvalidError) as raised:
        services.application_answer(
            application=application,
            applicant=resident,
            fields=list(PAYMENT),
            answers={"bank_account": "12345", "address": "Calle Mayor 1"},
        )

    assert raised.value.errors == {
        "bank_account": "“Bank account number (IBAN)” is not in the right format. Starts with "
        "DL and has 20 digits, for example DL12 3456 7890 1234 5678."
    }
    application.refresh_from_db()
    assert application.answers == before


def test_a_missing_required_answer_is_named(service: PublicService) -> None:
    resident = factories.resident()
    application = services.application_start(applicant=resident, service=service)

    with pytest.raises(AnswersInvalidError) as raised:
        services.application_answer(
            application=application,
            applicant=resident,
            fields=list(CHILD),
            answers={"child_given_name": "Lola", "relationship": "cousin"},
        )

    assert raised.value.errors == {
        "child_birth_date": "Enter “The child's date of birth”.",
        "relationship": "Select one of the options for “You are the child's”.",
    }


def test_sending_gives_a_reference_a_date_and_opens_a_case(service: PublicService) -> None:
    application = _filled(service)
    today = timezone.localdate()

    sent = services.application_submit(application=application, applicant=application.applicant)

    assert sent.status == ApplicationStatus.SUBMITTED
    assert sent.reference == f"DL-{today.year}-000001"
    assert sent.decision_expected_by == working_calendar().add_working_days(today, 10)
    case = Case.objects.get(reference=sent.reference)
    assert case.agency.slug == "treasury"
    assert case.state == "received"
    assert case.deadline == working_calendar().add_working_days(today, 2)
    assert case.answers == sent.answers
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == ["opened"]


def test_sending_twice_makes_one_application_and_one_case(service: PublicService) -> None:
    application = _filled(service)

    first = services.application_submit(application=application, applicant=application.applicant)
    again = services.application_submit(application=application, applicant=application.applicant)

    assert again.reference == first.reference
    assert Case.objects.count() == 1
    assert YearlySequence.objects.get(name="applications").last == 1


def test_references_count_up_within_the_year(service: PublicService) -> None:
    references = [
        services.application_submit(application=a, applicant=a.applicant).reference
        for a in (_filled(service), _filled(service))
    ]
    year = timezone.localdate().year
    assert references == [f"DL-{year}-000001", f"DL-{year}-000002"]


def test_an_ineligible_applicant_is_told_why_and_nothing_is_sent(service: PublicService) -> None:
    too_young = timezone.localdate() - dt.timedelta(days=15 * 365)
    application = _filled(service, birth_date=too_young)

    with pytest.raises(EligibilityError) as raised:
        services.application_submit(application=application, applicant=application.applicant)

    assert raised.value.message == "You must be 16 or older to claim child benefit."
    application.refresh_from_db()
    assert (application.status, application.reference) == (ApplicationStatus.DRAFT, None)
    assert not Case.objects.exists()
    assert not YearlySequence.objects.filter(name="applications").exists()


def test_an_unfinished_application_cannot_be_sent(service: PublicService) -> None:
    resident = factories.resident()
    application = services.application_start(applicant=resident, service=service)

    with pytest.raises(AnswersInvalidError) as raised:
        services.application_submit(application=application, applicant=resident)

    assert list(raised.value.errors) == [
        "child_given_name",
        "child_birth_date",
        "relationship",
        "bank_account",
    ]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_a_sent_application_cannot_be_changed(service: PublicService) -> None:
    application = _filled(service)
    services.application_submit(application=application, applicant=application.applicant)

    with pytest.raises(ApplicationStateError, match="has been sent"):
        services.application_answer(
            application=application,
            applicant=application.applicant,
            fields=["address"],
            answers={"address": "Elsewhere 2"},
        )


def test_another_resident_cannot_touch_the_application(service: PublicService) -> None:
    application = _filled(service)
    stranger = factories.resident()

    with pytest.raises(NotFoundError):
        services.application_answer(
            application=application, applicant=stranger, fields=["address"], answers={}
        )
    with pytest.raises(NotFoundError):
        services.application_submit(application=application, applicant=stranger)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert not Case.objects.exists()


def test_a_draft_resumes_in_a_new_session(service: PublicService) -> None:
    resident = factories.resident(password="a-long-test-password")
    application = services.application_start(applicant=resident, service=service)
    laptop = Client()
    laptop.force_login(resident)
    laptop.post(f"/en/applications/{application.public_id}/child/", CHILD)

    phone = Client()
    phone.post("/en/accounts/login/", {"login": resident.email, "password": "a-long-test-password"})
    html = phone.get(f"/en/applications/{application.public_id}/child/").content.decode()

    assert 'value="Lola"' in html
    assert "Claim child benefit" in phone.get("/en/my/").content.decode()
