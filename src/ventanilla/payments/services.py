"""Every write to a payment: take one, refund one."""

from __future__ import annotations

import logging
import re
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ventanilla.core.errors import (
    PaymentDeclinedError,
    PaymentDuplicateError,
    PaymentProviderTimeoutError,
    PaymentStateError,
    ValidationError,
)
from ventanilla.core.sequences import sequence_next
from ventanilla.identity.models import User
from ventanilla.payments.cards import card_digits
from ventanilla.payments.enums import ChargeOutcome, DeclineReason, PaymentStatus
from ventanilla.payments.models import Payment
from ventanilla.payments.providers import PaymentProvider, payment_provider

logger = logging.getLogger(__name__)

RECEIPT_PREFIX = "RC"
LIVE = (PaymentStatus.PENDING, PaymentStatus.CAPTURED)
DECLINED_MESSAGES = {
    DeclineReason.CARD_DECLINED: gettext_lazy(
        "Your card was declined. Try another card or contact your bank."
    ),
    DeclineReason.INSUFFICIENT_FUNDS: gettext_lazy(
        "Your card was declined because there is not enough money in the account. "
        "Try another card or contact your bank."
    ),
    DeclineReason.INCORRECT_NUMBER: gettext_lazy(
        "Your card number is not valid. Check it and enter it again."
    ),
}
TIMEOUT_MESSAGE = gettext_lazy(
    "The payment service did not answer in time. Try again in a few minutes: "
    "if your first attempt went through, you will not be charged twice."
)


def payment_take(
    *,
    payer: User,
    reference: str,
    description: str,
    amount: Decimal,
    currency: str,
    card_number: str,
    idempotency_key: str,
) -> Payment:
    """Charge ``card_number`` for ``reference`` and return the captured payment.

    Must not be called inside a transaction: the pending payment is committed before the
    provider is asked, so a crash mid-call leaves a trace, and no lock is held while
    waiting for the provider. The outcome is then recorded in one short transaction.
    A decline raises ``PaymentDeclinedError`` and a timeout ``PaymentProviderTimeoutError``,
    both after the payment is recorded.

    Idempotent on ``idempotency_key`` (one per attempt; a new card is a new attempt): the
    same key never charges twice. A retry returns the payment as it stands (captured, or
    pending while another request waits for the provider), raises the same decline
    again, or, after a timeout, asks the provider again under the same key. The key of
    another payer or of another payment is refused. A reference already paid, or being
    paid, is refused with ``PaymentDuplicateError`` before any charge.
    """
    currency = currency.strip().upper()
    _check(reference, description, amount, currency, idempotency_key)
    digits = card_digits(card_number)
    provider = payment_provider()

    existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _retry(existing, provider, digits, payer, reference, amount, currency)
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                payer=payer,
                reference=reference,
                description=description,
                amount=amount,
                currency=currency,
                provider=provider.name,
                card_last4=digits[-4:],
                idempotency_key=idempotency_key,
            )
    except IntegrityError:  # this key sent twice at once, or this reference paid or being paid
        existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            _refuse_if_live(reference)
            raise  # the other payment was settled in between: a retry will do
        return _retry(existing, provider, digits, payer, reference, amount, currency)
    return _charge(payment, provider, digits)


def _check(
    reference: str, description: str, amount: Decimal, currency: str, idempotency_key: str
) -> None:
    if not amount.is_finite() or amount <= 0:
        raise ValidationError(_("Enter an amount greater than zero."), field="amount")
    if amount >= 10**10:
        raise ValidationError(_("Enter an amount below 10,000,000,000."), field="amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            _("Enter an amount with no more than 2 decimal places."), field="amount"
        )
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise ValidationError(
            _("Enter the currency as a three-letter code, for example EUR."), field="currency"
        )
    for field, value, required, limit in (
        ("reference", reference, True, 100),
        ("description", description, False, 200),
        ("idempotency_key", idempotency_key, True, 100),
    ):
        if required and not value.strip():
            raise ValidationError(_("This field is required."), field=field)
        if len(value) > limit:
            raise ValidationError(
                _("This must be %(count)s characters or fewer.") % {"count": limit}, field=field
            )


def _refuse_if_live(reference: str) -> None:
    live = Payment.objects.filter(reference=reference, status__in=LIVE).first()
    if live is None:
        return
    if live.status == PaymentStatus.CAPTURED:
        raise PaymentDuplicateError(
            _("This has already been paid. You have not been charged again.")
        )
    raise PaymentDuplicateError(
        _(
            "A payment for this is already in progress. "
            "Wait a few minutes, then check whether it went through."
        )
    )


