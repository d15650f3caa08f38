from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EventKind(models.TextChoices):
    OPENED = "opened", _("Received")
    TRANSITIONED = "transitioned", _("Status changed")
    RESIDENT_ANSWERED = "resident_answered", _("You answered")
    NOTE = "note", _("Note")
    ASSIGNED = "assigned", _("Assigned")
    DOCUMENT_ISSUED = "document_issued", _("Document issued")
    DOCUMENT_REVOKED = "document_revoked", _("Document revoked")
    DEADLINE_MISSED = "deadline_missed", _("Deadline missed")
