"""Reads of applications. Every read is for one applicant: another's is NotFound."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from ventanilla.applications.enums import ApplicationStatus
from ventanilla.applications.models import Application, Evidence, Upload
from ventanilla.applications.services import TYPE_NAMES
from ventanilla.casework.enums import EventKind
from ventanilla.casework.models import Case
from ventanilla.casework.selectors import case_events_for_applicant, case_list_by_references
from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.selectors import transaction_spec_for
from ventanilla.catalogue.transactions import (
    PERSON_SERVICE,
    FormField,
    FormPage,
    TransactionSpec,
    answer_text,
)
from ventanilla.core.errors import NotFoundError
from ventanilla.core.i18n import localized
from ventanilla.exchange.enums import REASONS
from ventanilla.identity.models import User
from ventanilla.registries.selectors import person_get


def application_get_for_applicant(*, applicant: User, public_id: str | uuid.UUID) -> Application:
    try:
        return Application.objects.select_related("service__competent_agency", "definition").get(
            public_id=public_id, applicant=applicant
        )
    except (Application.DoesNotExist, ValueError):
        raise NotFoundError(_("There is no such application.")) from None


def application_get_by_reference(*, applicant: User, reference: str) -> Application:
    try:
        return Application.objects.get(reference=reference, applicant=applicant)
    except Application.DoesNotExist:
        raise NotFoundError(_("There is no such application.")) from None


@dataclass(frozen=True)
class ApplicationSummary:
    application: Application
    status: str
    is_draft: bool
    is_closed: bool
    waits_for_you: bool
    case: Case | None


def _summary(
    application: Application, spec: TransactionSpec, case: Case | None
) -> ApplicationSummary:
    if application.status == ApplicationStatus.DRAFT or case is None:
        return ApplicationSummary(application, str(_("Not sent yet")), True, False, False, None)
    state = spec.workflow.states[case.state]
    return ApplicationSummary(
        application=application,
        status=localized(state.label),
        is_draft=False,
        is_closed=state.final,
        waits_for_you=state.waits_for_resident,
        case=case,
    )


def _evidence(application: Application) -> QuerySet[Evidence]:
    """The application's evidence with its calls' services and registries, as prefetched
    by ``application_list_for_applicant`` if it was."""
    rows = application.evidence.all()
    if "evidence" in getattr(application, "_prefetched_objects_cache", {}):
        return rows
    return rows.select_related("call__service__provider__member__agency")


def application_list_for_applicant(
    *, applicant: User, with_details: bool = False
) -> list[ApplicationSummary]:
    """The applicant's drafts and sent applications, newest first (three queries; two
    more ``with_details``, which fetches every application's files and evidence)."""
    query = Application.objects.filter(applicant=applicant).select_related(
        "service", "definition", "bundle__event"
    )
    if with_details:
        query = query.prefetch_related(
            "uploads",
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("call__service__provider__member__agency"),
            ),
        )
    applications = list(query.order_by("-updated_at"))
    cases = case_list_by_references(references=[a.reference for a in applications if a.reference])
    specs: dict[int, TransactionSpec] = {}
    summaries = []
    for application in applications:
        spec = specs.get(application.definition_id)
        if spec is None:
            spec = specs[application.definition_id] = transaction_spec_for(application.definition)
        summaries.append(_summary(application, spec, cases.get(application.reference or "")))
    return summaries


def application_summary(
    *, application: Application, case: Case | None = None
) -> ApplicationSummary:
    """Where the application stands; ``case`` saves the look-up when the caller has it."""
    spec = transaction_spec_for(application.definition)
    if case is None and application.reference:
        case = case_list_by_references(references=[application.reference]).get(
            application.reference
        )
    return _summary(application, spec, case)


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    title: str
    detail: str
    ledger_index: int | None = None


