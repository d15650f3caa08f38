"""Every read of the mediator a page or the API needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.casework.models import Case
from ventanilla.core.errors import NotFoundError
from ventanilla.exchange.enums import APPLICATIONS_SUBSYSTEM, OWN_APPLICATION
from ventanilla.exchange.models import (
    AccessRight,
    Call,
    CaseEvidence,
    Consent,
    ConsentPurpose,
    DataService,
    Member,
    Subsystem,
)
from ventanilla.identity.models import Agency
from ventanilla.ledger.pseudonyms import subject_reference
from ventanilla.registries.schemas import PERSON_SERVICES, SERVICE_SCHEMAS


def call_list_for_person(*, national_id: str) -> QuerySet[Call]:
    """Every look-up of the person's data, newest first: the data tracker."""
    return (
        Call.objects.filter(subject=subject_reference(national_id=national_id))
        .select_related(
            "client__member__agency", "service__provider__member__agency", "applied_for"
        )
        .order_by("-at", "-pk")
    )


@dataclass(frozen=True)
class ConsentRow:
    consent: Consent
    purpose: ConsentPurpose | None
    live: bool


def consent_purpose_list() -> QuerySet[ConsentPurpose]:
    return ConsentPurpose.objects.select_related("recipient__agency").order_by("pk")


def consent_list_for_person(*, national_id: str) -> list[ConsentRow]:
    """The person's consents, newest first, each with what it was for and whether it is
    still in force."""
    purposes = {(p.recipient_id, p.code): p for p in consent_purpose_list()}
    now = timezone.now()
    consents = Consent.objects.filter(subject=subject_reference(national_id=national_id))
    return [
        ConsentRow(
            consent=consent,
            purpose=purposes.get((consent.recipient_id, consent.purpose)),
            live=consent.revoked_at is None and consent.expires_at > now,
        )
        for consent in consents.select_related("recipient__agency").order_by("-granted_at")
    ]


@dataclass(frozen=True)
class ExchangeOverview:
    member: Member | None
    services: Sequence[DataService]  # what the agency's registries offer, with live_rights
    subsystems: Sequence[Subsystem]  # its own systems, with the live_rights they hold
    clients: list[Subsystem]  # every system a right could be granted to
    calls_made: list[dict[str, Any]]  # by service and outcome, last 30 days
    calls_served: list[dict[str, Any]]


def exchange_overview_for_agency(*, agency: Agency) -> ExchangeOverview:
    """The agency's place in the exchange: what it provides and to whom, what its systems
    may fetch, and the calls of the last 30 days by outcome and reason."""
    member = Member.objects.filter(agency=agency).first()
    if member is None:
        return ExchangeOverview(None, [], [], [], [], [])
    live = AccessRight.objects.filter(revoked_at=None).select_related(
        "client__member__agency", "service__provider__member__agency"
    )
    services = list(
        DataService.objects.filter(provider__member=member)
        .prefetch_related(Prefetch("rights", queryset=live, to_attr="live_rights"))
        .order_by("code")
    )
    subsystems = list(
        member.subsystems.prefetch_related(
            Prefetch("rights", queryset=live, to_attr="live_rights")
        ).order_by("code")
    )
    since = timezone.now() - dt.timedelta(days=30)
    counts = ("service__code", "outcome", "reason")
    made = (
        Call.objects.filter(client__member=member, at__gte=since)
        .values(*counts)
        .annotate(calls=Count("pk"))
        .order_by(*counts)
    )
    served = (
        Call.objects.filter(service__provider__member=member, at__gte=since)
        .values(*counts)
        .annotate(calls=Count("pk"))
        .order_by(*counts)
    )
    clients = list(
        Subsystem.objects.select_related("member__agency").order_by(
            "member__instance", "member__member_class", "member__member_code", "code"
        )
    )
    return ExchangeOverview(member, services, subsystems, clients, list(made), list(served))


def data_service_get_for_agency(*, agency: Agency, pk: str) -> DataService:
    """One of the agency's own data services (NotFoundError for anyone else's)."""
    service = (
        DataService.objects.filter(pk=pk, provider__member__agency=agency).first()
        if pk.isdigit()
        else None
    )
    if service is None:
        raise NotFoundError(_("Your agency provides no such data service."))
    return service


def access_right_get_for_agency(*, agency: Agency, pk: str) -> AccessRight:
    """A live right to one of the agency's data services (NotFoundError otherwise)."""
    right = (
        AccessRight.objects.filter(
            pk=pk, service__provider__member__agency=agency, revoked_at=None
        ).first()
        if pk.isdigit()
        else None
    )
    if right is None:
        raise NotFoundError(_("There is no such access right."))
    return right


def applications_client_for_agency(*, agency_id: int) -> Subsystem | None:
    """The agency's system that fetches evidence for the applications it receives."""
    return (
        Subsystem.objects.select_related("member__agency")
        .filter(member__agency_id=agency_id, code=APPLICATIONS_SUBSYSTEM)
        .first()
    )


@dataclass(frozen=True)
class EvidenceSource:
    """A data service an official may fetch about a case's applicant: through which of
    their agency's systems' rights, and for which purpose."""

    right: AccessRight
    purpose: str

    @property
    def value(self) -> str:
        return f"{self.right.pk}:{self.purpose}"


def evidence_sources_for_agency(*, agency: Agency) -> list[EvidenceSource]:
    """What the agency's officials may fetch about an applicant: each live right of its
    own systems (not the one that fills in applications) to a data service about a
    person, with each purpose the service allows but the person's own application."""
    rights = (
        AccessRight.objects.filter(client__member__agency=agency, revoked_at=None)
        .exclude(client__code=APPLICATIONS_SUBSYSTEM)
        .select_related("client", "service__provider__member__agency")
        .order_by("service__code", "client__code")
    )
    return [
        EvidenceSource(right=right, purpose=purpose)
        for right in rights
        if right.service.code in PERSON_SERVICES or right.service.code not in SERVICE_SCHEMAS
        for purpose in right.service.purposes
        if purpose != OWN_APPLICATION
    ]


def case_evidence_list(*, case: Case) -> QuerySet[CaseEvidence]:
    """What officials fetched for the case, newest first (the caller checked the agency)."""
    return (
        CaseEvidence.objects.filter(case=case)
        .select_related("call__service__provider__member__agency", "call__client", "requested_by")
        .order_by("-call__at", "-pk")
    )


def access_right_get_for_client_agency(*, agency: Agency, pk: str) -> AccessRight:
    """A live right one of the agency's own systems holds (NotFoundError otherwise)."""
    right = (
        AccessRight.objects.filter(pk=pk, client__member__agency=agency, revoked_at=None)
        .select_related("client__member", "service__provider__member__agency")
        .first()
        if pk.isdigit()
        else None
    )
    if right is None:
        raise NotFoundError(_("Your agency has no such access to a registry."))
    return right


def data_rows(data: dict[str, Any] | None) -> list[tuple[str, str]]:
    """A registry's answer as (field, text) rows for a page: a list reads one item a
    line, each as its fields."""
    rows = []
    for key, value in (data or {}).items():
        if isinstance(value, list):
            text = "\n".join(
                ", ".join(f"{k}: {v}" for k, v in item.items())
                if isinstance(item, dict)
                else str(item)
                for item in value
            )
        elif isinstance(value, bool):
            text = str(_("Yes") if value else _("No"))
        else:
            text = "" if value is None else str(value)
        rows.append((key, text))
    return rows
