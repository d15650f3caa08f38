"""Reads of insights."""

from __future__ import annotations

from ventanilla.applications.models import Application
from ventanilla.insights.models import SatisfactionResponse


def satisfaction_for_application(*, application: Application) -> SatisfactionResponse | None:
    """The applicant's answer about ``application``, if they gave one. The caller has
    checked that the person asking may see the application."""
    return SatisfactionResponse.objects.filter(application=application).first()
