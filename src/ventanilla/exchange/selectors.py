"""Every read of the mediator a page or the API needs."""

from __future__ import annotations

from django.db.models import QuerySet

from ventanilla.exchange.models import Call
from ventanilla.ledger.pseudonyms import subject_reference


def call_list_for_person(*, national_id: str) -> QuerySet[Call]:
    """Every look-up of the person's data, newest first: the data tracker."""
    return (
        Call.objects.filter(subject=subject_reference(national_id=national_id))
        .select_related("client__member__agency", "service__provider__member__agency")
        .order_by("-at", "-pk")
    )
