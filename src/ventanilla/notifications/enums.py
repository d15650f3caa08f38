from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about; each kind has its templates under notifications/."""

    APPLICATION_RECEIVED = "application_received", _("Application received")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")
    DECISION_MADE = "decision_made", _("Decision made")
    DEADLINE_MISSED = "deadline_missed", _("Deadline missed")


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")
    NO_ADDRESS = "no_address", _("Not sent: no verified email address")
