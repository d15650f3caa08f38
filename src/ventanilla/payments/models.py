"""Payments of fees, whatever they are for: ``reference`` names it (e.g. an application's
public id), so this app knows no other app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ventanilla.core.models import TimeStampedModel
from ventanilla.payments.enums import DeclineReason, PaymentStatus


class Payment(TimeStampedModel):
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    reference = models.CharField(
        max_length=100, db_index=True, help_text=_("What the payment is for.")
    )
    description = models.CharField(max_length=200, help_text=_("Shown on the receipt."))
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, help_text=_("ISO 4217 code, e.g. EUR."))
    status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    decline_reason = models.CharField(max_length=40, choices=DeclineReason.choices, blank=True)
    provider = models.CharField(max_length=40, help_text=_("The provider that took it."))
    provider_reference = models.CharField(max_length=100, blank=True)
    card_last4 = models.CharField(
        max_length=4,
        help_text=_("The last four digits only: the full card number is never stored (PCI DSS)."),
    )
    idempotency_key = models.CharField(
        max_length=100,
        unique=True,
        help_text=_("The caller's key: a retry with it returns this payment, never a new charge."),
    )
    receipt_number = models.CharField(  # NULL, not "", until captured: NULLs never clash
        max_length=20, unique=True, null=True, blank=True, default=None
    )
    captured_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    refund_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            # At most one payment in progress or taken for one thing: two attempts at once
            # cannot both charge. A refunded, declined or failed one does not count.
            models.UniqueConstraint(
                fields=["reference"],
                condition=Q(status__in=[PaymentStatus.PENDING, PaymentStatus.CAPTURED]),
                name="payments_one_live_payment_per_reference",
            )
        ]

    def __str__(self) -> str:
        return self.receipt_number or f"{self.reference} ({self.status})"
