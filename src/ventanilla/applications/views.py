"""The resident's application pages: start, one page of questions at a time, check, send,
follow. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ventanilla.applications import bundles, selectors, services
from ventanilla.applications.enums import ApplicationStatus
from ventanilla.applications.forms import PageForm, StatusCheckForm, initial_from_answers
from ventanilla.applications.models import Application, Bundle, Upload
from ventanilla.casework.enums import Outcome
from ventanilla.casework.models import Case, IssuedDocument
from ventanilla.casework.selectors import document_for_applicant
from ventanilla.casework.services import case_resident_answer
from ventanilla.catalogue.selectors import event_get, service_get, transaction_spec_for
from ventanilla.catalogue.transactions import FormPage, TransactionSpec
from ventanilla.core.errors import (
    AnswersInvalidError,
    ApplicationStateError,
    CardNumberInvalidError,
    CaseTransitionError,
    EligibilityError,
    NotFoundError,
    PaymentDeclinedError,
    PaymentDuplicateError,
    PaymentProviderTimeoutError,
    PaymentRequiredError,
    ValidationError,
)
from ventanilla.core.ratelimit import allow, client_ip
from ventanilla.identity.models import User
from ventanilla.payments.models import Payment
from ventanilla.payments.providers import payment_provider
from ventanilla.payments.selectors import payment_captured_for_reference

logger = logging.getLogger(__name__)
# What a pay page shows in its error summary (and, for the card's problems, at the field).
PAYMENT_PROBLEMS = (
    ValidationError,
    ApplicationStateError,
    PaymentDeclinedError,
    PaymentProviderTimeoutError,
    PaymentDuplicateError,
)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - login_required ran first
    return request.user


def _application(request: HttpRequest, public_id: str) -> Application:
    try:
        return selectors.application_get_for_applicant(
            applicant=_user(request), public_id=public_id
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from None


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        service = service_get(slug=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    if not service.applies_online:
        raise Http404(_("This service cannot be applied for online."))
    spec = transaction_spec_for(service.definitions.get(version=service.version))
    error = ""
    if request.method == "POST":
        try:
            application = services.application_start(applicant=_user(request), service=service)
        except ApplicationStateError as exc:
            error = exc.message
        else:
            return _first_step(application, spec)
    return render(
        request,
        "applications/start.html",
        {"service": service, "spec": spec, "error": error},
        status=400 if error else 200,
    )


def _first_step(application: Application, spec: TransactionSpec) -> HttpResponse:
    """Where a new draft goes first: what the registries gave it, if it asked them."""
    if spec.evidence:
        return redirect("applications:details", application.public_id)
    return redirect("applications:page", application.public_id, spec.pages[0].slug)


@login_required
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, public_id: str) -> HttpResponse:
    """What the registries gave the application through the mediator, and from where:
    the applicant confirms it, corrects it (``details_change``), or asks again for what
    could not be fetched."""
    application = _application(request, public_id)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("applications:detail", application.public_id)
    if application.bundle is not None:
        return redirect("applications:bundle-details", application.bundle.public_id)
    spec = transaction_spec_for(application.definition)
    if not spec.evidence:
        return redirect("applications:page", application.public_id, spec.pages[0].slug)
    if request.method == "POST":
        if "retry" in request.POST:
            services.application_evidence_fetch(application=application, applicant=_user(request))
            return redirect("applications:details", application.public_id)
        services.application_prefill_confirm(application=application, applicant=_user(request))
        return redirect("applications:page", application.public_id, spec.pages[0].slug)
    return _details_page(
        request,
        selectors.application_prefill_summary(application=application),
        caption=application.service.local_name,
        agencies=[application.service.competent_agency.local_name],
        back=reverse("applications:start", args=[application.service.slug]),
        change=reverse("applications:details-change", args=[application.public_id]),
    )


def _details_page(
    request: HttpRequest,
    summary: selectors.PrefillSummary,
    *,
    caption: str,
    agencies: list[str],
    back: str,
    change: str,
) -> HttpResponse:
    sources = {row.source.service_code for row in summary.prefilled}
    return render(
        request,
        "applications/details.html",
        {
            "summary": summary,
            "also": [e for e in summary.evidence if e.fetched and e.service_code not in sources],
            "failed": [e for e in summary.evidence if not e.fetched],
            "caption": caption,
            "agencies": get_text_list(agencies, _("and")),
            "back": back,
            "change": change,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def details_change(request: HttpRequest, public_id: str) -> HttpResponse:
    """Correct what the registries gave: the agency is told which values the applicant
    changed, and from what."""
    application = _application(request, public_id)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("applications:detail", application.public_id)
    if application.bundle is not None:
        return redirect("applications:bundle-details", application.bundle.public_id)
    spec = transaction_spec_for(application.definition)
    rows = selectors.application_prefill_summary(application=application).prefilled
    if not rows:
        return redirect("applications:details", application.public_id)
    form = _correction_form(request, rows, application.answers)
    if _corrected(
        request,
        form,
        lambda answers: services.application_prefill_confirm(
            application=application, applicant=_user(request), answers=answers
        ),
    ):
        agency = application.service.competent_agency.local_name
        messages.success(request, _corrected_message([agency]))
        return redirect("applications:page", application.public_id, spec.pages[0].slug)
    return _details_change_page(
        request,
        form,
        caption=application.service.local_name,
        agencies=[application.service.competent_agency.local_name],
        back=reverse("applications:details", args=[application.public_id]),
    )


def _correction_form(
    request: HttpRequest, rows: list[selectors.PrefillRow], answers: dict[str, Any]
) -> PageForm:
    """The pre-filled questions, each with what its registry has as its hint."""
    page = FormPage(
        slug="details",
        title={},
        hint={},
        fields=tuple(row.field for row in rows),
    )
    form = PageForm(
        page,
        data=request.POST if request.method == "POST" else None,
        initial=initial_from_answers(page, answers),
    )
    for row in rows:
        form.fields[row.name].help_text = _("%(registry)s has: %(value)s") % {
            "registry": row.source.registry,
            "value": row.fetched_text,
        }
    return form


def _corrected(
    request: HttpRequest, form: PageForm, confirm: Callable[[dict[str, Any]], object]
) -> bool:
    """Whether a posted correction form was valid and ``confirm`` took its answers; if
    not, the form carries the errors."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        confirm(form.answers())
    except AnswersInvalidError as exc:
        for name, message in exc.errors.items():
            form.add_error(name, message)
        return False
    return True


