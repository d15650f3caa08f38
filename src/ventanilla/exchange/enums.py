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
    "not_connected": _("The agency is not connected to this registry through the exchange."),
}
# Why an application got nothing from a registry when it could not even ask: the agency
# has no applications system in the exchange, or the data service is not on this node.
NOT_CONNECTED = "not_connected"

# The purpose of a look-up for the person's own application: the application, which the
# person started themselves, is its legal basis (``exchange_call(application=...)``).
OWN_APPLICATION = "own-application"
# The code of each agency's system that fetches evidence for the applications it receives.
APPLICATIONS_SUBSYSTEM = "applications"
