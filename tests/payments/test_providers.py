"""The sandbox behaves like a real provider's sandbox; the card check runs before any."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.payments.helpers import RecordingProvider, new_key
from ventanilla.core.errors import CardNumberInvalidError
from ventanilla.payments.cards import card_digits
from ventanilla.payments.enums import ChargeOutcome, DeclineReason
from ventanilla.payments.providers import SandboxProvider, payment_provider


def _charge(card_number: str, key: str | None = None) -> Any:
    return SandboxProvider().charge(
        amount=Decimal("25.00"),
        currency="EUR",
        card_number=card_number,
        idempotency_key=key or new_key(),
    )


@pytest.mark.parametrize(
    ("card_number", "outcome", "reason"),
    [
        ("4242424242424242", ChargeOutcome.SUCCEEDED, None),
        ("4000000000000002", ChargeOutcome.DECLINED, DeclineReason.CARD_DECLINED),
        ("4000000000009995", ChargeOutcome.DECLINED, DeclineReason.INSUFFICIENT_FUNDS),
        ("4111111111111111", ChargeOutcome.SUCCEEDED, None),
        ("4242424242424241", ChargeOutcome.DECLINED, DeclineReason.INCORRECT_NUMBER),
    ],
)
def test_each_sandbox_card_has_its_outcome(
    card_number: str, outcome: ChargeOutcome, reason: DeclineReason | None
) -> None:
    result = _charge(card_number)

    assert result.outcome == outcome
    assert result.decline_reason == reason
    assert result.provider_reference.startswith("sbx_ch_")
    assert len(result.provider_reference) == len("sbx_ch_") + 24


def test_the_sandbox_timeout_card_raises_a_timeout_error() -> None:
    with pytest.raises(TimeoutError):
        _charge("4000000000000119")


def test_the_sandbox_gives_the_same_result_for_the_same_key() -> None:
    key = new_key()
    first = _charge("4242424242424242", key)

    assert _charge("4000000000000002", key) == first
    assert _charge("4242424242424242") != first


def test_the_sandbox_refunds_a_charge_once() -> None:
    charge = _charge("4242424242424242")
    sandbox = SandboxProvider()

    first = sandbox.refund(provider_reference=charge.provider_reference, amount=Decimal("25.00"))
    again = sandbox.refund(provider_reference=charge.provider_reference, amount=Decimal("25.00"))

    assert first.provider_reference.startswith("sbx_re_")
    assert again == first


def test_the_provider_is_the_class_the_setting_names(settings: Any) -> None:
    assert isinstance(payment_provider(), RecordingProvider)

    settings.VENTANILLA_PAYMENT_PROVIDER = "ventanilla.payments.providers.SandboxProvider"

    assert type(payment_provider()) is SandboxProvider


@pytest.mark.parametrize(
    ("typed", "digits"),
    [("4242 4242 4242 4242", "4242424242424242"), ("4000-0000-0000-0002", "4000000000000002")],
)
def test_a_card_number_may_be_typed_with_spaces_or_dashes(typed: str, digits: str) -> None:
    assert card_digits(typed) == digits


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your card number."),
        ("4242 4242", "Enter a card number of 12 to 19 digits, as shown on your card."),
        ("4242 4242 4242 424x", "Enter a card number of 12 to 19 digits, as shown on your card."),
        ("4242 4242 4242 4241", "Your card number is not valid. Check it and enter it again."),
    ],
)
def test_a_malformed_card_number_is_refused_naming_the_field(typed: str, message: str) -> None:
    with pytest.raises(CardNumberInvalidError) as raised:
        card_digits(typed)

    assert raised.value.field == "card_number"
    assert raised.value.message == message
