"""Every write to a case: one function, one transaction, one event saying who did it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ventanilla.casework import transitions
from ventanilla.casework.enums import EventKind, Outcome
from ventanilla.casework.models import Case, CaseEvent
from ventanilla.catalogue.models import PublicService, ServiceDefinition
from ventanilla.catalogue.selectors import transaction_spec_for, working_calendar
from ventanilla.catalogue.transactions import State
from ventanilla.core.calendar import WorkingCalendar
from ventanilla.core.errors import CaseTransitionError, PermissionDeniedError, ValidationError
from ventanilla.core.i18n import localized
from ventanilla.identity.models import Agency, User
from ventanilla.notifications.enums import Kind
from ventanilla.notifications.services import notification_send


def _deadline(
    state: State,
    *,
    since: dt.date,
    days: int | None = None,
    calendar: WorkingCalendar | None = None,
) -> dt.date | None:
    """When ``state`` must be left: ``days`` (or the state's own) working days on."""
    if state.final or state.waits_for_resident:
        return None
    days = state.deadline_days if days is None else days
    if days is None:
        return None
    return (calendar or working_calendar()).add_working_days(since, days)


@transaction.atomic
def case_open(
    *,
    reference: str,
    agency: Agency,
    service: PublicService,
    definition: ServiceDefinition,
    applicant: User,
    answers: dict[str, Any],
    calendar: WorkingCalendar | None = None,
) -> Case:
    """Open the case for a submitted application, in the workflow's first state."""
    workflow = transaction_spec_for(definition).workflow
    now = timezone.now()
    state = workflow.states[workflow.initial]
    case = Case.objects.create(
        reference=reference,
        agency=agency,
        service=service,
        definition=definition,
        applicant=applicant,
        answers=answers,
        state=state.slug,
        deadline=_deadline(state, since=timezone.localdate(now), calendar=calendar),
    )
    CaseEvent.objects.create(case=case, at=now, kind=EventKind.OPENED, to_state=state.slug)
    return case


def _move(case: Case, source: State, target: State, *, today: dt.date) -> None:
    """Set the clock for ``case`` moving from ``source`` to ``target``.

    A state that waits for the resident pauses the clock, keeping the working days left;
    leaving it starts the clock again with those days.
    """
    if target.waits_for_resident:
        calendar = working_calendar()
        case.paused_days_left = (
            calendar.working_days_between(today, case.deadline) if case.deadline else None
        )
        case.deadline = None
    elif source.waits_for_resident and case.paused_days_left is not None:
        case.deadline = _deadline(target, since=today, days=case.paused_days_left)
        case.paused_days_left = None
    else:
        case.deadline = _deadline(target, since=today)
    case.state = target.slug


@transaction.atomic
def case_transition(
    *, case: Case, action: str, actor: User, roles: set[str], reason: str = ""
) -> Case:
    """Take workflow ``action`` on ``case`` as ``actor``, who holds ``roles`` in its agency."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    workflow = transaction_spec_for(case.definition).workflow
    taken = transitions.transition(
        workflow, state=case.state, action_slug=action, roles=roles, reason=reason
    )
    now = timezone.now()
    source, target = workflow.states[case.state], workflow.states[taken.target]
    _move(case, source, target, today=timezone.localdate(now))
    if target.final:
        case.outcome = Outcome(target.outcome)
        case.closed_at = now
        case.decision_reason = reason.strip()
    case.save()
    CaseEvent.objects.create(
        case=case,
        at=now,
        kind=EventKind.TRANSITIONED,
        actor=actor,
        action=taken.slug,
        from_state=source.slug,
        to_state=target.slug,
        reason=reason.strip(),
    )
    if target.waits_for_resident or target.final:
        _tell_applicant(case, target, reason.strip())
    return case


def _tell_applicant(case: Case, target: State, reason: str) -> None:
    """Write to the applicant, in their language, when the agency asks or decides."""
    applicant = case.applicant
    with translation.override(applicant.language):
        context = {
            "reference": case.reference,
            "service": case.service.local_name,
            "agency": case.agency.local_name,
            "message": reason,
            "reason": reason,
            "approved": target.outcome == Outcome.APPROVED,
            "outcome": localized(target.label),
        }
        notification_send(
            recipient=applicant,
            kind=Kind.INFORMATION_REQUESTED if target.waits_for_resident else Kind.DECISION_MADE,
            language=applicant.language,
            context=context,
            link=reverse("applications:by-reference", args=[case.reference]),
            reference=case.reference,
        )


@transaction.atomic
def case_resident_answer(*, case: Case, resident: User, message: str) -> Case:
    """The resident answers a request for information: the case goes back to the state
    it was asked from, and its clock runs again with the days that were left."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.applicant_id != resident.pk:
        raise PermissionDeniedError(_("Only the applicant can answer for this application."))
    workflow = transaction_spec_for(case.definition).workflow
    waiting = workflow.states[case.state]
    if not waiting.waits_for_resident:
        raise CaseTransitionError(_("The agency is not waiting for an answer from you."))
    if not message.strip():
        raise ValidationError(_("Write your answer."), field="message")
    asked = case.events.filter(kind=EventKind.TRANSITIONED, to_state=case.state).last()
    back_to = workflow.states[asked.from_state if asked else workflow.initial]
    now = timezone.now()
    _move(case, waiting, back_to, today=timezone.localdate(now))
    case.save()
    CaseEvent.objects.create(
        case=case,
        at=now,
        kind=EventKind.RESIDENT_ANSWERED,
        actor=resident,
        from_state=waiting.slug,
        to_state=back_to.slug,
        reason=message.strip(),
    )
    return case


@transaction.atomic
def case_assign(*, case: Case, official: User) -> Case:
    """Give the case to ``official`` ("assign to me"); recorded like every change."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.closed_at is not None:
        raise CaseTransitionError(_("This case is closed: nothing more can be done to it."))
    case.assigned_to = official
    case.save(update_fields=["assigned_to", "updated_at"])
    CaseEvent.objects.create(
        case=case, at=timezone.now(), kind=EventKind.ASSIGNED, actor=official, private=True
    )
    return case


def case_note_add(*, case: Case, official: User, text: str) -> CaseEvent:
    """A note for the agency's officials only: the resident never sees it."""
    if not text.strip():
        raise ValidationError(_("Write the note."), field="note")
    return CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=EventKind.NOTE,
        actor=official,
        reason=text.strip(),
        private=True,
    )
