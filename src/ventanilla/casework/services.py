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
from ventanilla.ledger.pseudonyms import official_reference, subject_reference, text_digest
from ventanilla.ledger.services import ledger_append
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


# What each kind of case event is recorded as in the transparency ledger.
LEDGER_TYPES = {
    EventKind.OPENED: "casework.case.opened",
    EventKind.TRANSITIONED: "casework.case.transitioned",
    EventKind.RESIDENT_ANSWERED: "casework.case.resident_answered",
    EventKind.ASSIGNED: "casework.case.assigned",
    EventKind.NOTE: "casework.case.note_added",
    EventKind.DEADLINE_MISSED: "casework.case.deadline_missed",
    EventKind.DOCUMENT_ISSUED: "documents.document.issued",
    EventKind.DOCUMENT_REVOKED: "documents.document.revoked",
}


def _actor_reference(case: Case, actor: User | None) -> str:
    if actor is None:
        return "system"
    if actor.pk == case.applicant_id:
        return "applicant"
    return official_reference(user_id=actor.pk)


def _event(
    case: Case,
    *,
    kind: EventKind,
    at: dt.datetime,
    actor: User | None = None,
    action: str = "",
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    private: bool = False,
    record: dict[str, Any] | None = None,
) -> CaseEvent:
    """Record what happened to ``case``: its event, and the ledger entry that makes it
    tamper-evident. The entry carries pseudonyms and a keyed digest of the reason, never
    a name, an id number or the text itself."""
    national_id = case.applicant.national_id or f"account:{case.applicant_id}"
    body: dict[str, Any] = {
        "service": case.service.slug,
        "actor": _actor_reference(case, actor),
        **({"action": action} if action else {}),
        **({"from": from_state} if from_state else {}),
        **({"to": to_state} if to_state else {}),
        **({"reason_digest": text_digest(reason)} if reason else {}),
        **(record or {}),
    }
    entry = ledger_append(
        kind=LEDGER_TYPES[kind],
        agency=case.agency.slug,
        subject=subject_reference(national_id=national_id),
        case_reference=case.reference,
        at=at,
        body=body,
    )
    return CaseEvent.objects.create(
        case=case,
        at=at,
        kind=kind,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        private=private,
        ledger_index=entry.leaf_index,
    )


@transaction.atomic(savepoint=False)  # part of sending: it fails with it, all or nothing
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
    _event(case, kind=EventKind.OPENED, at=now, to_state=state.slug)
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
    _event(
        case,
        kind=EventKind.TRANSITIONED,
        at=now,
        actor=actor,
        action=taken.slug,
        from_state=source.slug,
        to_state=target.slug,
        reason=reason.strip(),
        record={"outcome": case.outcome} if target.final else None,
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
    _event(
        case,
        kind=EventKind.RESIDENT_ANSWERED,
        at=now,
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
    _event(case, kind=EventKind.ASSIGNED, at=timezone.now(), actor=official, private=True)
    return case


@transaction.atomic
def case_note_add(*, case: Case, official: User, text: str) -> CaseEvent:
    """A note for the agency's officials only: the resident never sees it (the ledger
    records that it was written, and a keyed digest of it, not its text)."""
    if not text.strip():
        raise ValidationError(_("Write the note."), field="note")
    return _event(
        case,
        kind=EventKind.NOTE,
        at=timezone.now(),
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
    sha256 = hashlib.sha256(pdf).hexdigest()
    event = _event(
        case,
        kind=EventKind.DOCUMENT_ISSUED,
        at=issued_at,
        reason=number,
        record={"document_sha256": sha256},
    )
    return IssuedDocument.objects.create(
        case=case,
        number=number,
        title=spec.document["title"],
        holder_name=holder_name,
        issued_at=issued_at,
        sha256=sha256,
        pdf=pdf,
        ledger_index=event.ledger_index,
    )


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
    _event(
        Case.objects.select_related("agency", "service", "applicant").get(pk=document.case_id),
        kind=EventKind.DOCUMENT_REVOKED,
        at=now,
        actor=actor,
        reason=reason.strip(),
        record={"document_sha256": document.sha256},
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
    _event(
        case,
        kind=EventKind.DEADLINE_MISSED,
        at=timezone.now(),
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