def _corrected_message(agencies: list[str]) -> str:
    return _(
        "Your changes are saved. %(agency)s will see which details you changed from what "
        "the registry has."
    ) % {"agency": get_text_list(agencies, _("and"))}


def _details_change_page(
    request: HttpRequest, form: PageForm, *, caption: str, agencies: list[str], back: str
) -> HttpResponse:
    return render(
        request,
        "applications/details_change.html",
        {
            "form": form,
            "caption": caption,
            "agencies": get_text_list(agencies, _("and")),
            "back": back,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, public_id: str, page_slug: str) -> HttpResponse:
    application = _application(request, public_id)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("applications:detail", application.public_id)
    spec = transaction_spec_for(application.definition)
    current = spec.page(page_slug)
    if current is None:
        raise Http404(_("This form has no such page."))
    index = spec.pages.index(current)
    form = PageForm(
        current,
        data=request.POST if request.method == "POST" else None,
        initial=initial_from_answers(current, application.answers),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_answer(
                application=application,
                applicant=_user(request),
                fields=[f.name for f in current.fields],
                answers=form.answers(),
            )
        except AnswersInvalidError as exc:
            for name, message in exc.errors.items():
                form.add_error(name, message)
        else:
            if request.POST.get("then") == "check":
                return redirect("applications:check", application.public_id)
            if index + 1 == len(spec.pages):
                if spec.uploads:
                    return redirect("applications:uploads", application.public_id)
                return redirect("applications:check", application.public_id)
            return redirect("applications:page", application.public_id, spec.pages[index + 1].slug)
    back = (
        reverse("applications:page", args=[application.public_id, spec.pages[index - 1].slug])
        if index
        else reverse("applications:details", args=[application.public_id])
        if spec.evidence
        else reverse("applications:start", args=[application.service.slug])
    )
    return render(
        request,
        "applications/page.html",
        {
            "application": application,
            "form": form,
            "page": current,
            "number": index + 1,
            "total": len(spec.pages),
            "back": back,
            "then": request.GET.get("then", request.POST.get("then", "")),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def uploads(request: HttpRequest, public_id: str) -> HttpResponse:
    """The evidence files the service asks for: one input each, a new file replaces the old."""
    application = _application(request, public_id)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("applications:detail", application.public_id)
    spec = transaction_spec_for(application.definition)
    if not spec.uploads:
        return redirect("applications:check", application.public_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        for upload in spec.uploads:
            file = request.FILES.get(upload.slug)
            if file is None:
                continue
            try:
                services.application_upload(
                    application=application, applicant=_user(request), slug=upload.slug, file=file
                )
            except (ValidationError, ApplicationStateError) as exc:
                errors[upload.slug] = exc.message
        if not errors:
            return redirect("applications:check", application.public_id)
    return render(
        request,
        "applications/uploads.html",
        {
            "application": application,
            "items": [
                (row, errors.get(row.slug, ""))
                for row in selectors.application_upload_rows(application=application)
            ],
            "errors": errors,
            "last_page": spec.pages[-1].slug,
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
def upload_download(request: HttpRequest, public_id: str, slug: str) -> FileResponse:
    try:
        upload = selectors.upload_get_for_applicant(
            applicant=_user(request), public_id=public_id, slug=slug
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    return upload_response(upload)


def upload_response(upload: Upload) -> FileResponse:
    """A stored evidence file, sent as a download (never shown inline: it is not ours)."""
    response = FileResponse(
        upload.file.open("rb"),
        as_attachment=True,
        filename=upload.name,
        content_type=upload.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, public_id: str) -> HttpResponse:
    application = _application(request, public_id)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("applications:detail", application.public_id)
    if application.bundle_id is not None:
        return _to_its_bundle(application)
    errors: dict[str, str] = {}
    error = ""
    fee, paid = _fee_and_payment(application)
    if request.method == "POST":
        if fee and paid is None:
            return redirect("applications:pay", application.public_id)
        try:
            services.application_submit(application=application, applicant=_user(request))
        except AnswersInvalidError as exc:
            error, errors = exc.message, exc.errors
        except (EligibilityError, ValidationError, ApplicationStateError) as exc:
            error = exc.message
        else:
            messages.success(request, _("Your application has been sent."))
            return redirect("applications:detail", application.public_id)
    rows = selectors.application_answer_rows(application=application)
    return render(
        request,
        "applications/check.html",
        {
            "application": application,
            "rows": rows,
            "upload_rows": selectors.application_upload_rows(application=application),
            "error": error,
            "errors": errors,
            "fee": fee,
            "currency": _currency(application),
            "paid": paid,
        },
        status=400 if error else 200,
    )


def _to_its_bundle(application: Application) -> HttpResponse:
    """A draft applied for with others is checked, paid and sent with them, so that a
    bundle is never sent (or paid and sent) in part."""
    assert application.bundle is not None  # noqa: S101 - the caller checked bundle_id
    return redirect("applications:bundle-check", application.bundle.public_id)


def _fee_and_payment(application: Application) -> tuple[Decimal, Payment | None]:
    """The fee for the current answers (0 if free or not yet known) and its payment."""
    try:
        fee = services.application_fee(application=application)
    except ApplicationStateError:
        fee = Decimal(0)
    paid = payment_captured_for_reference(reference=services.payment_reference(application))
    return fee, paid


def _currency(application: Application) -> str:
    fee = transaction_spec_for(application.definition).fee
    return fee.currency if fee else ""


@login_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, public_id: str) -> HttpResponse:
    """Pay the fee by card, then send the application (GOV.UK Pay's pattern, in-house)."""
    application = _application(request, public_id)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("applications:detail", application.public_id)
    if application.bundle_id is not None:
        return _to_its_bundle(application)
    fee, paid = _fee_and_payment(application)
    if not fee:
        return redirect("applications:check", application.public_id)
    error = ""
    if request.method == "POST":
        try:
            if paid is None:
                services.application_pay(
                    application=application,
                    applicant=_user(request),
                    card_number=request.POST.get("card_number", ""),
                    attempt=request.POST.get("attempt", "")[:40] or uuid.uuid4().hex,
                )
            services.application_submit(application=application, applicant=_user(request))
        except (AnswersInvalidError, EligibilityError):
            return redirect("applications:check", application.public_id)
        except PAYMENT_PROBLEMS as exc:
            error = exc.message
        else:
            messages.success(request, _("You have paid and your application has been sent."))
            return redirect("applications:detail", application.public_id)
    return render(
        request,
        "applications/pay.html",
        {
            "application": application,
            "fee": fee,
            "currency": _currency(application),
            "paid": paid,
            "attempt": uuid.uuid4().hex,
            "sandbox": payment_provider().name == "sandbox",
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    application = _application(request, public_id)
    if application.status == ApplicationStatus.DRAFT:
        return redirect("applications:check", application.public_id)
    summary = selectors.application_summary(application=application)
    error = ""
    if request.method == "POST" and summary.case is not None:
        try:
            case_resident_answer(
                case=summary.case, resident=_user(request), message=request.POST.get("message", "")
            )
        except (CaseTransitionError, ValidationError) as exc:
            error = exc.message
        else:
            messages.success(request, _("Your answer has been sent to the agency."))
            return redirect("applications:detail", application.public_id)
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "summary": summary,
            "timeline": selectors.application_timeline(application=application, case=summary.case)
            if summary.case
            else [],
            "rows": selectors.application_answer_rows(application=application),
            "document": _document(request, summary.case),
            "error": error,
        },
        status=400 if error else 200,
    )


def _document(request: HttpRequest, case: Case | None) -> IssuedDocument | None:
    if case is None or case.outcome != Outcome.APPROVED:
        return None
    try:
        return document_for_applicant(applicant=_user(request), case=case)
    except NotFoundError:
        return None


STATUS_CHECKS_PER_HOUR = 20


@require_http_methods(["GET", "POST"])
def status_check(request: HttpRequest) -> HttpResponse:
    """Check an application's status with its reference and the applicant's date of birth,
    without signing in (for a relative, or from a counter). Rate limited per address."""
    form = StatusCheckForm(request.POST if request.method == "POST" else None)
    summary = None
    status = 200
    if form.is_bound and form.is_valid():
        if not allow(
            action="status_check",
            key=client_ip(request),
            limit=STATUS_CHECKS_PER_HOUR,
            window_seconds=3600,
        ):
            form.add_error(None, _("Too many checks from your connection. Try again in an hour."))
            status = 429
        else:
            try:
                summary = selectors.application_status_public(
                    reference=form.cleaned_data["reference"],
                    birth_date=form.cleaned_data["birth_date"],
                )
            except NotFoundError as exc:
                form.add_error(None, exc.message)
                status = 404
    elif form.errors:
        status = 400
    return render(
        request, "applications/status.html", {"form": form, "summary": summary}, status=status
    )


@login_required
@require_GET
def by_reference(request: HttpRequest, reference: str) -> HttpResponse:
    """Where links in messages lead: the applicant's own application with this reference."""
    try:
        application = selectors.application_get_by_reference(
            applicant=_user(request), reference=reference
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    return redirect("applications:detail", application.public_id)


@login_required
@require_POST
def delete(request: HttpRequest, public_id: str) -> HttpResponse:
    application = _application(request, public_id)
    try:
        services.application_delete_draft(application=application, applicant=_user(request))
    except ApplicationStateError as exc:
        messages.error(request, exc.message)
        return redirect("applications:detail", application.public_id)
    messages.success(request, _("Your draft has been deleted."))
    return redirect("portal:my")


@login_required
@require_http_methods(["GET", "POST"])
def bundle_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose several services of a life event to apply for together."""
    try:
        event = event_get(slug=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    offered = bundles.bundle_services(event=event)
    if len(offered) < 2:
        raise Http404(_("The services of this life event are applied for one by one."))
    error = ""
    if request.method == "POST":
        try:
            bundle = bundles.bundle_start(
                applicant=_user(request), event=event, slugs=request.POST.getlist("services")
            )
        except ApplicationStateError as exc:
            error = exc.message
        else:
            if bundles.bundle_prefill_summary(bundle=bundle).evidence:
                return redirect("applications:bundle-details", bundle.public_id)
            return redirect("applications:bundle-step", bundle.public_id, 1)
    return render(
        request,
        "applications/bundle_start.html",
        {
            "event": event,
            "services": offered,
            "with_fees": any(not service.is_free for service in offered),
            "error": error,
        },
        status=400 if error else 200,
    )


def _bundle(request: HttpRequest, public_id: str) -> Bundle:
    try:
        return bundles.bundle_get_for_applicant(applicant=_user(request), public_id=public_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from None


@login_required
@require_http_methods(["GET", "POST"])
def bundle_details(request: HttpRequest, public_id: str) -> HttpResponse:
    """What the registries gave the bundle's drafts, as ``details`` shows one draft's."""
    bundle = _bundle(request, public_id)
    if bundle.submitted_at is not None:
        return redirect("applications:bundle", bundle.public_id)
    if request.method == "POST":
        if "retry" in request.POST:
            bundles.bundle_evidence_fetch(bundle=bundle, applicant=_user(request))
            return redirect("applications:bundle-details", bundle.public_id)
        bundles.bundle_prefill_confirm(bundle=bundle, applicant=_user(request))
        return redirect("applications:bundle-step", bundle.public_id, 1)
    return _details_page(
        request,
        bundles.bundle_prefill_summary(bundle=bundle),
        caption=bundle.event.local_name,
        agencies=_agencies(bundle),
        back=reverse("applications:bundle-start", args=[bundle.event.slug]),
        change=reverse("applications:bundle-details-change", args=[bundle.public_id]),
    )


def _agencies(bundle: Bundle) -> list[str]:
    return list(
        dict.fromkeys(
            a.service.competent_agency.local_name
            for a in bundles.bundle_applications(bundle=bundle)
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def bundle_details_change(request: HttpRequest, public_id: str) -> HttpResponse:
    bundle = _bundle(request, public_id)
    if bundle.submitted_at is not None:
        return redirect("applications:bundle", bundle.public_id)
    rows = bundles.bundle_prefill_summary(bundle=bundle).prefilled
    if not rows:
        return redirect("applications:bundle-details", bundle.public_id)
    answers: dict[str, Any] = {}
    for application in reversed(bundles.bundle_applications(bundle=bundle)):
        answers.update(application.answers)  # the first draft's answer wins, as shown
    form = _correction_form(request, rows, answers)
    if _corrected(
        request,
        form,
        lambda answers: bundles.bundle_prefill_confirm(
            bundle=bundle, applicant=_user(request), answers=answers
        ),
    ):
        messages.success(request, _corrected_message(_agencies(bundle)))
        return redirect("applications:bundle-step", bundle.public_id, 1)
    return _details_change_page(
        request,
        form,
        caption=bundle.event.local_name,
        agencies=_agencies(bundle),
        back=reverse("applications:bundle-details", args=[bundle.public_id]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def bundle_step(request: HttpRequest, public_id: str, number: int) -> HttpResponse:
    bundle = _bundle(request, public_id)
    if bundle.submitted_at is not None:
        return redirect("applications:bundle", bundle.public_id)
    steps = bundles.bundle_steps(bundle=bundle)
    if not 1 <= number <= len(steps):
        raise Http404(_("This form has no such page."))
    step = steps[number - 1]
    form = PageForm(
        step.page,
        data=request.POST if request.method == "POST" else None,
        initial=initial_from_answers(step.page, step.application.answers),
    )
    if request.method == "POST" and form.is_valid():
        try:
            bundles.bundle_answer(
                bundle=bundle, applicant=_user(request), step=step, answers=form.answers()
            )
        except AnswersInvalidError as exc:
            for name, message in exc.errors.items():
                form.add_error(name, message)
        else:
            if request.POST.get("then") == "check" or number == len(steps):
                return redirect("applications:bundle-check", bundle.public_id)
            return redirect("applications:bundle-step", bundle.public_id, number + 1)
    return render(
        request,
        "applications/bundle_step.html",
        {
            "bundle": bundle,
            "application": step.application,
            "form": form,
            "page": step.page,
            "number": number,
            "total": len(steps),
            "then": request.GET.get("then", request.POST.get("then", "")),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def bundle_check(request: HttpRequest, public_id: str) -> HttpResponse:
    bundle = _bundle(request, public_id)
    if bundle.submitted_at is not None:
        return redirect("applications:bundle", bundle.public_id)
    error = ""
    if request.method == "POST":
        try:
            bundles.bundle_submit(bundle=bundle, applicant=_user(request))
        except PaymentRequiredError:
            return redirect("applications:bundle-pay", bundle.public_id)
        except (ApplicationStateError, ValidationError) as exc:
            error = exc.message
        else:
            messages.success(request, _("Your applications have been sent."))
            return redirect("applications:bundle", bundle.public_id)
    steps = bundles.bundle_steps(bundle=bundle)
    # Where each question is asked: the first page that asks it (shared answers included).
    asked_on: dict[str, int] = {}
    for number, step in enumerate(steps, start=1):
        for field in step.page.fields:
            asked_on.setdefault(field.name, number)
    sections = []
    for application in bundles.bundle_applications(bundle=bundle):
        rows = [
            (row, asked_on.get(row.name, 1))
            for row in selectors.application_answer_rows(application=application)
        ]
        sections.append((application, rows))
    return render(
        request,
        "applications/bundle_check.html",
        {
            "bundle": bundle,
            "sections": sections,
            "fees": bundles.bundle_fees(bundle=bundle),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def bundle_pay(request: HttpRequest, public_id: str) -> HttpResponse:
    """Pay every fee of the bundle with one card, then send it all; on a decline nothing
    is sent, and the page says what is paid and what is still due."""
    bundle = _bundle(request, public_id)
    if bundle.submitted_at is not None:
        return redirect("applications:bundle", bundle.public_id)
    error, card_error = "", False
    if request.method == "POST":
        try:
            bundles.bundle_pay(
                bundle=bundle,
                applicant=_user(request),
                card_number=request.POST.get("card_number", ""),
                attempt=request.POST.get("attempt", "")[:40] or uuid.uuid4().hex,
            )
        except PAYMENT_PROBLEMS as exc:
            error = exc.message
            card_error = isinstance(
                exc, CardNumberInvalidError | PaymentDeclinedError | PaymentProviderTimeoutError
            )
        else:
            messages.success(request, _("You have paid and your applications have been sent."))
            return redirect("applications:bundle", bundle.public_id)
    fees = bundles.bundle_fees(bundle=bundle)
    if not (fees.due or error):
        return redirect("applications:bundle-check", bundle.public_id)
    return render(
        request,
        "applications/bundle_pay.html",
        {
            "bundle": bundle,
            "fees": fees,
            "attempt": uuid.uuid4().hex,
            "sandbox": payment_provider().name == "sandbox",
            "error": error,
            "card_error": card_error,
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def bundle_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    bundle = _bundle(request, public_id)
    if bundle.submitted_at is None:
        return redirect("applications:bundle-check", bundle.public_id)
    applications = bundles.bundle_applications(bundle=bundle)
    return render(
        request,
        "applications/bundle_detail.html",
        {
            "bundle": bundle,
            "summaries": [selectors.application_summary(application=a) for a in applications],
            "timeline": bundles.bundle_timeline(bundle=bundle),
        },
    )
