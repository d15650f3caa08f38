"""Reads of insights."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.applications.models import Application
from ventanilla.catalogue.models import PublicService, ServiceDefinition
from ventanilla.core.errors import NotFoundError
from ventanilla.core.i18n import localized
from ventanilla.identity.models import Agency
from ventanilla.insights.enums import MaturityStage
from ventanilla.insights.impact import Impact, impact
from ventanilla.insights.kpis import (
    FactTotals,
    KpiReport,
    ServiceChannel,
    kpi_report,
    totals_sum,
)
from ventanilla.insights.maturity import maturity_stage
from ventanilla.insights.models import (
    COUNTERS,
    DecisionTime,
    Fact,
    GovernmentMonthDecisionTime,
    MonthDecisionTime,
    MonthFact,
    OfflineCount,
    SatisfactionResponse,
)
from ventanilla.insights.performance import PerformanceSpec, performance_spec


def satisfaction_for_application(*, application: Application) -> SatisfactionResponse | None:
    """The applicant's answer about ``application``, if they gave one. The caller has
    checked that the person asking may see the application."""
    return SatisfactionResponse.objects.filter(application=application).first()


def _whole_months(since: dt.date, until: dt.date) -> bool:
    """Whether the period is whole months as far as facts go: from a first day, to the
    end of a month or to today (no later day has facts yet)."""
    return since.day == 1 and (
        (until + dt.timedelta(days=1)).day == 1 or until >= timezone.localdate()
    )


def _rows(
    daily: type[Fact] | type[DecisionTime],
    monthly: type[MonthFact] | type[MonthDecisionTime],
    *,
    since: dt.date,
    until: dt.date,
    service: PublicService | None,
    agency: Agency | None,
    channel: str | None = None,
) -> tuple[QuerySet[Any], str]:
    """The fact rows of the period and the name of their date field: the month rows when
    the period is whole months (far fewer), else the daily ones."""
    rows: QuerySet[Any]
    if _whole_months(since, until):
        rows = monthly.objects.filter(month__gte=since, month__lte=until)
        field = "month"
    else:
        rows = daily.objects.filter(day__gte=since, day__lte=until)
        field = "day"
    if service is not None:
        rows = rows.filter(service=service)
    if agency is not None:
        rows = rows.filter(agency=agency)
    if channel is not None:
        rows = rows.filter(channel=channel)
    return rows, field


def _grouped_totals(
    *,
    group: str,
    since: dt.date,
    until: dt.date,
    service: PublicService | None,
    agency: Agency | None,
    channel: str | None = None,
) -> dict[Any, FactTotals]:
    """Summed facts per ``group`` ("month": the first day of each month, "service": the
    service id, or "all": one group, key None): three aggregate queries over the facts,
    however many transactions they stand for."""
    scope: dict[str, Any] = {"service": service, "agency": agency, "channel": channel}
    facts, field = _rows(Fact, MonthFact, since=since, until=until, **scope)
    times, _field = _rows(DecisionTime, MonthDecisionTime, since=since, until=until, **scope)
    if field == "month" and group != "service" and not any(scope.values()):
        times = GovernmentMonthDecisionTime.objects.filter(month__gte=since, month__lte=until)
    if group == "month":
        month = F("month") if field == "month" else TruncMonth("day")
        facts, times = facts.annotate(g=month), times.annotate(g=month)
    elif group == "service":
        facts, times = facts.annotate(g=F("service_id")), times.annotate(g=F("service_id"))
    else:
        facts, times = facts.annotate(g=Value(None)), times.annotate(g=Value(None))
    keys = ("g",) if group in ("month", "service") else ()
    sums = (
        facts.values(*keys).annotate(
            payments_amount_sum=Sum("payments_amount"), **{name: Sum(name) for name in COUNTERS}
        )
        if keys
        else [
            facts.aggregate(
                payments_amount_sum=Sum("payments_amount"), **{name: Sum(name) for name in COUNTERS}
            )
        ]
    )
    per_service = (
        facts.values(*keys, "service_id", "channel")
        .annotate(n=Sum("submitted"), fetched=Sum("evidence_fetched"))
        .order_by(*keys, "service_id", "channel")
    )
    days = (
        times.values(*keys, "working_days")
        .annotate(n=Sum("decisions"))
        .order_by(*keys, "working_days")
    )
    channels: dict[Any, list[ServiceChannel]] = {}
    for row in per_service:
        channels.setdefault(row.get("g"), []).append(
            ServiceChannel(row["service_id"], row["channel"], row["n"], row["fetched"])
        )
    histograms: dict[Any, dict[int, int]] = {}
    for row in days:
        histograms.setdefault(row.get("g"), {})[row["working_days"]] = row["n"]
    return {
        row.get("g"): FactTotals(
            counters={name: int(row[name] or 0) for name in COUNTERS},
            payments_amount=row["payments_amount_sum"] or Decimal(0),
            by_service_channel=tuple(channels.get(row.get("g"), ())),
            decision_days=histograms.get(row.get("g"), {}),
        )
        for row in sums
    }


def fact_totals(
    *,
    since: dt.date,
    until: dt.date,
    service: PublicService | None = None,
    agency: Agency | None = None,
) -> FactTotals:
    """The facts of ``service``, ``agency`` or (neither) the whole government from
    ``since`` to ``until`` (both included), summed."""
    return _grouped_totals(group="all", since=since, until=until, service=service, agency=agency)[
        None
    ]


# Loaded definitions by their file's SHA-256: a version's definition never changes once
# loaded, so each process parses it once, not on every performance page.
_DEFINITIONS: dict[str, tuple[dict[str, Any], PerformanceSpec]] = {}
_DEFINITIONS_KEPT = 1024


def _current_definitions(
    *conditions: Q, **filters: Any
) -> dict[int, tuple[dict[str, Any], PerformanceSpec]]:
    """The current definition of each service matching ``filters``, with its performance
    figures: one small query, and a second for definitions this process has not read."""
    current = list(
        ServiceDefinition.objects.filter(
            *conditions, version=F("service__version"), **filters
        ).values_list("service_id", "sha256")
    )
    missing = {sha256 for _service_id, sha256 in current if sha256 not in _DEFINITIONS}
    if missing:
        if len(_DEFINITIONS) + len(missing) > _DEFINITIONS_KEPT:
            _DEFINITIONS.clear()
        for sha256, data in ServiceDefinition.objects.filter(sha256__in=missing).values_list(
            "sha256", "definition"
        ):
            _DEFINITIONS[sha256] = (data, performance_spec(data))
    return {
        service_id: _DEFINITIONS[sha256] for service_id, sha256 in current if sha256 in _DEFINITIONS
    }


def performance_specs(*, service_ids: Iterable[int]) -> dict[int, PerformanceSpec]:
    """Each service's performance figures, from its current definition."""
    definitions = _current_definitions(service_id__in=list(service_ids))
    return {service_id: spec for service_id, (_data, spec) in definitions.items()}


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


