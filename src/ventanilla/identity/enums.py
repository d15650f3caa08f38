from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What an official may do for their agency."""

    CASEWORKER = "caseworker", _("Caseworker")
    APPROVER = "approver", _("Approver")
    SERVICE_DESIGNER = "service_designer", _("Service designer")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
