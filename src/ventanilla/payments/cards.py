"""Card numbers as people type them: checked here, before any provider sees them."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ventanilla.core.errors import CardNumberInvalidError

_SEPARATORS = re.compile(r"[\s-]+")


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check digit of a string of digits, as every card number carries."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_digits(card_number: str) -> str:
    """The digits of ``card_number`` (spaces and dashes allowed), or
    ``CardNumberInvalidError`` for the field ``card_number``. The number is never put in
    a message or a log."""
    digits = _SEPARATORS.sub("", card_number)
    if not digits:
        raise CardNumberInvalidError(_("Enter your card number."), field="card_number")
    if not digits.isascii() or not digits.isdigit() or not 12 <= len(digits) <= 19:
        raise CardNumberInvalidError(
            _("Enter a card number of 12 to 19 digits, as shown on your card."),
            field="card_number",
        )
    if not luhn_valid(digits):
        raise CardNumberInvalidError(
            _("Your card number is not valid. Check it and enter it again."),
            field="card_number",
        )
    return digits