def _report(
    totals: FactTotals, names: dict[int, str], specs: dict[int, PerformanceSpec]
) -> KpiReport:
    return kpi_report(
        totals,
        specs=specs,
        names=names,
        targets=settings.VENTANILLA_INSIGHTS_TARGETS,
        min_published=settings.VENTANILLA_INSIGHTS_MIN_PUBLISHED,
    )


def months_between(*, since: dt.date, until: dt.date) -> list[dt.date]:
    """The first day of each month from ``since`` to ``until``."""
    months = []
    month = since.replace(day=1)
    while month <= until:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _totals_by_month(
    *,
    since: dt.date,
    until: dt.date,
    service: PublicService | None,
    agency: Agency | None,
    channel: str | None = None,
) -> dict[dt.date, FactTotals]:
    grouped = _grouped_totals(
        group="month", since=since, until=until, service=service, agency=agency, channel=channel
    )
    return {
        (key if isinstance(key, dt.date) else dt.date.fromisoformat(str(key)[:10])): totals
        for key, totals in grouped.items()
    }


def kpi_reports_by_month(
    *,
    since: dt.date,
    until: dt.date,
    service: PublicService | None = None,
    agency: Agency | None = None,
) -> list[tuple[dt.date, KpiReport]]:
    """The KPIs of each month from ``since`` to ``until``, months without facts included
    (with nothing in them), oldest first. Each month is judged publishable on its own."""
    by_month = _totals_by_month(since=since, until=until, service=service, agency=agency)
    service_ids = {row.service_id for t in by_month.values() for row in t.by_service_channel}
    names, specs = _names(service_ids), performance_specs(service_ids=service_ids)
    return [
        (month, _report(by_month.get(month, FactTotals(counters={})), names, specs))
        for month in months_between(since=since, until=until)
    ]


def kpi_reports_by_service(
    *, since: dt.date, until: dt.date, agency: Agency | None = None
) -> list[tuple[PublicService, KpiReport]]:
    """The KPIs of each service with facts in the period (of ``agency``, or all), by name."""
    grouped = _grouped_totals(
        group="service", since=since, until=until, service=None, agency=agency
    )
    services = list(
        PublicService.objects.filter(pk__in=list(grouped)).select_related("competent_agency")
    )
    names = {s.pk: s.local_name for s in services}
    specs = performance_specs(service_ids=names)
    reports = [(s, _report(grouped[s.pk], names, specs)) for s in services]
    return sorted(reports, key=lambda item: item[0].local_name)


MONTHS_SHOWN = 12


