"""Reads of cases. Residents see their own cases' public events; officials their agency's."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.casework.models import Case, CaseEvent, IssuedDocument
from ventanilla.core.errors import NotFoundError
from ventanilla.identity.models import Agency, Membership, User


def case_list_by_references(*, references: list[str]) -> dict[str, Case]:
    """The cases of these references, by reference (one query)."""
    return {case.reference: case for case in Case.objects.filter(reference__in=references)}


def case_events_for_applicant(*, case: Case) -> QuerySet[CaseEvent]:
    """What the resident may see of their case's history: everything but officials' notes."""
    return case.events.filter(private=False).order_by("at", "id")


def official_roles(*, official: User, agency: Agency) -> set[str]:
    """The roles ``official`` holds in ``agency`` (empty if none)."""
    return set(
        Membership.objects.filter(user=official, agency=agency).values_list("role", flat=True)
    )


DUE_CHOICES = ("overdue", "today", "week")


def case_list_for_agency(
    *,
    agency: Agency,
    state: str = "",
    service: str = "",
    due: str = "",
    assigned_to: User | None = None,
    include_closed: bool = False,
) -> QuerySet[Case]:
    """The agency's queue, soonest deadline first. The caller has checked the official
    may act for ``agency`` (``agency_get_for_official``); no other agency's case is here."""
    cases = Case.objects.filter(agency=agency).select_related("service", "assigned_to")
    if not include_closed:
        cases = cases.filter(closed_at__isnull=True)
    if state:
        cases = cases.filter(state=state)
    if service:
        cases = cases.filter(service__slug=service)
    if assigned_to is not None:
        cases = cases.filter(assigned_to=assigned_to)
    today = timezone.localdate()
    if due == "overdue":
        cases = cases.filter(deadline__lt=today)
    elif due == "today":
        cases = cases.filter(deadline=today)
    elif due == "week":
        cases = cases.filter(deadline__lte=today + dt.timedelta(days=7))
    return cases.order_by(F("deadline").asc(nulls_last=True), "created_at")


@dataclass(frozen=True)
class QueueCounts:
    open: int
    overdue: int


def case_counts_for_agency(*, agency: Agency) -> QueueCounts:
    today = timezone.localdate()
    counts = Case.objects.filter(agency=agency, closed_at__isnull=True).aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(deadline__lt=today))
    )
    return QueueCounts(open=counts["open"], overdue=counts["overdue"])


def case_get_for_agency(*, agency: Agency, reference: str) -> Case:
    """One case of ``agency``; a case of another agency is NotFound, not Forbidden, so an
    official cannot learn which references exist elsewhere."""
    try:
        return Case.objects.select_related(
            "service", "definition", "applicant", "assigned_to", "agency"
        ).get(agency=agency, reference=reference)
    except Case.DoesNotExist:
        raise NotFoundError(
            _("There is no case %(reference)s here.") % {"reference": reference}
        ) from None


def case_events_for_officials(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "id")


def _document_number(number: str) -> str:
    """As printed: upper case, whatever case it was typed in."""
    return number.strip().upper()


def document_get_public(*, number: str) -> IssuedDocument:
    """What the public verification page may show of a document (its PDF is not loaded).
    The caller shows no more of the holder than their initials."""
    try:
        return (
            IssuedDocument.objects.select_related("case__agency")
            .defer("pdf")
            .get(number=_document_number(number))
        )
    except IssuedDocument.DoesNotExist:
        raise NotFoundError(
            _("There is no document with the number %(number)s.") % {"number": number}
        ) from None


def document_verify(*, number: str, pdf_bytes: bytes) -> bool:
    """True only if ``pdf_bytes`` are exactly the document issued as ``number`` and it has
    not been revoked; an unknown number is False too."""
    stored = (
        IssuedDocument.objects.filter(number=_document_number(number), revoked_at__isnull=True)
        .values_list("sha256", flat=True)
        .first()
    )
    if stored is None:
        return False
    return hmac.compare_digest(stored, hashlib.sha256(pdf_bytes).hexdigest())


def document_for_applicant(*, applicant: User, case: Case) -> IssuedDocument:
    """The document issued for ``case``, PDF included, to its applicant only: another
    person's is NotFound, so nobody learns which cases have one."""
    try:
        return IssuedDocument.objects.get(case=case, case__applicant=applicant)
    except IssuedDocument.DoesNotExist:
        raise NotFoundError(_("There is no document for this application.")) from None


def document_for_case(*, case: Case) -> IssuedDocument:
    """The document issued for ``case`` (the caller checked the official's agency)."""
    try:
        return IssuedDocument.objects.get(case=case)
    except IssuedDocument.DoesNotExist:
        raise NotFoundError(_("There is no document for this application.")) from None


def document_for_case_or_none(*, case: Case) -> IssuedDocument | None:
    return (
        IssuedDocument.objects.filter(case=case).only("number", "issued_at", "revoked_at").first()
    )
