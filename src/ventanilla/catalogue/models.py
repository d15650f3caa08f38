"""The catalogue, in the SEMIC CPSV-AP vocabulary.

Texts are stored per language as ``{"en": ..., "es": ...}``; ``local_*`` properties read
them in the active language.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.catalogue.enums import Channel, EventKind
from ventanilla.core.i18n import localized
from ventanilla.core.models import TimeStampedModel
from ventanilla.identity.models import Agency


class EvidenceType(TimeStampedModel):
    """A piece of evidence a service needs (CPSV-AP ``Evidence``)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.JSONField(_("name"))
    description = models.JSONField(_("description"), default=dict)
    held_by = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_held",
        help_text=_("Agency whose registry holds it; empty when the resident provides it."),
    )

    class Meta:
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.slug

    @property
    def local_name(self) -> str:
        return localized(self.name)

    @property
    def local_description(self) -> str:
        return localized(self.description)


class PublicService(TimeStampedModel):
    """A public service (CPSV-AP ``PublicService``), as its latest definition says."""

    slug = models.SlugField(max_length=80, unique=True)
    version = models.PositiveIntegerField(help_text=_("Version of the loaded definition."))
    name = models.JSONField(_("name"))
    description = models.JSONField(_("description"))
    eligibility = models.JSONField(_("who can use it"))
    output = models.JSONField(_("what you get"))
    competent_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="services")
    participating_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="participating_services"
    )
    channels = models.JSONField(default=list, help_text=_("Channel values, in display order."))
    cost_amount = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    cost_currency = models.CharField(max_length=3)
    processing_days = models.PositiveSmallIntegerField(
        help_text=_("Expected processing time in working days; 0 means at once.")
    )
    evidence = models.ManyToManyField(EvidenceType, blank=True, related_name="services")
    legal_basis = models.JSONField(default=list, help_text=_("[{title: {lang: text}, url}]"))
    keywords = models.JSONField(default=dict)
    is_active = models.BooleanField(
        default=True, help_text=_("False once its definition file is removed.")
    )
    applies_online = models.BooleanField(
        default=False,
        help_text=_("Its current definition has a transaction section: apply on this site."),
    )

    class Meta:
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.slug

    @property
    def local_name(self) -> str:
        return localized(self.name)

    @property
    def local_description(self) -> str:
        return localized(self.description)

    @property
    def local_eligibility(self) -> str:
        return localized(self.eligibility)

    @property
    def local_output(self) -> str:
        return localized(self.output)

    @property
    def is_free(self) -> bool:
        return self.cost_amount == 0

    @property
    def channel_labels(self) -> list[str]:
        return [str(Channel(value).label) for value in self.channels]

    @property
    def local_legal_basis(self) -> list[dict[str, str]]:
        return [
            {"title": localized(item["title"]), "url": item.get("url", "")}
            for item in self.legal_basis
        ]


class ServiceDefinition(models.Model):
    """Every version of a service definition ever loaded, as loaded (for audit and cases)."""

    service = models.ForeignKey(PublicService, on_delete=models.CASCADE, related_name="definitions")
    version = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    definition = models.JSONField()
    source = models.CharField(max_length=300)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "version"], name="catalogue_definition_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id} v{self.version}"


class Event(TimeStampedModel):
    """A life or business event (CPSV-AP ``LifeEvent``/``BusinessEvent``)."""

    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    name = models.JSONField(_("name"))
    description = models.JSONField(_("description"))
    position = models.PositiveIntegerField(default=0)
    services: models.ManyToManyField[PublicService, EventService] = models.ManyToManyField(
        PublicService, through="EventService", related_name="events"
    )

    class Meta:
        ordering = ("position", "slug")

    def __str__(self) -> str:
        return self.slug

    @property
    def local_name(self) -> str:
        return localized(self.name)

    @property
    def local_description(self) -> str:
        return localized(self.description)


class EventService(models.Model):
    """A service's place in an event's ordered list."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="steps")
    service = models.ForeignKey(PublicService, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ("event", "position")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "service"], name="catalogue_eventservice_unique_service"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}#{self.position}"


class ServiceSearchEntry(models.Model):
    """What search matches a service by, in one language, folded (lower case, no accents).

    SQLite indexes it with an FTS5 table kept in step by triggers; PostgreSQL with a GIN
    index over its tsvector (both made in migration 0002).
    """

    service = models.ForeignKey(
        PublicService, on_delete=models.CASCADE, related_name="search_entries"
    )
    language = models.CharField(max_length=8)
    title = models.TextField()
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "language"], name="catalogue_search_unique_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id}/{self.language}"


class CatalogueRevision(models.Model):
    """One row that every catalogue load moves forward.

    Public pages rendered from the catalogue are cached under the revision they were made
    from (see ``ventanilla.portal.page_cache``), so a load makes every cached page stale at
    once, in every process, without having to find them.
    """

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"catalogue revision {self.number}"


class Holiday(models.Model):
    """A public holiday: not a working day, so deadlines skip it."""

    date = models.DateField(unique=True)
    name = models.JSONField(_("name"))

    class Meta:
        ordering = ("date",)

    def __str__(self) -> str:
        return f"{self.date} {localized(self.name)}"
