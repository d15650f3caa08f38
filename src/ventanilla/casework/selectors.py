"""Reads of cases. Residents see their own cases' public events; officials their agency's."""

from __future__ import annotations

from django.db.models import QuerySet

from ventanilla.casework.models import Case, CaseEvent


def case_list_by_references(*, references: list[str]) -> dict[str, Case]:
    """The cases of these references, by reference (one query)."""
    return {case.reference: case for case in Case.objects.filter(reference__in=references)}


def case_events_for_applicant(*, case: Case) -> QuerySet[CaseEvent]:
    """What the resident may see of their case's history: everything but officials' notes."""
    return case.events.filter(private=False).order_by("at", "id")
