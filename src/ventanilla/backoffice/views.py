"""The officials' pages. Every view needs a signed-in official who uses TOTP."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ventanilla.applications.selectors import (
    application_prefill_summary_for_reference,
    upload_get_for_reference,
    upload_list_for_reference,
)
from ventanilla.applications.views import upload_response
from ventanilla.casework import selectors as casework_selectors
from ventanilla.casework.models import Case
from ventanilla.casework.services import (
    case_assign,
    case_note_add,
    case_transition,
    document_revoke,
)
from ventanilla.casework.transitions import actions_available
from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.selectors import service_list, transaction_spec_for
from ventanilla.catalogue.transactions import State, TransactionSpec, answer_text
from ventanilla.core.errors import (
    CaseTransitionError,
    DocumentIssueError,
    ExchangeError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from ventanilla.core.i18n import localized
from ventanilla.exchange import selectors as exchange_selectors
from ventanilla.exchange.enums import REASONS
from ventanilla.exchange.models import Subsystem
from ventanilla.exchange.services import (
    access_right_grant,
    access_right_revoke,
    case_evidence_request,
)
from ventanilla.identity import selectors
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency, User
from ventanilla.identity.permissions import (
    is_official,
    official_has_mfa,
    official_is_central_office,
)

View = Callable[..., HttpResponseBase]
QUEUE_PAGE_SIZE = 50


def official_required(view: View) -> View:
    """Only officials; one without an authenticator app is sent to set one up first."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
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
    official = _official(request)
    return render(
        request,
        "backoffice/home.html",
        {
            "agencies": selectors.agency_list_for_official(user=official),
            "central_office": official_is_central_office(user=official),
        },
    )


