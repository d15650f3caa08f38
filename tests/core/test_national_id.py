from __future__ import annotations

import pytest

from ventanilla.core import national_id
from ventanilla.core.errors import NationalIdInvalidError


def test_a_made_number_is_valid_and_has_ten_digits() -> None:
    number = national_id.make(123456789)
    assert number == "1234567897"
    assert national_id.is_valid(number)


def test_separators_people_type_are_dropped() -> None:
    assert national_id.normalize(" 123 456-789.7 ") == "1234567897"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter your national id number."),
        ("12345678A7", "A national id number has only digits, like 1234567897."),
        ("123456789", "A national id number has 10 digits; you entered 9."),
        (
            "1234567890",
            "This national id number is not valid: check that you typed every digit right.",
        ),
    ],
)
def test_a_bad_number_says_what_is_wrong(value: str, message: str) -> None:
    with pytest.raises(NationalIdInvalidError) as raised:
        national_id.normalize(value)
    assert raised.value.message == message
    assert raised.value.field == "national_id"


def test_every_single_digit_mistake_is_caught() -> None:
    valid = national_id.make(987654321)
    for position in range(10):
        for digit in "0123456789":
            if digit == valid[position]:
                continue
            typo = valid[:position] + digit + valid[position + 1 :]
            assert not national_id.is_valid(typo), typo


def test_every_swap_of_neighbouring_digits_is_caught() -> None:
    for body in (123456789, 100000001, 555123987):
        valid = national_id.make(body)
        for position in range(9):
            a, b = valid[position], valid[position + 1]
            if a == b:
                continue
            swapped = valid[:position] + b + a + valid[position + 2 :]
            assert not national_id.is_valid(swapped), swapped


def test_non_ascii_digits_are_refused() -> None:
    assert not national_id.is_valid("١٢٣٤٥٦٧٨٩٧")
