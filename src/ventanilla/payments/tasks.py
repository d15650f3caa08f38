"""Background payment work (the worker runs these)."""

from __future__ import annotations

from django_tasks import task

from ventanilla.payments.selectors import payment_captured_for_reference
from ventanilla.payments.services import payment_refund


@task()
def refund_for_reference(reference: str, reason: str) -> str:
    """Refund the captured payment for ``reference``, if there is one (idempotent)."""
    payment = payment_captured_for_reference(reference=reference)
    if payment is None:
        return "nothing to refund"
    return str(payment_refund(payment=payment, reason=reason).status)
