"""The ledger's pages: what it is and how to check it, one entry with its proof, and a
resident's own entries. Thin: each calls a selector and renders."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ventanilla.core.errors import NotFoundError
from ventanilla.identity.models import Agency
from ventanilla.ledger import selectors
from ventanilla.ledger.models import Entry
from ventanilla.ledger.records import record_types
from ventanilla.ledger.services import verifier_key

# How the body's fields read on an entry's page.
FIELD_LABELS = {
    "service": _("Service"),
    "actor": _("Who"),
    "action": _("Action"),
    "from": _("From step"),
    "to": _("To step"),
    "outcome": _("Outcome"),
    "reason_digest": _("Fingerprint of the reason"),
    "document_sha256": _("Fingerprint (SHA-256) of the document"),
}
ACTORS = {"applicant": _("The applicant"), "system": _("Ventanilla, automatically")}


@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ledger/transparency.html",
        {
            "checkpoint": selectors.checkpoint_latest(),
            "verifier_key": verifier_key(),
            "origin": settings.VENTANILLA_LEDGER_ORIGIN,
            "record_types": record_types(),
            "site_url": settings.VENTANILLA_PUBLIC_URL,
        },
    )


def _fields(record: dict[str, Any]) -> list[tuple[str, str]]:
    fields = []
    for key, value in record.get("body", {}).items():
        if key == "actor":
            value = ACTORS.get(value) or _("An official (pseudonym %(ref)s)") % {"ref": value}
        fields.append((str(FIELD_LABELS.get(key, key)), str(value)))
    return fields


@require_GET
def entry_detail(request: HttpRequest, index: int) -> HttpResponse:
    try:
        evidence = selectors.entry_evidence(leaf_index=index)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    record = evidence.record
    agency = Agency.objects.filter(slug=record.get("agency", "")).first()
    return render(
        request,
        "ledger/entry.html",
        {
            "evidence": evidence,
            "record": record,
            "meaning": record_types().get(record.get("type", ""), ""),
            "agency": agency.local_name if agency else record.get("agency", ""),
            "fields": _fields(record),
        },
    )


@login_required
@require_GET
def my_entries(request: HttpRequest) -> HttpResponse:
    national_id = getattr(request.user, "national_id", None)
    entries = (
        selectors.entry_list_for_person(national_id=national_id)
        if national_id
        else Entry.objects.none()
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    agencies = {a.slug: a.local_name for a in Agency.objects.all()}
    meanings = record_types()
    rows = [
        {"entry": e, "meaning": meanings.get(e.kind, e.kind), "agency": agencies.get(e.agency)}
        for e in page
    ]
    return render(request, "ledger/my_entries.html", {"page": page, "rows": rows})
