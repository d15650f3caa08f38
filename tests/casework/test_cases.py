"""A case moves through its service's workflow: roles, states, deadlines, the paused clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from tests import factories
from ventanilla.applications import services as applications
from ventanilla.casework import transitions
from ventanilla.casework.models import Case
from ventanilla.casework.services import case_resident_answer, case_transition
from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.selectors import transaction_spec_for, working_calendar
from ventanilla.core.errors import CaseTransitionError, PermissionDeniedError

pytestmark = pytest.mark.django_db

ANSWERS = {
    "child_given_name": "Lola",
    "child_birth_date": "2026-03-27",
    "relationship": "parent",
    "bank_account": "DL12 3456 7890 1234 5678",
    "address": "Calle Mayor 1",
}
CASEWORKER, APPROVER = {"caseworker"}, {"approver"}


@pytest.fixture
def case(small_catalogue: Path) -> Case:
    resident = factories.resident()
    application = applications.application_start(
        applicant=resident, service=PublicService.objects.get(slug="child-benefit")
    )
    applications.application_answer(
        application=application, applicant=resident, fields=list(ANSWERS), answers=ANSWERS
    )
    sent = applications.application_submit(application=application, applicant=resident)
    return Case.objects.get(reference=sent.reference)


def test_the_workflow_table_says_who_may_do_what(case: Case) -> None:
    workflow = transaction_spec_for(case.definition).workflow
    assert [
        a.slug for a in transitions.actions_available(workflow, state="in-review", roles=CASEWORKER)
    ] == ["ask-for-information"]
    assert [
        a.slug for a in transitions.actions_available(workflow, state="in-review", roles=APPROVER)
    ] == ["approve", "reject"]


@pytest.mark.parametrize(
    ("state", "action", "roles", "reason", "message"),
    [
        (
            "received",
            "approve",
            APPROVER,
            "",
            "“approve” cannot be done while the case is “received”.",
        ),
        (
            "in-review",
            "approve",
            CASEWORKER,
            "",
            "Only an official with the role “Approver” may do this.",
        ),
        ("in-review", "reject", APPROVER, " ", "Give a reason: the resident will read it."),
        (
            "approved",
            "reject",
            APPROVER,
            "x",
            "This case is closed: nothing more can be done to it.",
        ),
        ("in-review", "fly", APPROVER, "", "There is no action “fly” for this service."),
    ],
)
def test_a_refused_action_says_why(
    case: Case, state: str, action: str, roles: set[str], reason: str, message: str
) -> None:
    workflow = transaction_spec_for(case.definition).workflow
    with pytest.raises(CaseTransitionError) as raised:
        transitions.transition(
            workflow, state=state, action_slug=action, roles=roles, reason=reason
        )
    assert raised.value.message == message


def test_an_action_moves_the_state_records_who_and_sets_the_next_deadline(case: Case) -> None:
    official = factories.user()
    today = timezone.localdate()

    case = case_transition(case=case, action="start-review", actor=official, roles=CASEWORKER)

    assert case.state == "in-review"
    assert case.deadline == working_calendar().add_working_days(today, 8)
    event = case.events.last()
    assert (event.actor, event.action, event.from_state, event.to_state) == (
        official,
        "start-review",
        "received",
        "in-review",
    )


def test_a_refused_action_changes_nothing(case: Case) -> None:
    with pytest.raises(CaseTransitionError):
        case_transition(case=case, action="approve", actor=factories.user(), roles=APPROVER)
    case.refresh_from_db()
    assert case.state == "received"
    assert case.events.count() == 1


def test_the_clock_pauses_while_waiting_for_the_resident(case: Case) -> None:
    official = factories.user()
    case = case_transition(case=case, action="start-review", actor=official, roles=CASEWORKER)
    days_left = working_calendar().working_days_between(timezone.localdate(), case.deadline)

    case = case_transition(
        case=case,
        action="ask-for-information",
        actor=official,
        roles=CASEWORKER,
        reason="Send the child's birth certificate number.",
    )
    assert (case.state, case.deadline, case.paused_days_left) == (
        "more-information",
        None,
        days_left,
    )

    case = case_resident_answer(case=case, resident=case.applicant, message="It is 12345.")

    assert case.state == "in-review"
    assert case.paused_days_left is None
    assert case.deadline == working_calendar().add_working_days(timezone.localdate(), days_left)
    assert case.events.last().reason == "It is 12345."


def test_only_the_applicant_answers_and_only_when_asked(case: Case) -> None:
    with pytest.raises(CaseTransitionError, match="not waiting for an answer"):
        case_resident_answer(case=case, resident=case.applicant, message="hello")
    with pytest.raises(PermissionDeniedError):
        case_resident_answer(case=case, resident=factories.resident(), message="hello")


def test_a_decision_closes_the_case_with_its_reason(case: Case) -> None:
    official = factories.user()
    case_transition(case=case, action="start-review", actor=official, roles=CASEWORKER)

    case = case_transition(
        case=case, action="reject", actor=official, roles=APPROVER, reason="The child lives abroad."
    )

    assert (case.outcome, case.decision_reason, case.deadline) == (
        "rejected",
        "The child lives abroad.",
        None,
    )
    assert case.closed_at is not None
    with pytest.raises(CaseTransitionError, match="closed"):
        case_transition(case=case, action="approve", actor=official, roles=APPROVER)


def test_deadlines_skip_the_declared_holidays(case: Case) -> None:
    holidays = working_calendar().holidays
    assert dt.date(timezone.localdate().year, 12, 25) in holidays
