"""The resident's side of a transaction: a draft they fill in page by page, then send.

Once sent (``submitted``), the agency's case carries it on (``casework``); the
application keeps the resident's reference and the date a decision is expected by.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from ventanilla.applications.enums import ApplicationStatus
from ventanilla.catalogue.enums import Channel
from ventanilla.catalogue.models import Event, PublicService, ServiceDefinition
from ventanilla.core.models import TimeStampedModel
from ventanilla.exchange.models import Call


class Bundle(TimeStampedModel):
    """Several services of one life event applied for together: shared answers are asked
    once, everything is sent at once, and the resident follows one timeline."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bundles"
    )
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="bundles")
    submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.public_id)


class Application(TimeStampedModel):
    public_id = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("Used in addresses instead of the row id, which could be guessed."),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    service = models.ForeignKey(
        PublicService, on_delete=models.PROTECT, related_name="applications"
    )
    definition = models.ForeignKey(
        ServiceDefinition,
        on_delete=models.PROTECT,
        related_name="applications",
        help_text=_("The service definition version the application follows to the end."),
    )
    status = models.CharField(
        max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    answers = models.JSONField(
        default=dict, help_text=_("Personal data. Private to the applicant until sent.")
    )
    channel = models.CharField(
        max_length=20,
        choices=Channel.choices,
        default=Channel.WEB,
        help_text=_("How it was made: on the website, or through the API."),
    )
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decision_expected_by = models.DateField(null=True, blank=True)
    bundle = models.ForeignKey(
        Bundle,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="applications",
        help_text=_("The life-event bundle it was applied for in, if any."),
    )
    prefilled = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "Personal data. Each pre-filled answer's value as the registry gave it: "
            "{field: value}. An answer that differs was corrected by the applicant."
        ),
    )
    prefill_confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the applicant confirmed, or corrected, what the registries gave."),
    )
    idempotency_key = models.CharField(  # noqa: DJ001 - NULL, not "", so that keys never clash
        max_length=100,
        null=True,
        blank=True,
        default=None,
        help_text=_("The client's key for an API submission: retries return this application."),
    )

    class Meta:
        # Without a key the column is NULL, and NULLs never clash: the unique index both
        # guards against duplicates and serves the look-up by key.
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                name="applications_one_per_idempotency_key",
            )
        ]
        indexes = [models.Index(fields=["applicant", "status"])]

    def __str__(self) -> str:
        return self.reference or str(self.public_id)


class Evidence(models.Model):
    """What the mediator fetched about the applicant for an application, from one data
    service, when it started (or when the applicant asked again): the look-up and, if
    the registry answered, its answer."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    service_code = models.CharField(max_length=120, help_text=_("e.g. population/person"))
    call = models.ForeignKey(
        Call,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The mediator's log of the look-up; empty when none could be made (the agency "
            "or the data service is not connected to the exchange on this node)."
        ),
    )
    data = models.JSONField(
        null=True,
        blank=True,
        help_text=_("Personal data. The registry's answer; empty when none came back."),
    )
    reason = models.CharField(
        max_length=40, blank=True, help_text=_("Why nothing came back, as the mediator says.")
    )
    fetched_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "service_code"], name="applications_one_evidence_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.service_code}"


class _UploadsStorage(LazyObject):
    """``storages["uploads"]``, looked up at first use and again whenever STORAGES changes
    (as tests change it), the way Django's ``default_storage`` is. A field's storage is
    otherwise fixed when its model is imported."""

    _wrapped: Any

    def _setup(self) -> None:
        self._wrapped = storages["uploads"]


_uploads = _UploadsStorage()
uploads_storage = cast(Storage, _uploads)


@receiver(setting_changed)
def _storages_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        _uploads._wrapped = empty


def _uploads_storage() -> Storage:
    return uploads_storage


def _upload_path(instance: Upload, filename: str) -> str:
    # Named by a random id, never by what the resident called the file.
    return f"{instance.application.public_id}/{uuid.uuid4().hex}"


class Upload(models.Model):
    """A file of evidence the resident attached to an application (one per kind)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="uploads")
    slug = models.CharField(max_length=80, help_text=_("Which upload of the service it is."))
    file = models.FileField(storage=_uploads_storage, upload_to=_upload_path, max_length=200)
    name = models.CharField(
        max_length=200, help_text=_("Personal data. The file's name on the resident's device.")
    )
    content_type = models.CharField(max_length=40, help_text=_("As read from the file's bytes."))
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "slug"], name="applications_one_file_per_upload"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.slug}"
