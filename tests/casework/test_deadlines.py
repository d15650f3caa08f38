"""A missed deadline is noted once per deadline, and the applicant is told."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories
from ventanilla.applications import services as applications
from ventanilla.casework.enums import EventKind
from ventanilla.casework.models import Case
from ventanilla.casework.services import case_deadlines_check, case_transition
from ventanilla.catalogue.models import PublicService
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
