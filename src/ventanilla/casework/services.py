"""Every write to a case: one function, one transaction, one event saying who did it."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from ventanilla.casework import transitions
from ventanilla.casework.documents import document_number_new, document_render_pdf
from ventanilla.casework.enums import EventKind, Outcome
from ventanilla.casework.models import Case, CaseEvent, IssuedDocument
from ventanilla.catalogue.models import PublicService, ServiceDefinition
from ventanilla.catalogue.selectors import transaction_spec_for, working_calendar
from ventanilla.catalogue.transactions import State, answer_text
from ventanilla.core.calendar import WorkingCalendar
from ventanilla.core.errors import (
    CaseTransitionError,
    DocumentIssueError,
    PermissionDeniedError,
    ValidationError,
)
from ventanilla.core.i18n import localized
from ventanilla.identity.models import Agency, User
from ventanilla.notifications.enums import Kind
from ventanilla.notifications.services import notification_send
from ventanilla.payments.tasks import refund_for_reference


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
    payment_reference: str = "",
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
        payment_reference=payment_reference,
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
    spec = transaction_spec_for(case.definition)
    if target.outcome == Outcome.APPROVED and spec.document:
        document_issue(case=case)
    if (
        target.outcome == Outcome.REJECTED
        and spec.fee is not None
        and spec.fee.refund_on_rejection
        and case.payment_reference
    ):
        # The provider is asked after commit, by the worker: never inside a transaction.
        reference, why = case.payment_reference, f"{case.reference} rejected"
        transaction.on_commit(lambda: refund_for_reference.enqueue(reference, why))
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


@transaction.atomic
def document_issue(*, case: Case) -> IssuedDocument:
    """Issue the document of an approved case: a PDF in the applicant's language, with a
    random number and a QR code to the public verification page. A second call returns the
    document already issued; it is never drawn again, so its SHA-256 stays true."""
    case = (
        Case.objects.select_for_update(of=("self",))  # the case only, not its applicant
        .select_related("agency", "applicant")
        .get(pk=case.pk)
    )
    existing = IssuedDocument.objects.filter(case=case).first()
    if existing is not None:
        return existing
    if case.outcome != Outcome.APPROVED:
        raise DocumentIssueError(
            _("A document can only be issued for an approved case; %(reference)s is not.")
            % {"reference": case.reference}
        )
    spec = transaction_spec_for(case.definition)
    if not spec.document:
        raise DocumentIssueError(
            _("The service of case %(reference)s does not issue a document.")
            % {"reference": case.reference}
        )
    applicant = case.applicant
    language = applicant.language
    issued_at = timezone.now()
    holder_name = applicant.display_name or applicant.email
    number = document_number_new(issued_at=issued_at)
    while IssuedDocument.objects.filter(number=number).exists():  # 1 in 2^40: be sure anyway
        number = document_number_new(issued_at=issued_at)
    with translation.override(language):
        verify_url = settings.VENTANILLA_PUBLIC_URL + reverse("documents:verify", args=[number])
        title = localized(spec.document["title"])
        answers: dict[str, Any] = case.answers
        lines = [
            (localized(field.label), text)
            for field in spec.fields
            if (text := answer_text(field, answers.get(field.name)))
        ]
        pdf = document_render_pdf(
            number=number,
            title=title,
            holder_name=holder_name,
            lines=[(_("Reference"), case.reference), *lines],
            issued_at=issued_at,
            agency_name=localized(case.agency.name),
            verify_url=verify_url,
            language=language,
            body=localized(spec.document.get("body")),
        )
    document = IssuedDocument.objects.create(
        case=case,
        number=number,
        title=spec.document["title"],
        holder_name=holder_name,
        issued_at=issued_at,
        sha256=hashlib.sha256(pdf).hexdigest(),
        pdf=pdf,
    )
    CaseEvent.objects.create(case=case, at=issued_at, kind=EventKind.DOCUMENT_ISSUED, reason=number)
    return document


@transaction.atomic
def document_revoke(*, document: IssuedDocument, actor: User, reason: str) -> IssuedDocument:
    """Withdraw ``document``: from now on the verification page says it is not valid.

    The caller has checked ``actor`` may decide for the case's agency. The PDF is kept,
    so that what was issued can still be shown to whoever audits the decision."""
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if document.revoked_at is not None:
        raise DocumentIssueError(
            _("Document %(number)s is already revoked.") % {"number": document.number}
        )
    if not reason.strip():
        raise ValidationError(_("Give a reason: the resident will read it."), field="reason")
    now = timezone.now()
    document.revoked_at = now
    document.save(update_fields=["revoked_at", "updated_at"])
    CaseEvent.objects.create(
        case_id=document.case_id,
        at=now,
        kind=EventKind.DOCUMENT_REVOKED,
        actor=actor,
        reason=reason.strip(),
    )
    return document


def case_deadlines_check(*, today: dt.date | None = None) -> int:
    """Record, once per deadline, each open case whose deadline has passed, and tell its
    applicant. Returns how many were found late. The worker runs it every few minutes."""
    today = today or timezone.localdate()
    late = Case.objects.filter(closed_at__isnull=True, deadline__lt=today).select_related(
        "service", "agency", "applicant", "definition"
    )
    found = 0
    for case in late.iterator():
        if _deadline_missed_record(case):
            found += 1
    return found


@transaction.atomic
def _deadline_missed_record(case: Case) -> bool:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("service", "agency", "applicant", "definition")
        .get(pk=case.pk)
    )
    if case.closed_at is not None or case.deadline is None or case.deadline >= timezone.localdate():
        return False
    deadline = case.deadline.isoformat()
    if case.events.filter(kind=EventKind.DEADLINE_MISSED, reason=deadline).exists():
        return False
    state = transaction_spec_for(case.definition).workflow.states[case.state]
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=EventKind.DEADLINE_MISSED,
        to_state=case.state,
        reason=deadline,
    )
    applicant = case.applicant
    with translation.override(applicant.language):
        notification_send(
            recipient=applicant,
            kind=Kind.DEADLINE_MISSED,
            language=applicant.language,
            context={
                "reference": case.reference,
                "service": case.service.local_name,
                "agency": case.agency.local_name,
                "step": localized(state.label),
                "deadline": formats.date_format(case.deadline, "DATE_FORMAT"),
            },
            link=reverse("applications:by-reference", args=[case.reference]),
            reference=case.reference,
        )
    return True
