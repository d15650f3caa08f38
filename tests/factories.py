"""Test data made through the same services production uses."""

from __future__ import annotations

import datetime as dt
import itertools
import time

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from ventanilla.core import national_id
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency, User
from ventanilla.identity.services import official_add, resident_link_person
from ventanilla.registries.models import Person

_sequence = itertools.count(1)


def person(**overrides: object) -> Person:
    number = next(_sequence)
    values: dict[str, object] = {
        "national_id": national_id.make(200_000_000 + number),
        "given_name": "Ana",
        "family_name": f"García {number}",
        "birth_date": dt.date(1985, 3, 27),
        "address": "Calle Mayor 1",
        "postcode": "10001",
        "municipality": "Port Demo",
    }
    values.update(overrides)
    return Person.objects.create(**values)


def user(*, email: str | None = None, password: str = "a-long-test-password") -> User:
    email = email or f"user{next(_sequence)}@test.example"
    account = User.objects.create_user(email, password)
    EmailAddress.objects.create(user=account, email=email, verified=True, primary=True)
    return account


def resident(*, registry_person: Person | None = None, **kwargs: object) -> User:
    account = user(**kwargs)  # type: ignore[arg-type]
    return resident_link_person(user=account, person=registry_person or person())


def official(
    *, agency: Agency, role: Role = Role.CASEWORKER, totp: bool = True
) -> tuple[User, str]:
    """An official of ``agency``; returns the account and its TOTP secret ("" without TOTP)."""
    account = user()
    official_add(user=account, agency=agency, role=role)
    secret = ""
    if totp:
        secret = generate_totp_secret()
        TOTP.activate(account, secret)
    return account, secret


def official_add_role(*, user: User, agency: Agency, role: Role) -> None:
    official_add(user=user, agency=agency, role=role)


TOTP_PERIOD = 30
TOTP_MARGIN = 5


def totp_code(secret: str) -> str:
    """The current authenticator code, at least TOTP_MARGIN seconds before it changes, so
    that a slow browser cannot send a code that expired on the way (the server allows
    no drift)."""
    remaining = TOTP_PERIOD - time.time() % TOTP_PERIOD
    if remaining < TOTP_MARGIN:
        time.sleep(remaining + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // TOTP_PERIOD))
