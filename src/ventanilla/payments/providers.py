"""Payment providers: the protocol every adapter follows, and the sandbox (the default).

``VENTANILLA_PAYMENT_PROVIDER`` names the class (a dotted path); services get an instance
from ``payment_provider()``. HTTP clients of real providers live in adapters here, each
behind ``PaymentProvider``.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from ventanilla.payments.cards import luhn_valid
from ventanilla.payments.enums import ChargeOutcome, DeclineReason


@dataclass(frozen=True)
class ChargeResult:
    provider_reference: str
    outcome: ChargeOutcome
    decline_reason: DeclineReason | None = None


@dataclass(frozen=True)
class RefundResult:
    provider_reference: str


class PaymentProvider(Protocol):
    """What a payment provider adapter offers.

    ``charge`` is idempotent on ``idempotency_key``: the same key returns the first
    result and never charges twice. When the provider does not answer in time it raises
    ``TimeoutError``: the charge may or may not have happened, and asking again with the
    same key finds out. ``refund`` refunds one charge at most once: asking again returns
    the first refund. Amounts are in the currency's main unit (12.50, not 1250).
    """

    name: str

    def charge(
        self, *, amount: Decimal, currency: str, card_number: str, idempotency_key: str
    ) -> ChargeResult: ...

    def refund(self, *, provider_reference: str, amount: Decimal) -> RefundResult: ...


# The sandbox's test cards, as in real providers' sandboxes; any other number with a
# valid check digit succeeds.
SANDBOX_DECLINED = {
    "4000000000000002": DeclineReason.CARD_DECLINED,
    "4000000000009995": DeclineReason.INSUFFICIENT_FUNDS,
}
SANDBOX_TIMEOUT = "4000000000000119"


class SandboxProvider:
    """Takes no money. Remembers its charges and refunds for the life of the process."""

    name = "sandbox"
    _charges: ClassVar[dict[str, ChargeResult]] = {}
    _refunds: ClassVar[dict[str, RefundResult]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def charge(
        self, *, amount: Decimal, currency: str, card_number: str, idempotency_key: str
    ) -> ChargeResult:
        if card_number == SANDBOX_TIMEOUT:
            raise TimeoutError("the sandbox's timeout test card never gets an answer")
        with self._lock:
            if idempotency_key not in self._charges:
                reason = SANDBOX_DECLINED.get(card_number)
                if reason is None and not luhn_valid(card_number):
                    reason = DeclineReason.INCORRECT_NUMBER
                self._charges[idempotency_key] = ChargeResult(
                    provider_reference=f"sbx_ch_{secrets.token_hex(12)}",
                    outcome=ChargeOutcome.DECLINED if reason else ChargeOutcome.SUCCEEDED,
                    decline_reason=reason,
                )
            return self._charges[idempotency_key]

    def refund(self, *, provider_reference: str, amount: Decimal) -> RefundResult:
        with self._lock:
            if provider_reference not in self._refunds:
                self._refunds[provider_reference] = RefundResult(
                    provider_reference=f"sbx_re_{secrets.token_hex(12)}"
                )
            return self._refunds[provider_reference]


def payment_provider() -> PaymentProvider:
    provider: PaymentProvider = import_string(settings.VENTANILLA_PAYMENT_PROVIDER)()
    return provider
