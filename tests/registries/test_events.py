from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, models

from tests import factories
from ventanilla.core.errors import RegistryEventKindError
from ventanilla.registries import models as registry_models
from ventanilla.registries.enums import Registry, RegistryEventKind
from ventanilla.registries.events import event_new
from ventanilla.registries.models import Person, RegistryEvent
from ventanilla.registries.services import (
    board_member_appoint,
    board_member_resign,
    company_found,
    marriage_register,
    ownership_transfer,
    parcel_register,
    person_address_change,
    person_birth_register,
    person_death_register,
    vehicle_keeper_change,
    vehicle_register,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]

Change = Callable[[], object]


# Each scenario makes what its change needs, through the services, and returns the change.


def _birth() -> Change:
    mother = factories.person()
    return lambda: person_birth_register(
        given_name="Lola",
        family_name="Pérez",
        birth_date=dt.date(2026, 3, 27),
        parents=[(mother.national_id, "mother")],
    )


def _move() -> Change:
    person = factories.person()
    return lambda: person_address_change(
        national_id=person.national_id,
        address="Calle Sol 3",
        postcode="20100",
        municipality="Villanueva",
        moved_on=dt.date(2026, 1, 1),
    )


def _death() -> Change:
    person, spouse = factories.person(), factories.person()
    marriage_register(
        first=person.national_id, second=spouse.national_id, married_on=dt.date(2010, 1, 1)
    )
    return lambda: person_death_register(
        national_id=person.national_id, died_on=dt.date(2026, 1, 1)
    )


def _marriage() -> Change:
    a, b = factories.person(), factories.person()
    return lambda: marriage_register(
        first=a.national_id, second=b.national_id, married_on=dt.date(2026, 1, 1)
    )


def _founding() -> Change:
    director = factories.person()
    return lambda: company_found(
        name="Conservas Marina S.L.",
        legal_form="limited-company",
        founded_on=dt.date(2026, 1, 15),
        address="Muelle Norte 4",
        postcode="10001",
        municipality="Port Demo",
        activities=["10.20"],
        board=[(director.national_id, "director")],
    )


def _appointment() -> Change:
    company, member = factories.company(), factories.person()
    return lambda: board_member_appoint(
        company=company.code,
        national_id=member.national_id,
        role="member",
        since=dt.date(2026, 1, 1),
    )


def _resignation() -> Change:
    leaving, staying = factories.person(), factories.person()
    company = factories.company(board=[leaving, staying])
    return lambda: board_member_resign(
        company=company.code, national_id=leaving.national_id, until=dt.date(2026, 1, 1)
    )


def _parcel() -> Change:
    owner = factories.person()
    return lambda: parcel_register(
        cadastral_number="10001:004:0123",
        municipality="Port Demo",
        area_m2=812,
        land_use="residential",
        owners=[(owner.national_id, "1/1")],
        registered_on=dt.date(2012, 3, 1),
    )


def _transfer() -> Change:
    seller, buyer = factories.person(), factories.company()
    parcel = factories.parcel(owners=[(seller, "1/1")])
    return lambda: ownership_transfer(
        cadastral_number=parcel.cadastral_number,
        from_owner=seller.national_id,
        to_owner=buyer.code,
        share="1/3",
        transferred_on=dt.date(2026, 1, 1),
    )


def _vehicle() -> Change:
    keeper = factories.person()
    return lambda: vehicle_register(
        plate="1234 BCD",
        vin="VF1RJA00A12345678",
        make="Renault",
        model="Clio",
        first_registered_on=dt.date(2024, 2, 2),
        keeper=keeper.national_id,
    )


def _keeper() -> Change:
    vehicle, keeper = factories.vehicle(), factories.person()
    return lambda: vehicle_keeper_change(
        plate=vehicle.plate, keeper=keeper.national_id, since=dt.date(2026, 1, 1)
    )


SCENARIOS: dict[str, Callable[[], Change]] = {
    "person_birth_register": _birth,
    "person_address_change": _move,
    "person_death_register": _death,
    "marriage_register": _marriage,
    "company_found": _founding,
    "board_member_appoint": _appointment,
    "board_member_resign": _resignation,
    "parcel_register": _parcel,
    "ownership_transfer": _transfer,
    "vehicle_register": _vehicle,
    "vehicle_keeper_change": _keeper,
}


def _registries() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every registry table."""
    tables = [
        model
        for model in vars(registry_models).values()
        if isinstance(model, type)
        and issubclass(model, models.Model)
        and not model._meta.abstract
        and model._meta.app_label == "registries"
    ]
    assert len(tables) == 10
    return {
        model.__name__: [
            tuple(row.values()) for row in model._default_manager.order_by("pk").values()
        ]
        for model in tables
    }


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_a_change_and_its_events_are_written_together_or_not_at_all(
    scenario: Callable[[], Change], monkeypatch: pytest.MonkeyPatch
) -> None:
    change = scenario()
    before = _registries()

    def refuse(*args: object, **kwargs: object) -> None:
        raise DatabaseError("the registry events table refused the row")

    monkeypatch.setattr(RegistryEvent.objects, "bulk_create", refuse)
    with pytest.raises(DatabaseError):
        change()
    assert _registries() == before

    monkeypatch.undo()
    change()
    after = _registries()
    assert len(after["RegistryEvent"]) > len(before["RegistryEvent"])
    changed = {name for name, rows in after.items() if rows != before[name]}
    assert changed - {"RegistryEvent"}, "the change itself wrote nothing"


def test_an_event_of_a_kind_nobody_registered_is_refused() -> None:
    with pytest.raises(RegistryEventKindError) as refused:
        event_new(
            kind="population.person.teleported",  # type: ignore[arg-type]
            subject="1234567897",
            on=dt.date(2026, 1, 1),
        )
    assert refused.value.message == (
        "'population.person.teleported' is not a registered registry event kind; add it to "
        "ventanilla.registries.enums.RegistryEventKind first."
    )
    assert not RegistryEvent.objects.exists()


def test_every_event_kind_reads_registry_thing_happened() -> None:
    for kind in RegistryEventKind:
        registry, thing, happened = kind.value.split(".")
        assert kind.registry == Registry(registry)
        assert thing and happened.endswith("ed"), kind


ALLOWED_PAYLOAD = {
    "parents",
    "from_municipality",
    "to_municipality",
    "surviving_spouse",
    "spouse",
    "legal_form",
    "municipality",
    "activities",
    "national_id",
    "role",
    "change",
    "cadastral_number",
    "share",
    "plate",
}


def test_event_payloads_carry_identifiers_and_codes_but_no_names_or_addresses() -> None:
    for scenario in SCENARIOS.values():
        scenario()()
    assert {event.kind for event in RegistryEvent.objects.all()} == set(RegistryEventKind)
    personal = {
        text
        for person in Person.objects.all()
        for text in (person.given_name, person.family_name, person.address, person.postcode)
    }
    for event in RegistryEvent.objects.all():
        assert set(event.payload) <= ALLOWED_PAYLOAD, event.kind
        assert not personal & {str(value) for value in event.payload.values()}, event.kind
