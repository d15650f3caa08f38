"""Every read of the mediator a page or the API needs."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from ventanilla.exchange.models import Call, Consent, ConsentPurpose
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
