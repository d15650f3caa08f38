"""The registries' identifiers, as people type them and as they are stored.

Each ``*_normalize`` returns the canonical form or raises a ValidationError for ``field``
saying what is wrong, so that a service refuses bad input with the name of its argument.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Literal

from django.utils.translation import gettext as _

from ventanilla.core import national_id
from ventanilla.core.errors import NationalIdInvalidError, ValidationError

COMPANY_CODE_LENGTH = 8
_SEPARATORS = re.compile(r"[\s.-]+")
_PLATE = re.compile(r"^(\d{4})([BCDFGHJKLMNPRSTVWXYZ]{3})$")
_VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_CADASTRAL = re.compile(r"^\d{5}:\d{3}:\d{4}$")


def national_id_normalize(value: str, *, field: str) -> str:
    """``core.national_id.normalize``, with the error on ``field``."""
    try:
        return national_id.normalize(value)
    except NationalIdInvalidError as exc:
        raise NationalIdInvalidError(exc.message, field=field) from None


def company_code_make(body: int) -> str:
    """A registry code from a number of seven digits: the digits and a check digit
    (ISO 7064 MOD 11,10, as national id numbers)."""
    digits = f"{body:07d}"
    if len(digits) != COMPANY_CODE_LENGTH - 1:
        raise ValueError("a registry code body has seven digits")
    return digits + str(national_id.check_digit(digits))


def company_code_normalize(value: str, *, field: str) -> str:
    digits = _SEPARATORS.sub("", value or "")
    if (
        len(digits) != COMPANY_CODE_LENGTH
        or not digits.isascii()
        or not digits.isdigit()
        or national_id.check_digit(digits[:-1]) != int(digits[-1])
    ):
        raise ValidationError(
            _(
                "A company's registry code has %(length)d digits, the last a check digit, "
                "like 12345672: check that you typed every digit right."
            )
            % {"length": COMPANY_CODE_LENGTH},
            field=field,
        )
    return digits


def party_normalize(value: str, *, field: str) -> tuple[Literal["person", "company"], str]:
    """Who ``value`` names: a person by national id number (ten digits) or a company by
    registry code (eight digits), in canonical form."""
    digits = _SEPARATORS.sub("", value or "")
    if len(digits) == COMPANY_CODE_LENGTH:
        return "company", company_code_normalize(digits, field=field)
    if len(digits) == national_id.LENGTH:
        return "person", national_id_normalize(digits, field=field)
    raise ValidationError(
        _(
            "Enter a person's national id number (ten digits) or a company's registry "
            "code (eight digits)."
        ),
        field=field,
    )


def plate_normalize(value: str, *, field: str) -> str:
    """Demoland's plates: four digits and three consonants, stored as ``1234 BCD``."""
    compact = _SEPARATORS.sub("", value or "").upper()
    match = _PLATE.match(compact)
    if match is None:
        raise ValidationError(
            _(
                "A registration plate has four digits and three consonants, like 1234 BCD "
                "(no vowels, Ñ or Q)."
            ),
            field=field,
        )
    return f"{match[1]} {match[2]}"


def vin_normalize(value: str, *, field: str) -> str:
    """A vehicle identification number (ISO 3779): 17 letters and digits, no I, O or Q."""
    compact = _SEPARATORS.sub("", value or "").upper()
    if not _VIN.match(compact):
        raise ValidationError(
            _(
                "A vehicle identification number (VIN) has 17 letters and digits and never "
                "the letters I, O or Q."
            ),
            field=field,
        )
    return compact


def cadastral_number_normalize(value: str, *, field: str) -> str:
    """``MMMMM:BBB:PPPP``: municipality, block and parcel, as in the cadastral map."""
    number = (value or "").strip()
    if not _CADASTRAL.match(number):
        raise ValidationError(
            _("A cadastral number reads municipality, block and parcel, like 10001:004:0123."),
            field=field,
        )
    return number


def share_parse(value: Fraction | str, *, field: str) -> Fraction:
    """A share of a whole, from a fraction or its text ("1/2"), more than 0 and at most 1."""
    try:
        share = value if isinstance(value, Fraction) else Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise ValidationError(
            _("Write a share as a fraction, like 1/2 for half."), field=field
        ) from None
    if share <= 0:
        raise ValidationError(_("A share must be more than nothing."), field=field)
    if share > 1:
        raise ValidationError(
            _("A share cannot be more than the whole (100%%); you entered %(share)s.")
            % {"share": share},
            field=field,
        )
    return share


def share_text(share: Fraction) -> str:
    """A share as the registry writes it: ``1/2``, ``1/1``."""
    return f"{share.numerator}/{share.denominator}"