def application_timeline(*, application: Application, case: Case) -> list[TimelineEntry]:
    """What happened to the application, in the resident's words (one query)."""
    states = transaction_spec_for(application.definition).workflow.states
    agency = application.service.competent_agency.local_name
    entries = []
    for event in case_events_for_applicant(case=case):
        state = states.get(event.to_state)
        label = localized(state.label) if state else event.to_state
        if event.kind == EventKind.OPENED:
            title = _("Received by %(agency)s") % {"agency": agency}
        elif event.kind == EventKind.RESIDENT_ANSWERED:
            title = _("You answered")
        elif event.kind == EventKind.DOCUMENT_ISSUED:
            title = _("Your document was issued")
        elif event.kind == EventKind.DOCUMENT_REVOKED:
            title = _("Your document was revoked")
        elif event.kind == EventKind.DEADLINE_MISSED:
            title = _("%(agency)s missed its deadline for “%(step)s”") % {
                "agency": agency,
                "step": label,
            }
        else:
            title = label
        entries.append(
            TimelineEntry(
                at=event.at, title=title, detail=event.reason, ledger_index=event.ledger_index
            )
        )
    return entries


@dataclass(frozen=True)
class AnswerRow:
    page: FormPage
    label: str
    value: str
    name: str


def application_answer_rows(*, application: Application) -> list[AnswerRow]:
    """Every question with its answer, in page order, for check-your-answers."""
    spec = transaction_spec_for(application.definition)
    answers: dict[str, Any] = application.answers
    return [
        AnswerRow(
            page=page,
            label=localized(field.label),
            value=answer_text(field, answers.get(field.name)),
            name=field.name,
        )
        for page in spec.pages
        for field in page.fields
    ]


def application_status_public(*, reference: str, birth_date: dt.date) -> ApplicationSummary:
    """Where an application stands, for someone who knows its reference and the
    applicant's date of birth (no sign-in). Anything that does not match is the same
    NotFoundError, so the answer does not reveal which of the two was wrong."""
    not_found = NotFoundError(
        _("We could not find an application with this reference and date of birth.")
    )
    application = (
        Application.objects.select_related("service__competent_agency", "definition", "applicant")
        .filter(reference=reference.strip().upper(), status=ApplicationStatus.SUBMITTED)
        .first()
    )
    if application is None or not application.applicant.national_id:
        raise not_found
    person = person_get(national_id=application.applicant.national_id)
    if person is None or person.birth_date != birth_date:
        raise not_found
    return application_summary(application=application)


@dataclass(frozen=True)
class UploadRow:
    slug: str
    label: str
    hint: str
    required: bool
    types: str
    content_types: tuple[str, ...]
    max_bytes: int
    upload: Upload | None


def application_upload_rows(*, application: Application) -> list[UploadRow]:
    """Each file the service asks for, with what the applicant attached (one query, none
    for a service that asks for no file)."""
    spec = transaction_spec_for(application.definition)
    if not spec.uploads:
        return []
    attached = {u.slug: u for u in application.uploads.all()}
    return [
        UploadRow(
            slug=u.slug,
            label=localized(u.label),
            hint=localized(u.hint),
            required=u.required,
            types=", ".join(TYPE_NAMES[t] for t in u.types),
            content_types=u.types,
            max_bytes=u.max_bytes,
            upload=attached.get(u.slug),
        )
        for u in spec.uploads
    ]


def upload_get_for_applicant(*, applicant: User, public_id: str, slug: str) -> Upload:
    try:
        return Upload.objects.get(
            application__public_id=public_id, application__applicant=applicant, slug=slug
        )
    except (Upload.DoesNotExist, ValueError):
        raise NotFoundError(_("There is no such file.")) from None


def upload_list_for_reference(*, reference: str) -> list[Upload]:
    """The files of the application with this reference. For officials: the caller has
    checked that the case with this reference belongs to their agency."""
    return list(Upload.objects.filter(application__reference=reference).order_by("slug"))


def upload_get_for_reference(*, reference: str, slug: str) -> Upload:
    try:
        return Upload.objects.get(application__reference=reference, slug=slug)
    except Upload.DoesNotExist:
        raise NotFoundError(_("There is no such file.")) from None


