"""The data tracker: every look-up of a resident's data, on a page and as a download."""

from __future__ import annotations

import csv
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ventanilla.core.errors import ExchangeError, NotFoundError, ValidationError
from ventanilla.core.i18n import localized
from ventanilla.exchange import providers
from ventanilla.exchange.enums import REASONS
from ventanilla.exchange.models import Call, Consent
from ventanilla.exchange.selectors import (
    call_list_for_person,
    consent_list_for_person,
    consent_purpose_list,
)
from ventanilla.exchange.services import consent_give, consent_revoke

# How long a consent may be given for, as the consents page offers it.
DURATIONS = [
    ("30", gettext_lazy("30 days")),
    ("90", gettext_lazy("90 days")),
    ("365", gettext_lazy("A year")),
]


def _calls(request: HttpRequest) -> Any:
    national_id = getattr(request.user, "national_id", None)
    return call_list_for_person(national_id=national_id) if national_id else Call.objects.none()


def _row(call: Call) -> dict[str, Any]:
    return {
        "at": call.at.isoformat(),
        "agency": call.client.member.slug,
        "system": str(call.client),
        "registry": call.service.provider.member.slug,
        "data_service": call.service.code,
        "purpose": call.purpose,
        "case": call.case_reference,
        "application": str(call.application or ""),
        "applied_for": call.applied_for.slug if call.applied_for else "",
        "outcome": call.outcome,
        "reason": call.reason,
        "ledger_index": call.ledger_index,
        "ledger_entry": reverse("ledger:entry", args=[call.ledger_index])
        if call.ledger_index is not None
        else "",
    }


@login_required
@require_GET
def tracker(request: HttpRequest) -> HttpResponse:
    page = Paginator(_calls(request), 50).get_page(request.GET.get("page"))
    rows = [
        {
            "call": call,
            "agency": call.client.member.local_name,
            "system": localized(call.client.name),
            "registry": call.service.provider.member.local_name,
            "service": localized(call.service.name),
            "reason": REASONS.get(call.reason, ""),
            "applied_for": call.applied_for.local_name if call.applied_for else "",
        }
        for call in page
    ]
    return render(request, "exchange/tracker.html", {"page": page, "rows": rows})


@login_required
@require_GET
def tracker_download(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = [_row(call) for call in _calls(request)]
    if fmt == "json":
        response = HttpResponse(
            json.dumps({"lookups": rows}, indent=2), content_type="application/json"
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        fields = [
            "at",
            "agency",
            "system",
            "registry",
            "data_service",
            "purpose",
            "case",
            "application",
            "applied_for",
            "outcome",
            "reason",
            "ledger_index",
            "ledger_entry",
        ]
        writer = csv.DictWriter(response, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    response["Content-Disposition"] = f'attachment; filename="my-data-lookups.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def bench_direct(request: HttpRequest, subject: str) -> HttpResponse:
    """bench/exchange.py's baseline: the population registry's answer straight from the
    provider, unmediated (VENTANILLA_BENCH_VIEWS only)."""
    try:
        data = providers.LOCAL["population/person"](subject)
    except ExchangeError as error:
        return HttpResponse(error.message, status=404, content_type="text/plain")
    return HttpResponse(json.dumps(data), content_type="application/json")


@login_required
@require_http_methods(["GET", "POST"])
def consents(request: HttpRequest) -> HttpResponse:
    """The person's consents: give one for a purpose a member offers, or take one back."""
    national_id = getattr(request.user, "national_id", None)
    if not national_id:
        raise Http404(_("Consents are for accounts linked to the population registry."))
    error: ValidationError | None = None
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                wanted = request.POST["revoke"]
                consent = Consent.objects.filter(pk=wanted).first() if wanted.isdigit() else None
                if consent is None:
                    raise Http404(_("There is no such consent."))
                consent_revoke(consent=consent, national_id=national_id)
                messages.success(request, _("Your consent is taken back: it no longer works."))
            else:
                consent_give(
                    national_id=national_id,
                    purpose_id=request.POST.get("purpose", ""),
                    days=request.POST.get("days", ""),
                )
                messages.success(request, _("Your consent is given."))
            return redirect("exchange:consents")
        except NotFoundError as exc:
            raise Http404(exc.message) from None
        except ValidationError as exc:
            error = exc
    purposes = [
        {"purpose": p, "name": localized(p.name), "recipient": p.recipient.local_name}
        for p in consent_purpose_list()
    ]
    rows = [
        {
            "row": row,
            "name": localized(row.purpose.name) if row.purpose else row.consent.purpose,
        }
        for row in consent_list_for_person(national_id=national_id)
    ]
    return render(
        request,
        "exchange/consents.html",
        {
            "purposes": purposes,
            "rows": rows,
            "error": error,
            "durations": DURATIONS,
            "chosen": request.POST.get("purpose", ""),
            "chosen_days": request.POST.get("days", ""),
        },
        status=400 if error else 200,
    )