def _retry(
    payment: Payment,
    provider: PaymentProvider,
    digits: str,
    payer: User,
    reference: str,
    amount: Decimal,
    currency: str,
) -> Payment:
    same = (payment.payer_id, payment.reference, payment.amount, payment.currency) == (
        payer.pk,
        reference,
        amount,
        currency,
    )
    if not same:  # says nothing about the other payment: it may be someone else's
        raise ValidationError(
            _("This idempotency key was already used for another payment."),
            field="idempotency_key",
        )
    if payment.status == PaymentStatus.FAILED:
        # Whether the first charge went through is unknown: ask again under the same key,
        # which the provider answers with the first result. Claimed, so only one asks.
        try:
            with transaction.atomic():
                claimed = Payment.objects.filter(pk=payment.pk, status=PaymentStatus.FAILED).update(
                    status=PaymentStatus.PENDING
                )
        except IntegrityError:  # meanwhile another attempt paid, or is paying, this
            _refuse_if_live(reference)
            raise
        payment.refresh_from_db()
        if claimed:
            return _charge(payment, provider, digits)
    if payment.status == PaymentStatus.DECLINED:
        raise _declined(payment)
    return payment


def _charge(payment: Payment, provider: PaymentProvider, digits: str) -> Payment:
    try:
        result = provider.charge(
            amount=payment.amount,
            currency=payment.currency,
            card_number=digits,
            idempotency_key=payment.idempotency_key,
        )
    except Exception as exc:
        # The outcome is unknown: record it as failed, so that a retry asks again.
        logger.warning("payment %s: provider %s failed: %r", payment.pk, provider.name, exc)
        Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(
            status=PaymentStatus.FAILED, updated_at=timezone.now()
        )
        if isinstance(exc, TimeoutError):
            raise PaymentProviderTimeoutError(str(TIMEOUT_MESSAGE)) from exc
        raise
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != PaymentStatus.PENDING:
            return payment  # recorded by another request meanwhile
        payment.provider_reference = result.provider_reference
        if result.outcome == ChargeOutcome.SUCCEEDED:
            payment.status = PaymentStatus.CAPTURED
            payment.captured_at = timezone.now()
            payment.receipt_number = _receipt_number_next(
                timezone.localdate(payment.captured_at).year
            )
        else:
            payment.status = PaymentStatus.DECLINED
            payment.decline_reason = result.decline_reason or DeclineReason.CARD_DECLINED
        payment.save()
    logger.info("payment %s: %s", payment.pk, payment.status)
    if payment.status == PaymentStatus.DECLINED:
        raise _declined(payment)
    return payment


def _declined(payment: Payment) -> PaymentDeclinedError:
    return PaymentDeclinedError(str(DECLINED_MESSAGES[DeclineReason(payment.decline_reason)]))


def _receipt_number_next(year: int) -> str:
    """The next receipt number of ``year``, e.g. RC-2026-000123 (in the capture's
    transaction, so it is gapless)."""
    number = sequence_next(name="receipts", year=year)
    return f"{RECEIPT_PREFIX}-{year}-{number:06d}"


def payment_refund(*, payment: Payment, reason: str) -> Payment:
    """Refund a captured payment in full; refunding a refunded one returns it unchanged.

    As for a charge, no transaction is held while the provider is asked; a provider
    refunds one charge at most once, so two refunds at once make one.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the payment is refunded."), field="reason")
    payment = Payment.objects.get(pk=payment.pk)
    if payment.status == PaymentStatus.REFUNDED:
        return payment
    if payment.status != PaymentStatus.CAPTURED:
        raise PaymentStateError(_("Only a payment that was taken can be refunded."))
    provider = payment_provider()
    try:
        refund = provider.refund(
            provider_reference=payment.provider_reference, amount=payment.amount
        )
    except TimeoutError as exc:
        raise PaymentProviderTimeoutError(
            _("The payment service did not answer in time. Try the refund again in a few minutes.")
        ) from exc
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == PaymentStatus.CAPTURED:
            payment.status = PaymentStatus.REFUNDED
            payment.refunded_at = timezone.now()
            payment.refund_reason = reason
            payment.save()
    logger.info("payment %s: refunded (%s)", payment.pk, refund.provider_reference)
    return payment
