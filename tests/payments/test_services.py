"""Taking a fee: charged at most once, every outcome recorded, refunds once."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from tests import factories
from tests.payments.helpers import GOOD_CARD, RecordingProvider, new_key, take
from ventanilla.core.errors import (
    CardNumberInvalidError,
    PaymentDeclinedError,
    PaymentDuplicateError,
    PaymentProviderTimeoutError,
    PaymentStateError,
    ValidationError,
)
from ventanilla.payments.enums import DeclineReason, PaymentStatus
from ventanilla.payments.models import Payment
from ventanilla.payments.services import payment_refund, payment_take

pytestmark = pytest.mark.django_db

DECLINED = "Your card was declined. Try another card or contact your bank."
NO_FUNDS = (
    "Your card was declined because there is not enough money in the account. "
    "Try another card or contact your bank."
)
TIMED_OUT = (
    "The payment service did not answer in time. Try again in a few minutes: "
    "if your first attempt went through, you will not be charged twice."
)


def _year() -> int:
    return timezone.localdate().year


def test_a_good_card_captures_the_payment_and_gives_a_receipt_number() -> None:
    payer = factories.user()
    key = new_key()

    payment = take(payer=payer, idempotency_key=key)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    assert payment.payer == payer
    assert payment.reference == "application-1"
    assert payment.amount == Decimal("25.00")
    assert payment.currency == "EUR"
    assert payment.receipt_number == f"RC-{_year()}-000001"
    assert payment.card_last4 == "4242"
    assert payment.provider == "sandbox"
    assert payment.provider_reference.startswith("sbx_ch_")
    assert payment.captured_at is not None
    assert payment.decline_reason == ""
    assert RecordingProvider.charges == [key]


def test_any_other_card_with_a_valid_check_digit_is_captured() -> None:
    payment = take(payer=factories.user(), card_number="4111 1111 1111 1111")

    assert payment.status == PaymentStatus.CAPTURED
    assert payment.card_last4 == "1111"


def test_a_declined_card_leaves_a_declined_payment_and_says_why() -> None:
    with pytest.raises(PaymentDeclinedError) as raised:
        take(payer=factories.user(), card_number="4000 0000 0000 0002")

    assert raised.value.message == DECLINED
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.DECLINED
    assert payment.decline_reason == DeclineReason.CARD_DECLINED
    assert payment.receipt_number is None
    assert payment.captured_at is None
    assert payment.card_last4 == "0002"


def test_a_card_without_enough_money_is_declined_for_insufficient_funds() -> None:
    with pytest.raises(PaymentDeclinedError) as raised:
        take(payer=factories.user(), card_number="4000 0000 0000 9995")

    assert raised.value.message == NO_FUNDS
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.DECLINED
    assert payment.decline_reason == DeclineReason.INSUFFICIENT_FUNDS


def test_a_provider_timeout_leaves_a_failed_payment_and_says_to_try_again() -> None:
    with pytest.raises(PaymentProviderTimeoutError) as raised:
        take(payer=factories.user(), card_number="4000 0000 0000 0119")

    assert raised.value.message == TIMED_OUT
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.FAILED
    assert payment.receipt_number is None
    assert payment.provider_reference == ""


def test_a_retry_after_a_timeout_asks_the_provider_again_under_the_same_key(
    settings: Any,
) -> None:
    settings.VENTANILLA_PAYMENT_PROVIDER = "tests.payments.helpers.OnceSlowProvider"
    payer, key = factories.user(), new_key()
    with pytest.raises(PaymentProviderTimeoutError):
        take(payer=payer, idempotency_key=key)

    payment = take(payer=payer, idempotency_key=key)

    assert payment.status == PaymentStatus.CAPTURED
    assert payment.receipt_number == f"RC-{_year()}-000001"
    assert Payment.objects.count() == 1
    assert RecordingProvider.charges == [key, key]


def test_a_card_number_failing_the_check_digit_is_refused_before_the_provider() -> None:
    with pytest.raises(CardNumberInvalidError) as raised:
        take(payer=factories.user(), card_number="4242 4242 4242 4241")

    assert raised.value.field == "card_number"
    assert raised.value.message == "Your card number is not valid. Check it and enter it again."
    assert not Payment.objects.exists()
    assert RecordingProvider.charges == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": Decimal(0)}, "amount", "Enter an amount greater than zero."),
        ({"amount": Decimal("-5")}, "amount", "Enter an amount greater than zero."),
        ({"amount": Decimal("NaN")}, "amount", "Enter an amount greater than zero."),
        (
            {"amount": Decimal("1.005")},
            "amount",
            "Enter an amount with no more than 2 decimal places.",
        ),
        ({"amount": Decimal("1e10")}, "amount", "Enter an amount below 10,000,000,000."),
        (
            {"currency": "euro"},
            "currency",
            "Enter the currency as a three-letter code, for example EUR.",
        ),
        ({"reference": " "}, "reference", "This field is required."),
        ({"idempotency_key": ""}, "idempotency_key", "This field is required."),
        (
            {"idempotency_key": "k" * 101},
            "idempotency_key",
            "This must be 100 characters or fewer.",
        ),
    ],
)
def test_wrong_input_is_refused_naming_the_field(
    changes: dict[str, Any], field: str, message: str
) -> None:
    arguments: dict[str, Any] = {
        "payer": factories.user(),
        "reference": "application-1",
        "description": "Birth certificate fee",
        "amount": Decimal("25.00"),
        "currency": "EUR",
        "card_number": GOOD_CARD,
        "idempotency_key": new_key(),
    }
    arguments.update(changes)

    with pytest.raises(ValidationError) as raised:
        payment_take(**arguments)

    assert (raised.value.field, raised.value.message) == (field, message)
    assert not Payment.objects.exists()
    assert RecordingProvider.charges == []


def test_a_lower_case_currency_is_stored_in_capitals() -> None:
    payment = payment_take(
        payer=factories.user(),
        reference="application-1",
        description="Birth certificate fee",
        amount=Decimal("25"),
        currency="eur",
        card_number=GOOD_CARD,
        idempotency_key=new_key(),
    )

    assert payment.currency == "EUR"


def test_the_same_idempotency_key_twice_makes_one_payment_and_one_charge() -> None:
    payer, key = factories.user(), new_key()

    first = take(payer=payer, idempotency_key=key)
    second = take(payer=payer, idempotency_key=key)

    assert second.pk == first.pk
    assert second.receipt_number == first.receipt_number
    assert Payment.objects.count() == 1
    assert RecordingProvider.charges == [key]


def test_a_declined_payment_retried_with_its_key_is_declined_again_without_a_charge() -> None:
    payer, key = factories.user(), new_key()
    with pytest.raises(PaymentDeclinedError):
        take(payer=payer, card_number="4000 0000 0000 0002", idempotency_key=key)

    with pytest.raises(PaymentDeclinedError) as raised:
        take(payer=payer, card_number="4000 0000 0000 0002", idempotency_key=key)

    assert raised.value.message == DECLINED
    assert Payment.objects.count() == 1
    assert RecordingProvider.charges == [key]


def test_another_payer_cannot_reuse_an_idempotency_key() -> None:
    key = new_key()
    take(payer=factories.user(), idempotency_key=key)

    with pytest.raises(ValidationError) as raised:
        take(payer=factories.user(), idempotency_key=key)

    assert raised.value.field == "idempotency_key"
    assert raised.value.message == "This idempotency key was already used for another payment."
    assert Payment.objects.count() == 1
    assert RecordingProvider.charges == [key]


def test_an_idempotency_key_cannot_be_reused_for_another_amount() -> None:
    payer, key = factories.user(), new_key()
    take(payer=payer, idempotency_key=key)

    with pytest.raises(ValidationError) as raised:
        take(payer=payer, amount="30.00", idempotency_key=key)

    assert raised.value.field == "idempotency_key"


def test_a_second_payment_for_a_paid_reference_is_refused_without_a_charge() -> None:
    payer = factories.user()
    first = take(payer=payer)

    with pytest.raises(PaymentDuplicateError) as raised:
        take(payer=payer)

    assert raised.value.message == "This has already been paid. You have not been charged again."
    assert list(Payment.objects.all()) == [first]
    assert len(RecordingProvider.charges) == 1


def test_a_payment_in_progress_for_the_reference_blocks_a_second_one() -> None:
    payer = factories.user()
    Payment.objects.create(
        payer=payer,
        reference="application-1",
        description="Birth certificate fee",
        amount=Decimal("25.00"),
        currency="EUR",
        provider="sandbox",
        card_last4="4242",
        idempotency_key=new_key(),
    )

    with pytest.raises(PaymentDuplicateError) as raised:
        take(payer=payer)

    assert raised.value.message == (
        "A payment for this is already in progress. "
        "Wait a few minutes, then check whether it went through."
    )
    assert RecordingProvider.charges == []


def test_a_reference_can_be_paid_after_a_declined_attempt() -> None:
    payer = factories.user()
    with pytest.raises(PaymentDeclinedError):
        take(payer=payer, card_number="4000 0000 0000 0002")

    payment = take(payer=payer)

    assert payment.status == PaymentStatus.CAPTURED
    assert Payment.objects.count() == 2


def test_receipt_numbers_are_unique_and_sequential_per_year(monkeypatch: Any) -> None:
    payer, year = factories.user(), _year()
    numbers = [take(payer=payer, reference=f"application-{n}").receipt_number for n in range(3)]
    with pytest.raises(PaymentDeclinedError):
        take(payer=payer, reference="application-9", card_number="4000 0000 0000 0002")
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2099, 1, 1, 9, tzinfo=dt.UTC))
    next_year = take(payer=payer, reference="application-3").receipt_number

    assert numbers == [f"RC-{year}-000001", f"RC-{year}-000002", f"RC-{year}-000003"]
    assert next_year == "RC-2099-000001"


def test_a_captured_payment_is_refunded_with_its_reason() -> None:
    payment = take(payer=factories.user())

    refunded = payment_refund(payment=payment, reason="  Application withdrawn  ")

    refunded.refresh_from_db()
    assert refunded.status == PaymentStatus.REFUNDED
    assert refunded.refund_reason == "Application withdrawn"
    assert refunded.refunded_at is not None
    assert refunded.receipt_number == payment.receipt_number
    assert RecordingProvider.refunds == [payment.provider_reference]


def test_refunding_a_refunded_payment_changes_nothing() -> None:
    payment = payment_refund(payment=take(payer=factories.user()), reason="Withdrawn")

    again = payment_refund(payment=payment, reason="Clicked twice")

    assert again.refund_reason == "Withdrawn"
    assert again.refunded_at == payment.refunded_at
    assert len(RecordingProvider.refunds) == 1


def test_a_payment_that_was_not_taken_cannot_be_refunded() -> None:
    with pytest.raises(PaymentDeclinedError):
        take(payer=factories.user(), card_number="4000 0000 0000 0002")

    with pytest.raises(PaymentStateError) as raised:
        payment_refund(payment=Payment.objects.get(), reason="Withdrawn")

    assert raised.value.message == "Only a payment that was taken can be refunded."
    assert Payment.objects.get().status == PaymentStatus.DECLINED
    assert RecordingProvider.refunds == []


def test_a_refund_needs_a_reason() -> None:
    payment = take(payer=factories.user())

    with pytest.raises(ValidationError) as raised:
        payment_refund(payment=payment, reason=" ")

    assert (raised.value.field, raised.value.message) == (
        "reason",
        "Say why the payment is refunded.",
    )
    assert RecordingProvider.refunds == []


def test_a_refunded_reference_can_be_paid_again() -> None:
    payer = factories.user()
    payment_refund(payment=take(payer=payer), reason="Wrong amount")

    again = take(payer=payer, amount="20.00")

    assert again.status == PaymentStatus.CAPTURED
    assert again.receipt_number == f"RC-{_year()}-000002"


def _four_at_once(pay: Callable[[], Payment]) -> tuple[list[Payment], list[Exception]]:
    barrier = threading.Barrier(4)
    taken: list[Payment] = []
    errors: list[Exception] = []

    def run() -> None:
        try:
            barrier.wait()
            taken.append(pay())
        except Exception as exc:  # the test asserts on them
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return taken, errors


@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_four_times_at_once_makes_one_payment_and_one_charge() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time; the race needs PostgreSQL")
    payer, key = factories.user(), new_key()

    taken, errors = _four_at_once(lambda: take(payer=payer, idempotency_key=key))

    assert errors == []
    assert len(taken) == 4
    assert len({payment.pk for payment in taken}) == 1
    assert Payment.objects.count() == 1
    assert Payment.objects.get().status == PaymentStatus.CAPTURED
    assert RecordingProvider.charges == [key]


@pytest.mark.django_db(transaction=True)
def test_four_payments_for_one_reference_at_once_charge_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time; the race needs PostgreSQL")
    payer = factories.user()

    taken, errors = _four_at_once(lambda: take(payer=payer))

    assert len(taken) == 1
    assert len(errors) == 3
    assert all(isinstance(error, PaymentDuplicateError) for error in errors)
    assert Payment.objects.get().status == PaymentStatus.CAPTURED
    assert len(RecordingProvider.charges) == 1
