"""Payments taken through the real service, with a sandbox that counts what it is asked."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import ClassVar

from ventanilla.identity.models import User
from ventanilla.payments.models import Payment
from ventanilla.payments.providers import ChargeResult, RefundResult, SandboxProvider
from ventanilla.payments.services import payment_take

GOOD_CARD = "4242 4242 4242 4242"


class RecordingProvider(SandboxProvider):
    """The sandbox, keeping the idempotency key of every charge and the charge reference
    of every refund it is asked for."""

    charges: ClassVar[list[str]] = []
    refunds: ClassVar[list[str]] = []

    def charge(
        self, *, amount: Decimal, currency: str, card_number: str, idempotency_key: str
    ) -> ChargeResult:
        self.charges.append(idempotency_key)
        return super().charge(
            amount=amount,
            currency=currency,
            card_number=card_number,
            idempotency_key=idempotency_key,
        )

    def refund(self, *, provider_reference: str, amount: Decimal) -> RefundResult:
        self.refunds.append(provider_reference)
        return super().refund(provider_reference=provider_reference, amount=amount)


class OnceSlowProvider(RecordingProvider):
    """Times out on the first charge it is asked for, then answers like the sandbox."""

    timed_out: ClassVar[bool] = False

    def charge(
        self, *, amount: Decimal, currency: str, card_number: str, idempotency_key: str
    ) -> ChargeResult:
        if not OnceSlowProvider.timed_out:
            OnceSlowProvider.timed_out = True
            self.charges.append(idempotency_key)
            raise TimeoutError("no answer")
        return super().charge(
            amount=amount,
            currency=currency,
            card_number=card_number,
            idempotency_key=idempotency_key,
        )


def new_key() -> str:
    """Unique within the process: the sandbox remembers keys across tests."""
    return f"test-{uuid.uuid4().hex}"


def take(
    *,
    payer: User,
    reference: str = "application-1",
    amount: str = "25.00",
    card_number: str = GOOD_CARD,
    idempotency_key: str | None = None,
) -> Payment:
    return payment_take(
        payer=payer,
        reference=reference,
        description="Birth certificate fee",
        amount=Decimal(amount),
        currency="EUR",
        card_number=card_number,
        idempotency_key=idempotency_key or new_key(),
    )
