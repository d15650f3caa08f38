"""Every read of the mediator a page or the API needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.core.errors import NotFoundError
from ventanilla.exchange.models import (
    AccessRight,
    Call,
    Consent,
    ConsentPurpose,
    DataService,
    Member,
    Subsystem,
)
from ventanilla.identity.models import Agency
from ventanilla.ledger.pseudonyms import subject_reference


def call_list_for_person(*, national_id: str) -> QuerySet[Call]:
    """Every look-up of the person's data, newest first: the data tracker."""
    return (
        Call.objects.filter(subject=subject_reference(national_id=national_id))
        .select_related("client__member__agency", "service__provider__member__agency")
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
