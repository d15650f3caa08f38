"""The back office's performance pages: an agency's KPIs for its officials, per service,
with drill-down by month and channel, and the offline counts they record or import.

Unlike the public pages, small numbers are shown (officials need them), each marked as
below the publishing threshold.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ventanilla.backoffice.views import _agency, _official, official_required
from ventanilla.catalogue.enums import Channel
from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.selectors import service_list
from ventanilla.core.errors import NotFoundError, ValidationError
from ventanilla.identity.models import Agency
from ventanilla.insights.enums import OfflineChannel
from ventanilla.insights.forms import (
    OfflineCountForm,
    OfflineCountsImportForm,
    PerformanceFilterForm,
)
from ventanilla.insights.kpis import KPI_LABELS
from ventanilla.insights.pages import month_charts, month_label
from ventanilla.insights.selectors import (
    months_between,
    offline_counts_recent,
    performance_for,
    performance_period,
    performance_service_get,
)
from ventanilla.insights.services import offline_count_record, offline_counts_import


def _query(month: dt.date | None, channel: str | None) -> str:
    """The query string of a view of the numbers ("" for the default one)."""
    params = {"month": f"{month:%Y-%m}" if month else "", "channel": channel or ""}
    query = urlencode({k: v for k, v in params.items() if v})
    return f"?{query}" if query else ""


def _page(request: HttpRequest, agency: Agency, service: PublicService | None) -> HttpResponse:
    since, until = performance_period()
    months = months_between(since=since, until=until)
    form = PerformanceFilterForm(request.GET or None, months=months)
    month: dt.date | None = None
    channel: str | None = None
    if form.is_bound and form.is_valid():
        chosen_month = form.cleaned_data["month"]
        month = dt.date.fromisoformat(f"{chosen_month}-01") if chosen_month else None
        channel = form.cleaned_data["channel"] or None
    scope: dict[str, Any] = {"service": service, "agency": agency, "channel": channel}
    year = performance_for(since=since, until=until, by_service=service is None, **scope)
    chosen = year
    if month is not None:
        end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        chosen = performance_for(
            since=month, until=min(end, until), by_service=service is None, **scope
        )
    here = (
        reverse("backoffice:performance-service", args=[agency.slug, service.slug])
        if service
        else reverse("backoffice:performance", args=[agency.slug])
    )
    currency = (
        service.cost_currency
        if service
        else next((s.cost_currency for s in service_list(agency=agency)), "")
    )
    context = {
        "agency": agency,
        "service": service,
        "form": form,
        "month": month,
        "month_label": month_label(month) if month else "",
        "channel_label": Channel(channel).label if channel else "",
        "since": chosen.since,
        "until": chosen.until,
        "report": chosen.report,
        "impact": chosen.impact,
        "minimum": settings.VENTANILLA_INSIGHTS_MIN_PUBLISHED,
        "currency": currency,
        "kpis": [(label, chosen.report.kpis[key]) for key, label in KPI_LABELS.items()],
        "channels": [
            (Channel(share.channel).label, share, here + _query(month, share.channel))
            for share in chosen.report.channels
        ],
        "months": [
            (month_label(m), report, here + _query(m, channel))
            for m, report in reversed(year.months)
        ],
        "services": [
            (
                s,
                report,
                reverse("backoffice:performance-service", args=[agency.slug, s.slug])
                + _query(month, channel),
            )
            for s, report in chosen.services
        ],
        "charts": month_charts(year.months, public=False, currency=currency),
        "everything_url": here,
        "all_channels_url": here + _query(month, None),
        "all_months_url": here + _query(None, channel),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "insights/backoffice_performance.html", context, status=status)


@require_GET
@official_required
def performance(request: HttpRequest, slug: str) -> HttpResponse:
    """The agency's KPIs over the period chosen, per service, month and channel."""
    return _page(request, _agency(request, slug), None)


@require_GET
@official_required
def service_performance(request: HttpRequest, slug: str, service: str) -> HttpResponse:
    """One of the agency's services: its KPIs over the period chosen, by month and channel."""
    agency = _agency(request, slug)
    try:
        found = performance_service_get(agency=agency, slug=service)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    return _page(request, agency, found)


def _counts_page(
    request: HttpRequest,
    agency: Agency,
    form: OfflineCountForm,
    upload_form: OfflineCountsImportForm,
) -> HttpResponse:
    invalid = bool((form.is_bound and form.errors) or (upload_form.is_bound and upload_form.errors))
    return render(
        request,
        "insights/backoffice_offline_counts.html",
        {
            "agency": agency,
            "form": form,
            "upload_form": upload_form,
            "counts": offline_counts_recent(agency=agency),
        },
        status=400 if invalid else 200,
    )


@require_http_methods(["GET", "POST"])
@official_required
def offline_counts(request: HttpRequest, slug: str) -> HttpResponse:
    """Record one day's count of transactions of a service through a channel this site
    does not see (counter, phone, post); recording it again replaces it."""
    agency = _agency(request, slug)
    services = {s.slug: s for s in service_list(agency=agency)}
    form = OfflineCountForm(
        request.POST if request.method == "POST" else None, services=list(services.values())
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = offline_count_record(
                day=data["day"],
                service=services[data["service"]],
                channel=data["channel"],
                count=data["count"],
                actor=_official(request),
            )
        except ValidationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Recorded: %(count)s transactions of “%(service)s” (%(channel)s) on %(day)s.")
                % {
                    "count": row.count,
                    "service": services[data["service"]].local_name,
                    "channel": OfflineChannel(row.channel).label,
                    "day": formats.date_format(row.day, "DATE_FORMAT"),
                },
            )
            return redirect("backoffice:offline-counts", agency.slug)
    return _counts_page(request, agency, form, OfflineCountsImportForm())


@require_POST
@official_required
def offline_counts_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Import a CSV file of counts: all its rows, or none of them."""
    agency = _agency(request, slug)
    upload_form = OfflineCountsImportForm(request.POST, request.FILES)
    if upload_form.is_valid():
        try:
            recorded = offline_counts_import(
                file=io.StringIO(upload_form.cleaned_data["upload"], newline=""),
                actor=_official(request),
                agency=agency,
            )
        except ValidationError as exc:
            upload_form.add_error("upload", exc.message)
        else:
            messages.success(
                request,
                _("Imported %(count)s counts; their days are counted again.") % {"count": recorded},
            )
            return redirect("backoffice:offline-counts", agency.slug)
    form = OfflineCountForm(services=list(service_list(agency=agency)))
    return _counts_page(request, agency, form, upload_form)