def application_open_service(agency_id: int, public_id: uuid.UUID, national_id: str) -> int | None:
    """For the mediator's legal-basis check: the id of the public service the person with
    ``national_id`` applies for with application ``public_id`` at the agency, while it is
    a draft or its case is open; None otherwise."""
    # One plain statement: it runs in every look-up an application makes, where the ORM
    # took longer to build it than the database to answer (bench/submissions.py).
    with connection.cursor() as cursor:
        cursor.execute(
            _OPEN_SERVICE,
            [
                Application._meta.get_field("public_id").get_db_prep_value(public_id, connection),
                agency_id,
                national_id,
                ApplicationStatus.DRAFT.value,
            ],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


_OPEN_SERVICE = (
    f"SELECT a.service_id FROM {Application._meta.db_table} a"  # noqa: S608 - our tables
    f" JOIN {PublicService._meta.db_table} s ON s.id = a.service_id"
    f" JOIN {User._meta.db_table} u ON u.id = a.applicant_id"
    " WHERE a.public_id = %s AND s.competent_agency_id = %s AND u.national_id = %s"
    " AND (a.status = %s OR EXISTS ("
    f"SELECT 1 FROM {Case._meta.db_table} c WHERE c.reference = a.reference"
    " AND c.closed_at IS NULL))"
)


@dataclass(frozen=True)
class EvidenceRow:
    """One data service an application fetched about its applicant: from which
    registry, and whether it answered (``reason`` says why not)."""

    service_code: str
    service: str  # its name, in the active language
    registry: str  # the agency (member) whose registry answers it
    system: str  # its system that answers (the registry's own name)
    fetched: bool
    reason: str
    ledger_index: int | None


@dataclass(frozen=True)
class PrefillRow:
    """A question filled in from a registry: the value fetched, the answer now, and
    whether the applicant changed it."""

    name: str
    label: str
    page: FormPage
    field: FormField
    source: EvidenceRow
    fetched: Any
    fetched_text: str
    answer: Any
    answer_text: str

    @property
    def corrected(self) -> bool:
        return bool(self.answer != self.fetched)


@dataclass(frozen=True)
class PrefillSummary:
    evidence: list[EvidenceRow]
    prefilled: list[PrefillRow]
    # Questions that would have been filled in, but their registry did not answer.
    missing: list[tuple[str, EvidenceRow]]
    # Eligibility rules that read the registry's record, which could not be fetched.
    rules_unchecked: bool

    @property
    def corrections(self) -> list[PrefillRow]:
        return [row for row in self.prefilled if row.corrected]


def application_prefill_summary(*, application: Application) -> PrefillSummary:
    """What the registries gave the application through the mediator, for the preview
    page, the case officer and the API (one query, none if prefetched)."""
    spec = transaction_spec_for(application.definition)
    evidence = {e.service_code: e for e in _evidence(application)}
    rows: dict[str, EvidenceRow] = {}
    for code in spec.evidence:
        found = evidence.get(code)
        if found is None:
            continue
        service = found.call.service if found.call else None  # none asked: not connected
        rows[code] = EvidenceRow(
            service_code=code,
            service=localized(service.name) if service else code,
            registry=service.provider.member.local_name if service else "",
            system=localized(service.provider.name) if service else "",
            fetched=found.data is not None,
            reason=str(REASONS.get(found.reason, "")),
            ledger_index=found.call.ledger_index if found.call else None,
        )
    prefilled, missing = [], []
    for page in spec.pages:
        for field in page.fields:
            source = rows.get(field.prefill_from[0]) if field.prefill else None
            if source is None:
                continue
            if field.name not in application.prefilled:
                if not source.fetched:
                    missing.append((localized(field.label), source))
                continue
            fetched = application.prefilled[field.name]
            answer = application.answers.get(field.name)
            prefilled.append(
                PrefillRow(
                    name=field.name,
                    label=localized(field.label),
                    page=page,
                    field=field,
                    source=source,
                    fetched=fetched,
                    fetched_text=answer_text(field, fetched),
                    answer=answer,
                    answer_text=answer_text(field, answer),
                )
            )
    person = rows.get(PERSON_SERVICE)
    return PrefillSummary(
        evidence=list(rows.values()),
        prefilled=prefilled,
        missing=missing,
        rules_unchecked=bool(person and not person.fetched and spec.reads_person),
    )


def application_prefill_summary_for_reference(*, reference: str) -> PrefillSummary | None:
    """What the registries gave the application with this reference, and what its
    applicant corrected. For officials: the caller has checked that the case with this
    reference belongs to their agency."""
    application = (
        Application.objects.select_related("definition").filter(reference=reference).first()
    )
    if application is None:
        return None
    return application_prefill_summary(application=application)