def _official(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - official_required ran first
    return request.user


def _agency(request: HttpRequest, slug: str) -> Agency:
    try:
        return selectors.agency_get_for_official(user=_official(request), slug=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from None


@require_GET
@official_required
def agency_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    agency = _agency(request, slug)
    return render(
        request,
        "backoffice/agency.html",
        {
            "agency": agency,
            "services": service_list(agency=agency),
            "memberships": selectors.membership_list_for_agency(agency=agency),
            "counts": casework_selectors.case_counts_for_agency(agency=agency),
        },
    )


@dataclass(frozen=True)
class QueueRow:
    case: Case
    state: str
    overdue: bool


@require_GET
@official_required
def case_upload(request: HttpRequest, slug: str, reference: str, upload: str) -> FileResponse:
    """An evidence file of one of the agency's cases."""
    agency = _agency(request, slug)
    try:
        casework_selectors.case_get_for_agency(agency=agency, reference=reference)
        found = upload_get_for_reference(reference=reference, slug=upload)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    return upload_response(found)


@require_GET
@official_required
def case_queue(request: HttpRequest, slug: str) -> HttpResponse:
    agency = _agency(request, slug)
    due = request.GET.get("due", "")
    filters: dict[str, str] = {
        "state": request.GET.get("state", ""),
        "service": request.GET.get("service", ""),
        "due": due if due in casework_selectors.DUE_CHOICES else "",
        "mine": "1" if request.GET.get("mine") == "1" else "",
    }
    cases = casework_selectors.case_list_for_agency(
        agency=agency,
        state=filters["state"],
        service=filters["service"],
        due=filters["due"],
        assigned_to=_official(request) if filters["mine"] else None,
    ).select_related("definition")
    page = Paginator(cases, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    specs: dict[int, TransactionSpec] = {}
    rows = []
    for case in page:
        spec = specs.get(case.definition_id) or specs.setdefault(
            case.definition_id, transaction_spec_for(case.definition)
        )
        state = spec.workflow.states.get(case.state)
        rows.append(
            QueueRow(
                case=case,
                state=_state_label(state) if state else case.state,
                overdue=bool(case.deadline and case.deadline < today),
            )
        )
    services = service_list(agency=agency).filter(applies_online=True)
    return render(
        request,
        "backoffice/cases.html",
        {
            "agency": agency,
            "rows": rows,
            "page": page,
            "filters": filters,
            "services": services,
            "states": _state_choices(services),
            "counts": casework_selectors.case_counts_for_agency(agency=agency),
        },
    )


def _state_label(state: State) -> str:
    """A state as officials read it: service definitions word states for the resident
    ("Waiting for your answer"), which reads wrongly in the back office."""
    if state.waits_for_resident:
        return str(_("Waiting for the resident"))
    return localized(state.label)


def _state_choices(services: Iterable[PublicService]) -> list[tuple[str, str]]:
    """Every workflow state of the agency's services, for the queue's filter."""
    choices: dict[str, str] = {}
    for service in services:
        spec = transaction_spec_for(service.definitions.get(version=service.version))
        for slug, state in spec.workflow.states.items():
            choices.setdefault(slug, _state_label(state))
    return sorted(choices.items(), key=lambda item: item[1])


@require_http_methods(["GET", "POST"])
@official_required
def case_detail(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    agency = _agency(request, slug)
    official = _official(request)
    try:
        case = casework_selectors.case_get_for_agency(agency=agency, reference=reference)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    roles = casework_selectors.official_roles(official=official, agency=agency)
    error = ""
    if request.method == "POST":
        operation = request.POST.get("operation", "")
        try:
            if operation == "action":
                case_transition(
                    case=case,
                    action=request.POST.get("action", ""),
                    actor=official,
                    roles=roles,
                    reason=request.POST.get("reason", ""),
                )
                done = _("Done: the case has moved on.")
            elif operation == "assign":
                case_assign(case=case, official=official)
                done = _("The case is assigned to you.")
            elif operation == "revoke":
                if Role.APPROVER not in roles:
                    raise CaseTransitionError(
                        _("Only an official with the role “%(role)s” may do this.")
                        % {"role": Role.APPROVER.label}
                    )
                document = casework_selectors.document_for_case(case=case)
                document_revoke(
                    document=document, actor=official, reason=request.POST.get("reason", "")
                )
                done = _("The document is revoked: its verification page now says so.")
            elif operation == "note":
                case_note_add(case=case, official=official, text=request.POST.get("note", ""))
                done = _("Your note is saved. Only officials can read it.")
            elif operation == "evidence":
                right_id, _sep, purpose = request.POST.get("source", "").partition(":")
                if not purpose:
                    raise ValidationError(_("Choose what to request."), field="source")
                case_evidence_request(
                    case=case,
                    official=official,
                    right=exchange_selectors.access_right_get_for_client_agency(
                        agency=agency, pk=right_id
                    ),
                    purpose=purpose,
                )
                done = _("The registry sent it: it is under “Evidence from registries”.")
            else:
                raise ValidationError(_("Choose what to do."), field="operation")
        except ExchangeError as exc:
            error = _("The registry did not send it (%(reason)s): %(message)s") % {
                "reason": exc.reason,
                "message": exc.message,
            }
        except (
            CaseTransitionError,
            ValidationError,
            DocumentIssueError,
            NotFoundError,
            PermissionDeniedError,
        ) as exc:
            error = exc.message
        else:
            messages.success(request, done)
            return redirect("backoffice:case", agency.slug, case.reference)
    spec = transaction_spec_for(case.definition)
    state = spec.workflow.states[case.state]
    prefill = application_prefill_summary_for_reference(reference=case.reference)
    corrected = {row.name: row for row in prefill.corrections} if prefill else {}
    return render(
        request,
        "backoffice/case.html",
        {
            "agency": agency,
            "case": case,
            "state": _state_label(state),
            "closed": state.final,
            "overdue": bool(case.deadline and case.deadline < timezone.localdate()),
            "actions": actions_available(spec.workflow, state=case.state, roles=roles),
            "rows": [
                (
                    localized(field.label),
                    answer_text(field, case.answers.get(field.name)),
                    corrected.get(field.name),
                )
                for field in spec.fields
            ],
            "prefill": prefill,
            "sources": exchange_selectors.evidence_sources_for_agency(agency=agency),
            "evidence": [
                (item, exchange_selectors.data_rows(item.data), REASONS.get(item.call.reason, ""))
                for item in exchange_selectors.case_evidence_list(case=case)
            ],
            "events": casework_selectors.case_events_for_officials(case=case),
            "uploads": upload_list_for_reference(reference=case.reference),
            "document": casework_selectors.document_for_case_or_none(case=case),
            "may_revoke": Role.APPROVER in roles,
            "state_labels": {slug: _state_label(s) for slug, s in spec.workflow.states.items()},
            "error": error,
        },
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
@official_required
def exchange(request: HttpRequest, slug: str) -> HttpResponse:
    """The agency in the data exchange: its services and who may call them, its systems'
    rights, and the last 30 days of calls. Its administrators grant and revoke rights."""
    agency = _agency(request, slug)
    official = _official(request)
    is_admin = Role.AGENCY_ADMIN in casework_selectors.official_roles(
        official=official, agency=agency
    )
    error = ""
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied(_("Only the agency's administrators manage access rights."))
        try:
            if "revoke" in request.POST:
                right = exchange_selectors.access_right_get_for_agency(
                    agency=agency, pk=request.POST["revoke"]
                )
                access_right_revoke(right=right, actor=official)
                messages.success(request, _("The access is taken back."))
            else:
                service = exchange_selectors.data_service_get_for_agency(
                    agency=agency, pk=request.POST.get("service", "")
                )
                wanted = request.POST.get("client", "")
                client = Subsystem.objects.filter(pk=wanted).first() if wanted.isdigit() else None
                if client is None:
                    raise ValidationError(_("Choose the system to give access to."), field="client")
                access_right_grant(service=service, client=client, actor=official)
                messages.success(request, _("The access is given."))
            return redirect("backoffice:exchange", agency.slug)
        except NotFoundError as exc:
            raise Http404(exc.message) from None
        except ValidationError as exc:
            error = exc.message
    return render(
        request,
        "backoffice/exchange.html",
        {
            "agency": agency,
            "overview": exchange_selectors.exchange_overview_for_agency(agency=agency),
            "is_admin": is_admin,
            "error": error,
            "reasons": REASONS,
        },
        status=400 if error else 200,
    )
