"""The open-data catalogue: datasets of the agencies (CKAN's organisations), their
resources (tables, files, links) and every version of each resource, themes (groups)
and tags."""

from __future__ import annotations

import uuid

from django.core.files.storage import Storage, storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.core.i18n import localized
from ventanilla.core.models import TimeStampedModel
from ventanilla.identity.models import Agency, User
from ventanilla.opendata.enums import ResourceKind

NAME_PATTERN = r"^[a-z0-9_-]{2,100}$"  # CKAN's dataset, group and tag name rule


class Group(TimeStampedModel):
    """A theme that datasets of any agency can belong to (CKAN's group)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(max_length=100, unique=True)
    title = models.JSONField(_("title"), help_text=_("Per language: {'en': ..., 'es': ...}."))
    description = models.JSONField(_("description"), default=dict)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    @property
    def local_title(self) -> str:
        return localized(self.title)


class Tag(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Dataset(TimeStampedModel):
    """A published dataset (CKAN's package). Public: the catalogue holds no personal data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    organization = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="datasets")
    license_id = models.CharField(max_length=40)
    groups = models.ManyToManyField(Group, blank=True, related_name="datasets")
    tags = models.ManyToManyField(Tag, blank=True, related_name="datasets")
    author = models.CharField(max_length=200, blank=True)
    maintainer = models.CharField(max_length=200, blank=True)
    maintainer_email = models.EmailField(blank=True)
    version = models.CharField(max_length=100, blank=True)
    url = models.URLField(blank=True)
    origin = models.CharField(
        max_length=60,
        blank=True,
        help_text=_("The platform job that publishes this dataset; empty when staff publish it."),
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    search_text = models.TextField(
        blank=True, editable=False, help_text=_("Lower-case words of the name, title, notes, tags.")
    )

    class Meta:
        ordering = ("name",)
        indexes = [models.Index(fields=["updated_at"], name="opendata_dataset_updated")]

    def __str__(self) -> str:
        return self.name


class Resource(TimeStampedModel):
    """One table, file or link of a dataset. Its content lives in its versions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=ResourceKind.choices)
    format = models.CharField(max_length=40, blank=True)
    position = models.PositiveIntegerField(default=0)
    url = models.URLField(blank=True, help_text=_("Where a link resource points."))

    class Meta:
        ordering = ("dataset", "position")

    def __str__(self) -> str:
        return self.name


def opendata_storage() -> Storage:
    """``storages["opendata"]``: published files, public, under the data dir by default."""
    return storages["opendata"]


def _version_path(version: ResourceVersion, filename: str) -> str:
    return f"{version.resource_id}/{version.number}/{filename}"


class ResourceVersion(models.Model):
    """What a resource held from ``created_at`` on; earlier versions stay downloadable."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    fields = models.JSONField(
        default=list, help_text=_("A table's columns: [{'id': name, 'type': column type}].")
    )
    row_count = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=_version_path, storage=opendata_storage, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    digest = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("SHA-256 of the content: unchanged data is not a new version."),
    )
    mimetype = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ("resource", "number")
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "number"], name="opendata_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} v{self.number}"


class Row(models.Model):
    """One row of a table version; ``number`` is CKAN's ``_id`` (1, 2, ...)."""

    version = models.ForeignKey(ResourceVersion, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField()
    data = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="opendata_row_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.version_id}#{self.number}"


class CatalogueGeneration(models.Model):
    """One row whose ``value`` changes with every write to the catalogue's tables (and to
    the agencies, whose names its answers show), in the writing transaction: database
    triggers made by migration 0002 set it. A search index or an answer built while the
    value was V is current as long as the value is still V.

    The triggers set a fresh value each time (SQLite's ``random()``, a PostgreSQL
    sequence), never a counter, so a rolled-back write cannot bring back a value that
    something was already built at."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)
