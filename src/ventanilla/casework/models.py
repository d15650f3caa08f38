"""Cases: the agency's side of an application, worked through the service's workflow.

A case holds what the agency received (the answers, frozen at submission) so that the
record of what was asked and decided does not change with the resident's drafts; the
workflow it follows is the service definition version the application was made under.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.casework.enums import EventKind, Outcome
from ventanilla.catalogue.models import PublicService, ServiceDefinition
from ventanilla.core.models import TimeStampedModel
from ventanilla.identity.models import Agency


class Case(TimeStampedModel):
    reference = models.CharField(
        max_length=20, unique=True, help_text=_("The application's reference, e.g. DL-2026-000123.")
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="cases")
    service = models.ForeignKey(PublicService, on_delete=models.PROTECT, related_name="cases")
    definition = models.ForeignKey(
        ServiceDefinition, on_delete=models.PROTECT, related_name="cases"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_as_applicant"
    )
    answers = models.JSONField(
        help_text=_("Personal data. The answers as submitted; never changed afterwards.")
    )
    state = models.CharField(max_length=80, help_text=_("A state of the service's workflow."))
    deadline = models.DateField(
        null=True,
        blank=True,
        help_text=_("When the current state must be left; empty while the clock is paused."),
    )
    paused_days_left = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("Working days that were left when the clock paused for the resident."),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    decision_reason = models.TextField(
        blank=True, help_text=_("Shown to the resident with the decision.")
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("What the fee was paid under; refunded on rejection if the service says so."),
    )

    class Meta:
        indexes = [models.Index(fields=["agency", "closed_at", "deadline"])]

    def __str__(self) -> str:
        return self.reference


class CaseEvent(models.Model):
    """One thing that happened to a case: who, when, what and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Who did it; empty when the system did."),
    )
    action = models.CharField(max_length=80, blank=True)
    from_state = models.CharField(max_length=80, blank=True)
    to_state = models.CharField(max_length=80, blank=True)
    reason = models.TextField(blank=True)
    private = models.BooleanField(
        default=False, help_text=_("Officials only: never shown to the resident.")
    )
    ledger_index = models.BigIntegerField(
        null=True,
        blank=True,
        help_text=_("The transparency ledger entry that records this event."),
    )

    class Meta:
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class IssuedDocument(TimeStampedModel):
    """What an approved case issued: the exact PDF the applicant received, and what the public
    verification page (reached from the QR code on it) may say about it."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="document")
    number = models.CharField(
        max_length=30,
        unique=True,
        help_text=_("Printed on the document and in its QR code; random, so not guessable."),
    )
    title = models.JSONField(help_text=_("Per language: {'en': ..., 'es': ...}."))
    holder_name = models.CharField(
        max_length=150, help_text=_("Personal data. Whom the document was issued to.")
    )
    issued_at = models.DateTimeField()
    sha256 = models.CharField(
        max_length=64, help_text=_("SHA-256 (hex) of the exact PDF bytes, to verify a copy.")
    )
    pdf = models.BinaryField(
        help_text=_(
            "Personal data. The PDF as issued, kept in the database so that backups hold it."
        )
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When it stopped being valid; empty while valid.")
    )
    ledger_index = models.BigIntegerField(
        null=True,
        blank=True,
        help_text=_("The transparency ledger entry that records the document's SHA-256."),
    )

    def __str__(self) -> str:
        return self.number
