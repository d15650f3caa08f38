"""Demoland's national id number: nine digits and a check digit (ISO 7064 MOD 11,10).

MOD 11,10 (also used by Croatia's OIB) catches every single mistyped digit and every swap
of two neighbouring digits, the two commonest typing errors.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ventanilla.core.errors import NationalIdInvalidError

LENGTH = 10
_SEPARATORS = re.compile(r"[\s.-]+")


def check_digit(body: str) -> int:
    """The check digit for the first nine digits ``body``."""
    product = 10
    for char in body:
        total = (int(char) + product) % 10 or 10
        product = (total * 2) % 11
    return (11 - product) % 10


def make(body: int | str) -> str:
    """A valid national id from a number of at most nine digits."""
    digits = f"{int(body):09d}"
    if len(digits) != LENGTH - 1:
        raise ValueError("a national id body has nine digits")
    return digits + str(check_digit(digits))


def normalize(value: str) -> str:
    """The canonical form (ten digits) of a typed national id, or an error saying what is wrong.

    Spaces, dots and dashes people type between groups are allowed and dropped.
    """
    digits = _SEPARATORS.sub("", value or "")
    if not digits:
        raise NationalIdInvalidError(_("Enter your national id number."), field="national_id")
    if not digits.isascii() or not digits.isdigit():
        raise NationalIdInvalidError(
            _("A national id number has only digits, like 1234567897."), field="national_id"
        )
    if len(digits) != LENGTH:
        raise NationalIdInvalidError(
            _("A national id number has %(length)d digits; you entered %(count)d.")
            % {"length": LENGTH, "count": len(digits)},
            field="national_id",
        )
    if check_digit(digits[:-1]) != int(digits[-1]):
        raise NationalIdInvalidError(
            _("This national id number is not valid: check that you typed every digit right."),
            field="national_id",
        )
    return digits


def is_valid(value: str) -> bool:
    try:
        normalize(value)
    except NationalIdInvalidError:
        return False
    return True
