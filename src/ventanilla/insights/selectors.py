"""Reads of insights."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, QuerySet, Sum

from ventanilla.applications.models import Application
from ventanilla.catalogue.models import PublicService, ServiceDefinition
from ventanilla.core.i18n import localized
from ventanilla.identity.models import Agency
from ventanilla.insights.impact import Impact, impact
from ventanilla.insights.kpis import FactTotals, KpiReport, ServiceChannel, kpi_report
from ventanilla.insights.models import COUNTERS, DecisionTime, Fact, SatisfactionResponse
from ventanilla.insights.performance import PerformanceSpec, performance_spec


def satisfaction_for_application(*, application: Application) -> SatisfactionResponse | None:
    """The applicant's answer about ``application``, if they gave one. The caller has
    checked that the person asking may see the application."""
    return SatisfactionResponse.objects.filter(application=application).first()


def _facts(
    model: type[Fact] | type[DecisionTime],
    *,
    since: dt.date,
    until: dt.date,
    service: PublicService | None,
    agency: Agency | None,
) -> QuerySet[Any]:
    rows = model.objects.filter(day__gte=since, day__lte=until)
    if service is not None:
        rows = rows.filter(service=service)
    if agency is not None:
        rows = rows.filter(agency=agency)
    return rows


def fact_totals(
    *,
    since: dt.date,
    until: dt.date,
    service: PublicService | None = None,
    agency: Agency | None = None,
) -> FactTotals:
    """The facts of ``service``, ``agency`` or (neither) the whole government from
    ``since`` to ``until`` (both included), summed: three aggregate queries over the
    facts, however many transactions they stand for."""
    facts = _facts(Fact, since=since, until=until, service=service, agency=agency)
    sums = facts.aggregate(
        payments_amount_sum=Sum("payments_amount"), **{name: Sum(name) for name in COUNTERS}
    )
    per_service = (
        facts.values("service_id", "channel")
        .annotate(n=Sum("submitted"), fetched=Sum("evidence_fetched"))
        .order_by("service_id", "channel")
    )
    days = (
        _facts(DecisionTime, since=since, until=until, service=service, agency=agency)
        .values("working_days")
        .annotate(n=Sum("decisions"))
        .order_by("working_days")
    )
    return FactTotals(
        counters={name: int(sums[name] or 0) for name in COUNTERS},
        payments_amount=sums["payments_amount_sum"] or Decimal(0),
        by_service_channel=tuple(
            ServiceChannel(row["service_id"], row["channel"], row["n"], row["fetched"])
            for row in per_service
        ),
        decision_days={row["working_days"]: row["n"] for row in days},
    )


def performance_specs(*, service_ids: Iterable[int]) -> dict[int, PerformanceSpec]:
    """Each service's performance figures, from its current definition (one query)."""
    definitions = ServiceDefinition.objects.filter(
        service_id__in=list(service_ids), version=F("service__version")
    ).values_list("service_id", "definition")
    return {service_id: performance_spec(data) for service_id, data in definitions}


def _names(service_ids: Iterable[int]) -> dict[int, str]:
    services = PublicService.objects.filter(pk__in=list(service_ids)).values_list("pk", "name")
    return {pk: localized(name) for pk, name in services}


def kpi_report_for(
    *,
    since: dt.date,
    until: dt.date,
    service: PublicService | None = None,
    agency: Agency | None = None,
) -> KpiReport:
    """The KPIs of a service, an agency or the whole government over a period."""
    totals = fact_totals(since=since, until=until, service=service, agency=agency)
    service_ids = {row.service_id for row in totals.by_service_channel}
    return kpi_report(
        totals,
        specs=performance_specs(service_ids=service_ids),
        names=_names(service_ids),
        targets=settings.VENTANILLA_INSIGHTS_TARGETS,
        min_published=settings.VENTANILLA_INSIGHTS_MIN_PUBLISHED,
    )


def impact_for(
    *,
    since: dt.date,
    until: dt.date,
    service: PublicService | None = None,
    agency: Agency | None = None,
) -> Impact:
    """Hours and money saved for residents and agencies, and by once-only look-ups, in a
    service, an agency or the whole government over a period."""
    totals = fact_totals(since=since, until=until, service=service, agency=agency)
    service_ids = {row.service_id for row in totals.by_service_channel}
    return impact(
        totals, specs=performance_specs(service_ids=service_ids), names=_names(service_ids)
    )
