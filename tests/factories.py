"""Test data made through the same services production uses."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Sequence
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from ventanilla.core import national_id
from ventanilla.exchange.enums import OWN_APPLICATION
from ventanilla.exchange.models import DataService, Member, Subsystem
from ventanilla.exchange.providers import PERSON_SCHEMA
from ventanilla.exchange.services import applications_systems_connect
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency, User
from ventanilla.identity.services import official_add, resident_link_person
from ventanilla.registries.enums import BoardRole, LandUse, LegalForm
from ventanilla.registries.identifiers import company_code_make
from ventanilla.registries.models import Company, Parcel, Person, Vehicle
from ventanilla.registries.services import (
    company_found,
    parcel_register,
    person_birth_register,
    vehicle_register,
)

_sequence = itertools.count(1)


def person(**overrides: Any) -> Person:
    """A person entered in the population registry (by registering their birth)."""
    number = next(_sequence)
    values: dict[str, Any] = {
        "national_id": national_id.make(200_000_000 + number),
        "given_name": "Ana",
        "family_name": f"García {number}",
        "birth_date": dt.date(1985, 3, 27),
        "address": "Calle Mayor 1",
        "postcode": "10001",
        "municipality": "Port Demo",
    }
    values.update(overrides)
    return person_birth_register(**values)


def company(*, board: Sequence[Person] = (), **overrides: Any) -> Company:
    """A limited company founded in 2015, with ``board`` (or one new person) as directors."""
    number = next(_sequence)
    values: dict[str, Any] = {
        "code": company_code_make(3_000_000 + number),
        "name": f"Conservas {number} S.L.",
        "legal_form": LegalForm.LIMITED_COMPANY,
        "founded_on": dt.date(2015, 6, 1),
        "address": "Muelle Norte 4",
        "postcode": "10001",
        "municipality": "Port Demo",
        "activities": ["10.20"],
        "board": [(member.national_id, BoardRole.DIRECTOR) for member in board or [person()]],
    }
    values.update(overrides)
    return company_found(**values)


def party_code(party: Person | Company) -> str:
    return party.national_id if isinstance(party, Person) else party.code


def parcel(*, owners: Sequence[tuple[Person | Company, str]] = (), **overrides: Any) -> Parcel:
    """A residential parcel in Port Demo registered in 2010, owned by ``owners`` (with
    their shares) or wholly by one new person."""
    number = next(_sequence)
    values: dict[str, Any] = {
        "cadastral_number": f"10001:001:{number:04d}",
        "municipality": "Port Demo",
        "area_m2": 600,
        "land_use": LandUse.RESIDENTIAL,
        "owners": [(party_code(owner), share) for owner, share in owners or [(person(), "1/1")]],
        "registered_on": dt.date(2010, 1, 1),
    }
    values.update(overrides)
    return parcel_register(**values)


def vehicle(*, keeper: Person | Company | None = None, **overrides: Any) -> Vehicle:
    """A car first registered in 2020, kept by ``keeper`` or one new person."""
    number = next(_sequence)
    values: dict[str, Any] = {
        "plate": f"{number % 10_000:04d} BCD",
        "vin": f"VSSZZZ6JZ{number:08d}",
        "make": "Seat",
        "model": "Ibiza",
        "first_registered_on": dt.date(2020, 5, 4),
        "keeper": party_code(keeper or person()),
    }
    values.update(overrides)
    return vehicle_register(**values)


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


def exchange_connect(
    *, registry: Agency | None = None, purposes: Sequence[str] = (OWN_APPLICATION,)
) -> DataService:
    """The exchange of a node whose catalogue is loaded: the population registry's
    ``population/person`` data service, answered by ``registry``'s system (the first agency
    by default) for ``purposes``; and each agency's applications system, with access to
    what its online services fetch (``applications_systems_connect``)."""
    registry = registry or Agency.objects.order_by("slug").first()
    assert registry is not None
    member, _ = Member.objects.get_or_create(
        agency=registry,
        defaults={"instance": "TEST", "member_class": "GOV", "member_code": registry.slug},
    )
    population, _ = Subsystem.objects.get_or_create(
        member=member, code="population", defaults={"name": {"en": "Population registry"}}
    )
    service, _ = DataService.objects.get_or_create(
        code="population/person",
        defaults={
            "provider": population,
            "name": {"en": "A person's name, birth and address"},
            "response_schema": PERSON_SCHEMA,
            "purposes": list(purposes),
        },
    )
    applications_systems_connect()
    return service


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
