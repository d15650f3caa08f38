"""Reads of payments: a payer's own, one reference's, reconciliation and receipts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.core.errors import NotFoundError, PaymentStateError
from ventanilla.identity.models import User
from ventanilla.payments.enums import PaymentStatus
from ventanilla.payments.models import Payment


def payment_get_for_payer(*, payer: User, payment_id: int) -> Payment:
    """One of ``payer``'s payments; another payer's is NotFound, so that nobody learns
    which payments exist."""
    try:
        return Payment.objects.get(pk=payment_id, payer=payer)
    except Payment.DoesNotExist:
        raise NotFoundError(_("There is no such payment.")) from None


def payment_captured_for_reference(*, reference: str) -> Payment | None:
    return Payment.objects.filter(reference=reference, status=PaymentStatus.CAPTURED).first()


def payment_list_for_payer(*, payer: User) -> QuerySet[Payment]:
    return Payment.objects.filter(payer=payer).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class ReconciliationReport:
    """References (in the order given) that were not paid, and that were paid twice."""

    without_capture: list[str]
    captured_more_than_once: list[str]


def payment_reconcile(*, references: Iterable[str]) -> ReconciliationReport:
    wanted = list(dict.fromkeys(references))
    captured = dict(
        Payment.objects.filter(reference__in=wanted, status=PaymentStatus.CAPTURED)
        .values_list("reference")
        .annotate(count=Count("pk"))
        .values_list("reference", "count")
    )
    return ReconciliationReport(
        without_capture=[ref for ref in wanted if ref not in captured],
        captured_more_than_once=[ref for ref in wanted if captured.get(ref, 0) > 1],
    )


@dataclass(frozen=True)
class Receipt:
    receipt_number: str
    amount: Decimal
    currency: str
    description: str
    date: dt.date
    card_last4: str


def payment_receipt(*, payment: Payment) -> Receipt:
    """The receipt of a payment that was taken (it stays after a refund)."""
    if payment.receipt_number is None or payment.captured_at is None:
        raise PaymentStateError(_("There is no receipt: this payment was not taken."))
    return Receipt(
        receipt_number=payment.receipt_number,
        amount=payment.amount,
        currency=payment.currency,
        description=payment.description,
        date=timezone.localdate(payment.captured_at),
        card_last4=payment.card_last4,
    )
