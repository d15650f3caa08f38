"""The officials' pages. Every view needs a signed-in official who uses TOTP."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ventanilla.catalogue.selectors import service_list
from ventanilla.core.errors import NotFoundError, PermissionDeniedError
from ventanilla.identity import selectors
from ventanilla.identity.permissions import is_official, official_has_mfa

View = Callable[..., HttpResponse]


def official_required(view: View) -> View:
    """Only officials; one without an authenticator app is sent to set one up first."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not is_official(user):  # type: ignore[arg-type]
            raise PermissionDenied(_("This page is for officials of an agency."))
        if not official_has_mfa(user):  # type: ignore[arg-type]
            messages.warning(
                request,
                _("Officials must use an authenticator app. Set it up to open the back office."),
            )
            return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@official_required
def home(request: HttpRequest) -> HttpResponse:
    agencies = selectors.agency_list_for_official(user=request.user)  # type: ignore[arg-type]
    return render(request, "backoffice/home.html", {"agencies": agencies})


@require_GET
@official_required
def agency_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        agency = selectors.agency_get_for_official(user=request.user, slug=slug)  # type: ignore[arg-type]
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from None
    return render(
        request,
        "backoffice/agency.html",
        {
            "agency": agency,
            "services": service_list(agency=agency),
            "memberships": selectors.membership_list_for_agency(agency=agency),
        },
    )