def performance_period(*, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """What the performance pages and API show: the last twelve months, this one to date
    included."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    for _month in range(MONTHS_SHOWN - 1):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month, today


def _maturity(
    services: Iterable[PublicService],
    definitions: dict[int, tuple[dict[str, Any], PerformanceSpec]],
    by_service: dict[Any, FactTotals],
) -> list[tuple[PublicService, MaturityStage]]:
    stages = [
        (
            s,
            maturity_stage(
                definition=definitions[s.pk][0] if s.pk in definitions else {},
                totals=by_service.get(s.pk),
            ),
        )
        for s in services
    ]
    return sorted(stages, key=lambda item: item[0].local_name)


def _maturity_counts(
    stages: list[tuple[PublicService, MaturityStage]],
) -> list[tuple[MaturityStage, int]]:
    found = [stage for _service, stage in stages]
    return [(stage, found.count(stage)) for stage in MaturityStage]


def maturity_by_service(
    *, since: dt.date, until: dt.date
) -> list[tuple[PublicService, MaturityStage]]:
    """Every active service's maturity stage over the period, by name."""
    grouped = _grouped_totals(group="service", since=since, until=until, service=None, agency=None)
    return _maturity(
        PublicService.objects.filter(is_active=True),
        _current_definitions(service__is_active=True),
        grouped,
    )


def maturity_counts(*, since: dt.date, until: dt.date) -> list[tuple[MaturityStage, int]]:
    """How many services are at each stage, every stage listed."""
    return _maturity_counts(maturity_by_service(since=since, until=until))


@dataclass(frozen=True)
class Performance:
    """What a performance page shows of one scope (a service, an agency or the whole
    government, through one channel or all) over a period."""

    since: dt.date
    until: dt.date
    report: KpiReport
    impact: Impact
    months: list[tuple[dt.date, KpiReport]]
    services: list[tuple[PublicService, KpiReport]]  # with ``by_service`` only
    maturity: list[tuple[MaturityStage, int]]  # with ``maturity`` only


def performance_for(
    *,
    since: dt.date,
    until: dt.date,
    service: PublicService | None = None,
    agency: Agency | None = None,
    channel: str | None = None,
    by_service: bool = False,
    maturity: bool = False,
) -> Performance:
    """The KPIs of the whole period and of each of its months, its impact and, if asked,
    each service's KPIs and how many services are at each maturity stage.

    The period's sums are those of its months added up, and each service's are summed
    once for both its KPIs and its stage, so a page costs two groupings of the facts (six
    aggregate queries) and the services' names and figures once, whatever it shows.
    """
    scope: dict[str, Any] = {"service": service, "agency": agency, "channel": channel}
    by_month = _totals_by_month(since=since, until=until, **scope)
    total = totals_sum(by_month.values())
    grouped = (
        _grouped_totals(group="service", since=since, until=until, **scope)
        if by_service or maturity
        else {}
    )
    service_ids = {row.service_id for row in total.by_service_channel} | set(grouped)
    services = PublicService.objects.select_related("competent_agency")
    if maturity:
        services = services.filter(Q(pk__in=service_ids) | Q(is_active=True))
        definitions = _current_definitions(
            Q(service_id__in=service_ids) | Q(service__is_active=True)
        )
    else:
        services = services.filter(pk__in=service_ids)
        definitions = _current_definitions(service_id__in=service_ids)
    found = {s.pk: s for s in services}
    names = {pk: s.local_name for pk, s in found.items()}
    specs = {pk: spec for pk, (_data, spec) in definitions.items()}
    return Performance(
        since=since,
        until=until,
        report=_report(total, names, specs),
        impact=impact(total, specs=specs, names=names),
        months=[
            (month, _report(by_month.get(month, FactTotals(counters={})), names, specs))
            for month in months_between(since=since, until=until)
        ],
        services=sorted(
            ((found[pk], _report(totals, names, specs)) for pk, totals in grouped.items()),
            key=lambda item: item[0].local_name,
        )
        if by_service
        else [],
        maturity=_maturity_counts(
            _maturity(
                [s for s in found.values() if s.is_active],
                definitions,
                grouped,
            )
        )
        if maturity
        else [],
    )


def performance_service_get(*, agency: Agency, slug: str) -> PublicService:
    """One of ``agency``'s services (retired ones too: their history stays), for its
    officials' performance pages; another agency's is ``NotFoundError``, as if it did not
    exist."""
    try:
        return PublicService.objects.select_related("competent_agency").get(
            slug=slug, competent_agency=agency
        )
    except PublicService.DoesNotExist:
        raise NotFoundError(
            _("%(agency)s has no service '%(slug)s'.") % {"agency": agency.local_name, "slug": slug}
        ) from None


def offline_counts_recent(*, agency: Agency, limit: int = 20) -> list[OfflineCount]:
    """The counts last recorded for ``agency``'s services, latest day first."""
    return list(
        OfflineCount.objects.filter(service__competent_agency=agency)
        .select_related("service", "recorded_by")
        .order_by("-day", "service__slug", "channel")[:limit]
    )
