from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallOutcome(models.TextChoices):
    COMPLETED = "completed", _("Data sent")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


# What each refusal or failure code means, for the tracker and the back office.
REASONS = {
    "not_allowed": _("The system that asked has no access to this data."),
    "client_inactive": _("The system that asked is switched off by its agency."),
    "no_legal_basis": _("No open case of the agency about you, and no consent from you."),
    "subject_unknown": _("The registry has no record of you."),
    "provider_failed": _("The registry could not answer."),
    "provider_timeout": _("The registry did not answer in time."),
    "invalid_response": _("The registry's answer was not valid, so none of it was passed on."),
}
