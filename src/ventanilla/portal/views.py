"""The resident-facing pages. Thin: parse, call a selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ventanilla.api.reference import api_operations
from ventanilla.applications.bundles import bundle_services
from ventanilla.applications.selectors import application_list_for_applicant
from ventanilla.catalogue import selectors
from ventanilla.catalogue.enums import EventKind
from ventanilla.core.errors import NotFoundError, ValidationError
from ventanilla.identity.models import User
from ventanilla.identity.selectors import api_token_list_for_user
from ventanilla.identity.services import api_token_create, api_token_revoke
from ventanilla.notifications.selectors import (
    notification_get_for_user,
    notification_list_for_user,
)
from ventanilla.notifications.services import notification_mark_read
from ventanilla.portal.page_cache import public_page
from ventanilla.registries.selectors import person_for_user

MAX_QUERY_LENGTH = 200


@require_GET
@public_page
def home(request: HttpRequest) -> HttpResponse:
    events = list(selectors.event_list())
    return render(
        request,
        "portal/home.html",
        {
            "life_events": [event for event in events if event.kind == EventKind.LIFE],
            "business_events": [event for event in events if event.kind == EventKind.BUSINESS],
        },
    )


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    error = ""
    results = []
    if not query:
        error = "empty"
    elif len(query) > MAX_QUERY_LENGTH:
        error = "too_long"
    else:
        results = selectors.service_search(query=query, language=get_language()[:2])
    return render(
        request,
        "portal/search.html",
        {"query": query, "results": results, "error": error, "max_length": MAX_QUERY_LENGTH},
        status=400 if error == "too_long" else 200,
    )


@require_GET
@public_page
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        event = selectors.event_get(slug=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    return render(
        request,
        "portal/event.html",
        {
            "event": event,
            "groups": selectors.event_services_by_agency(event=event),
            "together": bundle_services(event=event),
        },
    )


@require_GET
@public_page
def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        service = selectors.service_get(slug=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    return render(request, "portal/service.html", {"service": service})


@require_GET
@public_page
def agency_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/agencies.html", {"agencies": selectors.agency_list()})


@require_GET
@public_page
def agency_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        agency = selectors.agency_get(slug=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    return render(
        request,
        "portal/agency.html",
        {"agency": agency, "services": selectors.service_list(agency=agency)},
    )


@require_GET
def developers(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/developers.html", {"operations": api_operations()})


@login_required
@require_GET
def my_ventanilla(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/my.html",
        {
            "person": person_for_user(user=request.user),  # type: ignore[arg-type]
            "applications": application_list_for_applicant(applicant=request.user),  # type: ignore[arg-type]
            "inbox": notification_list_for_user(user=request.user)[:5],  # type: ignore[arg-type]
        },
    )


@login_required
@require_GET
def messages_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(notification_list_for_user(user=request.user), 20)  # type: ignore[arg-type]
    return render(
        request, "portal/messages.html", {"page": paginator.get_page(request.GET.get("page"))}
    )


@login_required
@require_GET
def message_detail(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        notification = notification_get_for_user(
            user=request.user,  # type: ignore[arg-type]
            notification_id=notification_id,
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    notification_mark_read(notification=notification)
    return render(request, "portal/message.html", {"notification": notification})


@login_required
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest) -> HttpResponse:
    """Make, list and revoke personal API keys. A new key is shown once, on this page."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required ran first
    error, new_key = "", ""
    if request.method == "POST":
        if "revoke" in request.POST:
            token = api_token_list_for_user(user=user).filter(pk=request.POST["revoke"]).first()
            if token is None:
                raise Http404(_("There is no such key."))
            api_token_revoke(token=token)
            messages.success(request, _("The key is revoked: it no longer works."))
            return redirect("portal:api-keys")
        try:
            _token, new_key = api_token_create(user=user, name=request.POST.get("name", ""))
        except ValidationError as exc:
            error = exc.message
    return render(
        request,
        "portal/api_keys.html",
        {"tokens": api_token_list_for_user(user=user), "error": error, "new_key": new_key},
        status=400 if error else 200,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
