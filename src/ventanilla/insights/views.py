"""Insights pages. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import csv
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ventanilla.applications.selectors import application_get_for_applicant, application_summary
from ventanilla.catalogue.enums import Channel
from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.selectors import service_get_brief
from ventanilla.core.errors import NotFoundError, SatisfactionRefusedError, ValidationError
from ventanilla.identity.models import User
from ventanilla.insights.forms import SatisfactionForm
from ventanilla.insights.kpis import KPI_LABELS
from ventanilla.insights.pages import CHART_TITLES, month_charts
from ventanilla.insights.selectors import (
    kpi_reports_by_month,
    performance_for,
    performance_period,
    satisfaction_for_application,
)
from ventanilla.insights.services import satisfaction_answer


@login_required
@require_http_methods(["GET", "POST"])
def satisfaction(request: HttpRequest, public_id: str) -> HttpResponse:
    """The one question after a decision, and an optional comment; once answered, thanks."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required ran first
    try:
        application = application_get_for_applicant(applicant=user, public_id=public_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    answered = satisfaction_for_application(application=application)
    decided = application_summary(application=application).is_closed
    form = SatisfactionForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and answered is None and decided and form.is_valid():
        try:
            satisfaction_answer(
                application=application,
                applicant=user,
                answer=form.cleaned_data["answer"],
                comment=form.cleaned_data["comment"],
            )
        except SatisfactionRefusedError as exc:
            error = exc.message
        except ValidationError as exc:
            form.add_error(exc.field or None, exc.message)
        else:
            return redirect("insights:satisfaction", application.public_id)
    invalid = bool(error or (form.is_bound and form.errors))
    return render(
        request,
        "insights/satisfaction.html",
        {
            "application": application,
            "answered": answered,
            "decided": decided,
            "form": form,
            "error": error,
        },
        status=400 if invalid else 200,
    )


def _context(
    service: PublicService | None, *, currency: str, government: bool = False
) -> dict[str, Any]:
    """What both performance pages show: only what has enough transactions to publish."""
    since, until = performance_period()
    found = performance_for(
        since=since, until=until, service=service, by_service=government, maturity=government
    )
    return {
        "since": since,
        "until": until,
        "report": found.report,
        "minimum": settings.VENTANILLA_INSIGHTS_MIN_PUBLISHED,
        "kpis": [(label, found.report.kpis[key]) for key, label in KPI_LABELS.items()],
        "channels": [(Channel(share.channel).label, share) for share in found.report.channels],
        "impact": found.impact,
        "services": found.services,
        "maturity": found.maturity,
        "charts": month_charts(
            found.months,
            keys=("digital_take_up",) if government else tuple(CHART_TITLES),
            currency=currency,
        ),
    }


@require_GET
def performance(request: HttpRequest) -> HttpResponse:
    """Every service's performance, government-wide."""
    currency = (
        PublicService.objects.values_list("cost_currency", flat=True).order_by("slug").first() or ""
    )
    context = _context(None, currency=currency, government=True)
    context["currency"] = currency
    return render(request, "insights/performance.html", context)


def _service(slug: str) -> PublicService:
    try:
        return service_get_brief(slug=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from None


@require_GET
def service_performance(request: HttpRequest, slug: str) -> HttpResponse:
    service = _service(slug)
    context = _context(service, currency=service.cost_currency)
    context["service"] = service
    context["currency"] = service.cost_currency
    return render(request, "insights/service_performance.html", context)


CSV_KPIS = tuple(KPI_LABELS)


def _csv(service: PublicService | None, filename: str) -> HttpResponse:
    """Month by month; a month with too few transactions to publish has no numbers."""
    since, until = performance_period()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["month", "transactions", *CSV_KPIS, "note"])
    for month, report in kpi_reports_by_month(since=since, until=until, service=service):
        if not report.publishable:
            writer.writerow(
                [month.strftime("%Y-%m"), "", *["" for _key in CSV_KPIS], _("too few to publish")]
            )
            continue
        values = [report.kpis[key].value for key in CSV_KPIS]
        writer.writerow(
            [
                month.strftime("%Y-%m"),
                report.transactions,
                *["" if v is None else v for v in values],
                "",
            ]
        )
    return response


@require_GET
def performance_csv(request: HttpRequest) -> HttpResponse:
    return _csv(None, "performance.csv")


@require_GET
def service_performance_csv(request: HttpRequest, slug: str) -> HttpResponse:
    service = _service(slug)
    return _csv(service, f"performance-{service.slug}.csv")
