"""Daily facts: what happened, per day, service, agency and channel, folded by the worker
from the records the other apps keep (``services.facts_fold_day``). Key performance
indicators are sums over these rows, never scans of applications or cases.

A day's rows are only ever replaced whole, in one transaction, so re-folding a day gives
the same rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.applications.models import Application
from ventanilla.catalogue.enums import Channel
from ventanilla.catalogue.models import PublicService
from ventanilla.identity.models import Agency
from ventanilla.insights.enums import OfflineChannel, SatisfactionAnswer

COMMENT_MAX_LENGTH = 1200
# The counters of a fact row, summed over days for the KPIs.
COUNTERS = (
    "started",
    "submitted",
    "abandoned",
    "approved",
    "rejected",
    "withdrawn",
    "within_deadline",
    "missed_deadline",
    "payments",
    "evidence_fetched",
    "evidence_asked",
    "very_satisfied",
    "satisfied",
    "neither",
    "dissatisfied",
    "very_dissatisfied",
)


class Counters(models.Model):
    """What is counted for one service, agency and channel over a day or a month."""

    service = models.ForeignKey(PublicService, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    started = models.PositiveIntegerField(
        default=0, help_text=_("Applications begun (drafts made).")
    )
    submitted = models.PositiveIntegerField(
        default=0,
        help_text=_(
            "Transactions: applications sent, or counted at a counter, by phone or on paper."
        ),
    )
    abandoned = models.PositiveIntegerField(
        default=0,
        help_text=_("Drafts left untouched for VENTANILLA_INSIGHTS_ABANDONED_AFTER_DAYS days."),
    )
    approved = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    within_deadline = models.PositiveIntegerField(
        default=0, help_text=_("Decisions made by the date the applicant was given.")
    )
    missed_deadline = models.PositiveIntegerField(
        default=0, help_text=_("Decisions made after the date the applicant was given.")
    )
    payments = models.PositiveIntegerField(default=0, help_text=_("Fees taken."))
    payments_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    evidence_fetched = models.PositiveIntegerField(
        default=0, help_text=_("Look-ups answered through the exchange (once-only).")
    )
    evidence_asked = models.PositiveIntegerField(
        default=0, help_text=_("Files of evidence the applicant had to attach.")
    )
    very_satisfied = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    neither = models.PositiveIntegerField(default=0)
    dissatisfied = models.PositiveIntegerField(default=0)
    very_dissatisfied = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class Fact(Counters):
    """What happened on ``day`` to one service's transactions through one channel.

    Days are local days (``TIME_ZONE``). A transaction counts on the day each thing
    happened to it: started one day, sent the next, decided a week later.
    """

    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "service", "agency", "channel"], name="insights_one_fact_per_key"
            )
        ]
        indexes = [
            models.Index(fields=["service", "day"]),
            models.Index(fields=["agency", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.service_id} {self.channel}"


class MonthFact(Counters):
    """A month's facts summed (``month`` is its first day), rebuilt with each fold of one
    of its days: what the performance pages read for whole months, so that their cost
    follows the number of services and channels, not of transactions or days."""

    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "service", "agency", "channel"],
                name="insights_one_month_fact_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["service", "month"]),
            models.Index(fields=["agency", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.service_id} {self.channel}"


class DecisionTime(models.Model):
    """How many decisions on ``day`` took ``working_days`` from sending: a histogram, so
    that the median and 90th percentile over any period come from facts."""

    day = models.DateField()
    service = models.ForeignKey(PublicService, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    working_days = models.PositiveIntegerField()
    decisions = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "service", "agency", "channel", "working_days"],
                name="insights_one_decision_time_per_key",
            )
        ]
        indexes = [models.Index(fields=["service", "day"]), models.Index(fields=["agency", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.service_id} {self.working_days} days: {self.decisions}"


class FoldRun(models.Model):
    """When each day was last folded. Its row is locked while the day is folded, so two
    folds of one day (the worker's and a command's) take turns."""

    day = models.DateField(unique=True)
    folded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.day} folded at {self.folded_at}"


class OfflineCount(models.Model):
    """Transactions of one service through a channel this site does not see, on one day,
    as an official counted them."""

    day = models.DateField()
    service = models.ForeignKey(PublicService, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, choices=OfflineChannel.choices)
    count = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who recorded or imported it; empty for an import by the system."),
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "service", "channel"], name="insights_one_offline_count_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.service_id} {self.channel}: {self.count}"


class SatisfactionResponse(models.Model):
    """The applicant's answer to "how satisfied were you?" once their application was
    decided: one per application."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="satisfaction"
    )
    answer = models.CharField(max_length=20, choices=SatisfactionAnswer.choices)
    comment = models.TextField(
        blank=True,
        max_length=COMMENT_MAX_LENGTH,
        help_text=_("May hold personal data the applicant chose to write."),
    )
    answered_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.application_id}: {self.answer}"


class MonthDecisionTime(models.Model):
    """``DecisionTime`` summed over a month (``month`` is its first day)."""

    month = models.DateField()
    service = models.ForeignKey(PublicService, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    working_days = models.PositiveIntegerField()
    decisions = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "service", "agency", "channel", "working_days"],
                name="insights_one_month_decision_time_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["service", "month"]),
            models.Index(fields=["agency", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.service_id} {self.working_days} days: {self.decisions}"


class GovernmentMonthDecisionTime(models.Model):
    """``MonthDecisionTime`` summed over every service, agency and channel: what the
    government-wide figures read for time to decision. The month's histogram in a few
    dozen rows (one per number of working days) rather than one per service, agency and
    channel too, which grows with use towards tens of thousands a year."""

    month = models.DateField()
    working_days = models.PositiveIntegerField()
    decisions = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "working_days"],
                name="insights_one_government_month_decision_time_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.working_days} days: {self.decisions}"
