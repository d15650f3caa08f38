"""A missed deadline is noted once per deadline, and the applicant is told."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests import factories
from ventanilla.applications import services as applications
from ventanilla.casework.enums import EventKind
from ventanilla.casework.models import Case
from ventanilla.casework.services import case_deadlines_check, case_transition
from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.selectors import working_calendar
from ventanilla.catalogue.services import catalogue_load
from ventanilla.notifications.enums import Kind
from ventanilla.notifications.models import Notification

pytestmark = pytest.mark.django_db

ANSWERS = {
    "child_given_name": "Lola",
    "child_birth_date": "2026-03-27",
    "relationship": "parent",
    "bank_account": "DL12 3456 7890 1234 5678",
}


@pytest.fixture
def case(small_catalogue: Path) -> Case:
    _application, opened, _created = applications.application_file(
        applicant=factories.resident(),
        service=PublicService.objects.get(slug="child-benefit"),
        answers=ANSWERS,
    )
    assert opened is not None
    return opened


def test_a_case_past_its_deadline_is_noted_once_and_the_applicant_told(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))

    assert case_deadlines_check() == 1
    assert case_deadlines_check() == 0

    event = case.events.get(kind=EventKind.DEADLINE_MISSED)
    assert event.to_state == "received"
    told = Notification.objects.get(kind=Kind.DEADLINE_MISSED)
    assert told.subject == f"Your application {case.reference} is taking longer than it should"
    assert "has not finished “Received”" in told.body
    client = Client()
    client.force_login(case.applicant)
    application = case.applicant.applications.get()
    page = client.get(f"/en/applications/{application.public_id}/").content.decode()
    assert "Test Treasury missed its deadline for “Received”" in page


def test_each_new_deadline_that_passes_counts_again(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    case_deadlines_check()
    case = case_transition(
        case=case, action="start-review", actor=factories.user(), roles={"caseworker"}
    )
    Case.objects.filter(pk=case.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))

    assert case_deadlines_check() == 1
    assert case.events.filter(kind=EventKind.DEADLINE_MISSED).count() == 2


def test_cases_on_time_paused_or_closed_are_left_alone(case: Case) -> None:
    assert case_deadlines_check() == 0  # due in the future
    Case.objects.filter(pk=case.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1), closed_at=timezone.now()
    )
    assert case_deadlines_check() == 0
    Case.objects.filter(pk=case.pk).update(deadline=None, closed_at=None)
    assert case_deadlines_check() == 0


BUILDING_PERMIT = {
    "site_address": "Calle del Puerto 12",
    "parcel_reference": "PD-2019-0042",
    "works": "extension",
    "floor_area": 40,
    "budget": 60000,
    "architect": "Marta Ruiz",
}


def test_a_building_permit_is_expected_when_its_review_and_both_approvals_are_due(
    monkeypatch: pytest.MonkeyPatch, settings: Any, uploads_dir: Path
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC))
    catalogue_load(directory=settings.VENTANILLA_CATALOGUE_DIR)  # this year's holidays
    resident = factories.resident()
    service = PublicService.objects.get(slug="building-permit")
    draft = applications.application_start(applicant=resident, service=service)
    applications.application_answer(
        application=draft,
        applicant=resident,
        fields=list(BUILDING_PERMIT),
        answers=BUILDING_PERMIT,
    )
    for slug in ("site-plan", "project"):
        applications.application_upload(
            application=draft,
            applicant=resident,
            slug=slug,
            file=SimpleUploadedFile(f"{slug}.pdf", b"%PDF-1.7\n", content_type="application/pdf"),
        )
    applications.application_pay(
        application=draft, applicant=resident, card_number="4242424242424242", attempt="a"
    )

    sent = applications.application_submit(application=draft, applicant=resident)

    # 5 + 20 + 10 working days (not the catalogue's 45) from Tuesday 1 December 2026,
    # skipping weekends, 8 and 25 December, 1 and 6 January
    assert sent.decision_expected_by == dt.date(2027, 1, 25)


def test_without_deadlines_in_the_workflow_the_catalogue_processing_days_count(
    catalogue_dir: Path,
) -> None:
    path = catalogue_dir / "services" / "child-benefit.yaml"
    path.write_text(re.sub(r", deadline_days: \d+", "", path.read_text()))
    catalogue_load(directory=catalogue_dir)
    today = timezone.localdate()

    application, _case, _created = applications.application_file(
        applicant=factories.resident(),
        service=PublicService.objects.get(slug="child-benefit"),
        answers=ANSWERS,
    )

    assert "deadline_days" not in path.read_text()
    assert application.decision_expected_by == working_calendar().add_working_days(today, 10)
