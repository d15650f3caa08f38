from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the payment service")
    CAPTURED = "captured", _("Paid")
    DECLINED = "declined", _("Declined")
    FAILED = "failed", _("Not completed")
    REFUNDED = "refunded", _("Refunded")


class ChargeOutcome(models.TextChoices):
    SUCCEEDED = "succeeded", _("Succeeded")
    DECLINED = "declined", _("Declined")


class DeclineReason(models.TextChoices):
    CARD_DECLINED = "card_declined", _("Card declined")
    INSUFFICIENT_FUNDS = "insufficient_funds", _("Insufficient funds")
    INCORRECT_NUMBER = "incorrect_number", _("Incorrect card number")
