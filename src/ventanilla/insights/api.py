"""Performance endpoints of /api/v1/: the same numbers as the public performance pages.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
A period with too few transactions to publish has no numbers here either.
"""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import P, PathEx, Router, Schema

from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.selectors import service_get_brief
from ventanilla.insights.kpis import KPI_LABELS, KpiReport
from ventanilla.insights.selectors import performance_for, performance_period

router = Router(tags=["performance"])


class KpiOut(Schema):
    key: str
    label: str
    value: Decimal | None
    unit: str
    reason: str
    target: Decimal | None
    meets_target: bool | None


class ChannelOut(Schema):
    channel: str
    transactions: int
    percent: Decimal


class MonthOut(Schema):
    month: str
    publishable: bool
    transactions: int | None
    kpis: list[KpiOut]


class ImpactOut(Schema):
    resident_hours_saved: Decimal
    resident_money_saved: Decimal
    visits_avoided: int
    documents_avoided: int
    agency_hours_saved: Decimal
    agency_money_saved: Decimal
    once_only_hours_saved: Decimal
    not_counted: list[str]


class PerformanceOut(Schema):
    service: str | None
    since: dt.date
    until: dt.date
    publishable: bool
    transactions: int | None
    kpis: list[KpiOut]
    channels: list[ChannelOut]
    impact: ImpactOut | None
    months: list[MonthOut]


class NotFoundOut(Schema):
    detail: str


def _kpis(report: KpiReport) -> list[KpiOut]:
    too_few = _("Too few transactions in this period to publish.")
    return [
        KpiOut(
            key=key,
            label=str(label),
            value=report.kpis[key].value if report.publishable else None,
            unit=report.kpis[key].unit,
            reason=report.kpis[key].reason if report.publishable else too_few,
            target=report.kpis[key].target,
            meets_target=report.kpis[key].meets_target if report.publishable else None,
        )
        for key, label in KPI_LABELS.items()
    ]


def _performance(service: PublicService | None) -> PerformanceOut:
    since, until = performance_period()
    found = performance_for(since=since, until=until, service=service)
    report, impact = found.report, found.impact
    published = report.publishable
    return PerformanceOut(
        service=service.slug if service else None,
        since=since,
        until=until,
        publishable=published,
        transactions=report.transactions if published else None,
        kpis=_kpis(report),
        channels=[
            ChannelOut(channel=s.channel, transactions=s.transactions, percent=s.percent)
            for s in report.channels
        ]
        if published
        else [],
        impact=ImpactOut(
            resident_hours_saved=impact.resident_hours_saved,
            resident_money_saved=impact.resident_money_saved,
            visits_avoided=impact.visits_avoided,
            documents_avoided=impact.documents_avoided,
            agency_hours_saved=impact.agency_hours_saved,
            agency_money_saved=impact.agency_money_saved,
            once_only_hours_saved=impact.once_only_hours_saved,
            not_counted=list(impact.not_counted),
        )
        if published
        else None,
        months=[
            MonthOut(
                month=f"{month:%Y-%m}",
                publishable=monthly.publishable,
                transactions=monthly.transactions if monthly.publishable else None,
                kpis=_kpis(monthly),
            )
            for month, monthly in found.months
        ],
    )


@router.get(
    "/performance",
    response=PerformanceOut,
    summary=gettext_noop("Read the government-wide performance"),
)
def performance_read(request: HttpRequest) -> PerformanceOut:
    return _performance(None)


@router.get(
    "/performance/{slug}",
    response={200: PerformanceOut, 404: NotFoundOut},
    summary=gettext_noop("Read the performance of a service"),
)
def service_performance_read(
    request: HttpRequest, slug: PathEx[str, P(description="The service's slug.")]
) -> PerformanceOut:
    return _performance(service_get_brief(slug=slug))
