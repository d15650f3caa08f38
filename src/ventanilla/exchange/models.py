"""The information mediator's tables: who takes part (members and their information
systems), what they offer (data services), who may ask for what (access rights and the
person's consents), and every call made through it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.casework.models import Case
from ventanilla.catalogue.models import PublicService
from ventanilla.core.i18n import localized
from ventanilla.exchange.enums import CallOutcome
from ventanilla.identity.models import Agency


class Member(models.Model):
    """An organisation that takes part in the exchange, named as X-Road names members:
    instance / member class / member code (DEMO/GOV/civil-registry)."""

    agency = models.OneToOneField(
        Agency,
        on_delete=models.PROTECT,
        related_name="member",
        null=True,
        blank=True,
        help_text=_("This node's agency; empty for a member served by another node."),
    )
    name = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Per language, for a member that is not one of this node's agencies."),
    )
    public_key = models.CharField(
        max_length=64,
        blank=True,
        help_text=_(
            "For a member on another node: the Ed25519 public key (base64) its signed "
            "requests are checked with. This node's own members use the node's key."
        ),
    )
    instance = models.CharField(max_length=40)
    member_class = models.CharField(max_length=20)
    member_code = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "member_class", "member_code"], name="exchange_member_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instance}/{self.member_class}/{self.member_code}"

    @property
    def slug(self) -> str:
        """The agency's slug on this node; the member id for another node's member."""
        return self.agency.slug if self.agency else str(self)

    @property
    def local_name(self) -> str:
        if self.agency:
            return self.agency.local_name
        return localized(self.name) or str(self)


class Subsystem(models.Model):
    """One information system of a member: what asks for data, or answers it."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="subsystems")
    code = models.CharField(max_length=80)
    name = models.JSONField(help_text=_("Per language: {'en': ..., 'es': ...}."))
    deactivated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "When its member switched it off: the mediator refuses every call it makes "
            "until it is switched on again. Empty while it is active."
        ),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "code"], name="exchange_subsystem_code")
        ]

    def __str__(self) -> str:
        return f"{self.member}/{self.code}"

    @property
    def active(self) -> bool:
        return self.deactivated_at is None


class DataService(models.Model):
    """Data a subsystem answers with, e.g. ``population/person``: the JSON Schema its answer
    must match and the purposes it may be used for."""

    provider = models.ForeignKey(Subsystem, on_delete=models.PROTECT, related_name="services")
    code = models.CharField(max_length=120, unique=True)
    name = models.JSONField(help_text=_("Per language: {'en': ..., 'es': ...}."))
    response_schema = models.JSONField(help_text=_("JSON Schema (2020-12) of the answer."))
    purposes = models.JSONField(
        default=list,
        help_text=_("Legal. The purposes the law allows this data to be used for."),
    )
    timeout_seconds = models.FloatField(default=5.0)
    remote_url = models.URLField(
        blank=True,
        help_text=_(
            "For a service another node provides: that node's address. Empty when this "
            "node's own registry answers."
        ),
    )

    def __str__(self) -> str:
        return self.code


class AccessRight(models.Model):
    """The provider's permission for one client subsystem to call one data service. Deny
    by default; revoking keeps the row, so that who could see what, when, stays known."""

    service = models.ForeignKey(DataService, on_delete=models.PROTECT, related_name="rights")
    client = models.ForeignKey(Subsystem, on_delete=models.PROTECT, related_name="rights")
    granted_at = models.DateTimeField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ledger_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "client"],
                condition=models.Q(revoked_at__isnull=True),
                name="exchange_one_live_right",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.service}"


class ConsentPurpose(models.Model):
    """What a member may ask people's consent for: a purpose the law gives no basis of its
    own (a bank checking a loan applicant's identity), the data it covers, and for how
    long a consent lasts at most."""

    recipient = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="consent_purposes")
    code = models.CharField(max_length=80)
    name = models.JSONField(help_text=_("Per language: what the data is used for."))
    services = models.ManyToManyField(DataService, related_name="consent_purposes")
    max_days = models.PositiveSmallIntegerField(default=365)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "code"], name="exchange_purpose_code")
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.code}"


class Consent(models.Model):
    """A person's permission for a member to fetch their data for a purpose that has no
    legal basis of its own (sharing income data with a bank)."""

    subject = models.CharField(
        max_length=64,
        help_text=_("The person's pseudonym (never their id number)."),
    )
    recipient = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(max_length=80)
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The mediator asks for exactly this in every call without another legal
            # basis (and the person's page by the subject alone). With a separate
            # index per column the planner could walk every consent the recipient
            # holds, a bank's millions, to find one person's.
            models.Index(
                fields=["subject", "recipient", "purpose"], name="exchange_consent_lookup"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.purpose}"


class SeenRequest(models.Model):
    """Request ids (X-Road-Id) already received, so that a replayed request is refused."""

    x_road_id = models.CharField(max_length=100, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return self.x_road_id


class Call(models.Model):
    """One mediated look-up, refused or answered: what the data tracker shows the person.

    Every mediated call inserts one, so the table keeps only the indexes its readers
    need: by time (volumes, statistics) and by person (the tracker). Its foreign keys
    have none: each index is one more page written per call (bench/exchange.py), and
    nothing looks calls up by system or service without a time range."""

    at = models.DateTimeField(db_index=True)
    client = models.ForeignKey(
        Subsystem, on_delete=models.PROTECT, related_name="calls", db_index=False
    )
    service = models.ForeignKey(
        DataService, on_delete=models.PROTECT, related_name="calls", db_index=False
    )
    subject = models.CharField(
        max_length=64,
        db_index=True,
        help_text=_("The pseudonym of the person looked up (never their id number)."),
    )
    purpose = models.CharField(max_length=80)
    case_reference = models.CharField(max_length=20, blank=True)
    application = models.UUIDField(
        null=True,
        blank=True,
        help_text=_(
            "Legal. The person's own application the look-up was for (its public id), "
            "which is its legal basis."
        ),
    )
    applied_for = models.ForeignKey(
        PublicService,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        help_text=_("The public service that application is for."),
    )
    user_reference = models.CharField(
        max_length=64, blank=True, help_text=_("The pseudonym of the official who asked.")
    )
    outcome = models.CharField(max_length=20, choices=CallOutcome.choices)
    reason = models.CharField(max_length=40, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    ledger_index = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.service} {self.outcome}"


class CaseEvidence(models.Model):
    """Evidence an official of the case's agency fetched for a case through the mediator:
    the call (refused, failed or answered) and, when answered, what came back."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="case_evidence")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(
        null=True,
        blank=True,
        help_text=_("Personal data. The registry's answer; empty when none came back."),
    )

    def __str__(self) -> str:
        return f"{self.case_id} {self.call_id}"
