"""Insights pages. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ventanilla.applications.selectors import application_get_for_applicant, application_summary
from ventanilla.core.errors import NotFoundError, SatisfactionRefusedError, ValidationError
from ventanilla.identity.models import User
from ventanilla.insights.forms import SatisfactionForm
from ventanilla.insights.selectors import satisfaction_for_application
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
