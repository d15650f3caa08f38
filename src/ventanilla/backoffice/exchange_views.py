"""The back office's pages on the data exchange beyond one agency's services: the whole
exchange for the central digital office, and an agency's own systems for its officials
(its administrators add, switch off and switch on systems)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ventanilla.backoffice.views import _agency, _official, official_required
from ventanilla.casework.selectors import official_roles
from ventanilla.core.errors import NotFoundError, ValidationError
from ventanilla.core.i18n import language_codes
from ventanilla.exchange import selectors as exchange_selectors
from ventanilla.exchange.services import (
    subsystem_create,
    subsystem_deactivate,
    subsystem_reactivate,
)
from ventanilla.identity.enums import Role
from ventanilla.identity.permissions import official_is_central_office

DEFAULT_DAYS = 30


@require_GET
@official_required
def exchange_government(request: HttpRequest) -> HttpResponse:
    """Every member, system, data service and live right, and the calls of the last 7 or
    30 days: for the central digital office only."""
    if not official_is_central_office(user=_official(request)):
        raise PermissionDenied(_("Only the central digital office sees the whole data exchange."))
    wanted = request.GET.get("days", "")
    days = int(wanted) if wanted in {str(days) for days in exchange_selectors.PERIODS} else 0
    overview = exchange_selectors.exchange_overview_for_government(days=days or DEFAULT_DAYS)
    return render(
        request,
        "backoffice/exchange_government.html",
        {"overview": overview, "periods": exchange_selectors.PERIODS},
    )


@require_http_methods(["GET", "POST"])
@official_required
def exchange_systems(request: HttpRequest, slug: str) -> HttpResponse:
    """The agency's systems in the exchange and the data each may fetch; its
    administrators add systems and switch them off or on."""
    agency = _agency(request, slug)
    official = _official(request)
    is_admin = Role.AGENCY_ADMIN in official_roles(official=official, agency=agency)
    overview = exchange_selectors.subsystem_list_for_agency(agency=agency)
    names = [
        (
            f"name_{code}",
            _("Name in %(language)s") % {"language": get_language_info(code)["name_translated"]},
            code == settings.LANGUAGE_CODE,
        )
        for code in language_codes()
    ]
    form = {"code": "", **{field: "" for field, _label, _required in names}}
    error: ValidationError | None = None
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied(_("Only the agency's administrators manage its systems."))
        if overview.member is None:
            raise Http404(_("This agency does not take part in the data exchange yet."))
        try:
            if "deactivate" in request.POST:
                subsystem = exchange_selectors.subsystem_get_for_agency(
                    agency=agency, pk=request.POST["deactivate"]
                )
                subsystem_deactivate(subsystem=subsystem, actor=official)
                done = _("%(code)s is switched off: the mediator refuses its calls.")
            elif "reactivate" in request.POST:
                subsystem = exchange_selectors.subsystem_get_for_agency(
                    agency=agency, pk=request.POST["reactivate"]
                )
                subsystem_reactivate(subsystem=subsystem, actor=official)
                done = _("%(code)s is switched on again.")
            else:
                form = {field: request.POST.get(field, "") for field in form}
                subsystem = subsystem_create(
                    member=overview.member,
                    code=form["code"],
                    name={code: form[f"name_{code}"] for code in language_codes()},
                    actor=official,
                )
                done = _(
                    "%(code)s is added. The agencies that provide data can now give it access."
                )
            messages.success(request, done % {"code": subsystem.code})
            return redirect("backoffice:exchange-systems", agency.slug)
        except NotFoundError as exc:
            raise Http404(exc.message) from None
        except ValidationError as exc:
            error = exc
    return render(
        request,
        "backoffice/exchange_systems.html",
        {
            "agency": agency,
            "overview": overview,
            "is_admin": is_admin,
            "error": error,
            "form": form,
            "names": [(field, label, form[field], required) for field, label, required in names],
        },
        status=400 if error else 200,
    )
