from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest

from tests import factories
from ventanilla.core.errors import ValidationError
from ventanilla.registries.models import (
    Company,
    Ownership,
    Parcel,
    Person,
    RegistryEvent,
    Vehicle,
    VehicleKeeper,
)
from ventanilla.registries.services import (
    ownership_transfer,
    parcel_register,
    person_death_register,
    vehicle_keeper_change,
    vehicle_register,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]


def _current_shares(parcel: Parcel) -> dict[str, Fraction]:
    return {
        (holding.person.national_id if holding.person else holding.company.code): holding.share
        for holding in parcel.ownerships.filter(until=None).select_related("person", "company")
    }


def _payloads(kind: str) -> list[tuple[str, dict[str, Any]]]:
    return list(
        RegistryEvent.objects.filter(kind=kind).order_by("pk").values_list("subject", "payload")
    )


# --- parcels ---


def test_a_parcel_is_registered_with_owners_whose_shares_make_the_whole() -> None:
    person = factories.person()
    company = factories.company()

    parcel = parcel_register(
        cadastral_number=" 10001:004:0123 ",
        municipality="Port Demo",
        area_m2=812,
        land_use="residential",
        owners=[(person.national_id, "1/4"), (company.code, Fraction(3, 4))],
        registered_on=dt.date(2012, 3, 1),
    )

    assert (parcel.cadastral_number, parcel.area_m2, parcel.land_use) == (
        "10001:004:0123",
        812,
        "residential",
    )
    assert _current_shares(parcel) == {
        person.national_id: Fraction(1, 4),
        company.code: Fraction(3, 4),
    }
    assert _payloads("property.parcel.registered") == [
        (person.national_id, {"cadastral_number": "10001:004:0123", "share": "1/4"}),
        (company.code, {"cadastral_number": "10001:004:0123", "share": "3/4"}),
    ]


def test_a_parcel_with_bad_input_is_refused_naming_the_field() -> None:
    owner = factories.person()
    taken = factories.parcel(cadastral_number="10001:001:0001")
    dead = factories.person()
    person_death_register(national_id=dead.national_id, died_on=dt.date(2020, 1, 1))
    refusals: list[tuple[dict[str, Any], str, str]] = [
        (
            {"cadastral_number": "10001-1-1"},
            "cadastral_number",
            "A cadastral number reads municipality, block and parcel, like 10001:004:0123.",
        ),
        (
            {"cadastral_number": taken.cadastral_number},
            "cadastral_number",
            "Parcel 10001:001:0001 is already in the property registry.",
        ),
        (
            {"area_m2": 0},
            "area_m2",
            "Enter the area as a whole number of square metres, 1 or more.",
        ),
        (
            {"land_use": "lunar"},
            "land_use",
            "Choose one of the land uses: residential, commercial, industrial, agricultural, "
            "forest.",
        ),
        ({"owners": []}, "owners", "Name at least one owner."),
        (
            {"owners": [(owner.national_id, "1/2")]},
            "owners",
            "The owners' shares add up to 1/2; they must add up to the whole parcel, 1/1.",
        ),
        (
            {"owners": [(owner.national_id, "3/2")]},
            "owners",
            "A share cannot be more than the whole (100%); you entered 3/2.",
        ),
        (
            {"owners": [(owner.national_id, "1/2"), (owner.national_id, "1/2")]},
            "owners",
            "The same owner is named twice.",
        ),
        (
            {"owners": [(dead.national_id, "1")]},
            "owners",
            f"The person with national id number {dead.national_id} died on 2020-01-01.",
        ),
        (
            {"owners": [("123", "1")]},
            "owners",
            "Enter a person's national id number (ten digits) or a company's registry code "
            "(eight digits).",
        ),
    ]
    for overrides, field, message in refusals:
        values: dict[str, Any] = {
            "cadastral_number": "10001:004:0123",
            "municipality": "Port Demo",
            "area_m2": 812,
            "land_use": "residential",
            "owners": [(owner.national_id, "1/1")],
            "registered_on": dt.date(2012, 3, 1),
            **overrides,
        }
        with pytest.raises(ValidationError) as refused:
            parcel_register(**values)
        assert (refused.value.field, refused.value.message) == (field, message), overrides
    assert Parcel.objects.count() == 1


def test_a_share_passes_from_one_owner_to_another_keeping_the_history() -> None:
    seller, partner, buyer = factories.person(), factories.person(), factories.person()
    parcel = factories.parcel(owners=[(seller, "1/2"), (partner, "1/2")])

    received = ownership_transfer(
        cadastral_number=parcel.cadastral_number,
        from_owner=seller.national_id,
        to_owner=buyer.national_id,
        share="1/4",
        transferred_on=dt.date(2026, 5, 5),
    )

    assert (received.person, received.share, received.since) == (
        buyer,
        Fraction(1, 4),
        dt.date(2026, 5, 5),
    )
    assert _current_shares(parcel) == {
        seller.national_id: Fraction(1, 4),
        partner.national_id: Fraction(1, 2),
        buyer.national_id: Fraction(1, 4),
    }
    assert parcel.ownerships.get(person=seller, until=dt.date(2026, 5, 5)).share == Fraction(1, 2)
    assert _payloads("property.ownership.transferred") == [
        (
            seller.national_id,
            {"cadastral_number": parcel.cadastral_number, "share": "1/4", "change": "disposed"},
        ),
        (
            buyer.national_id,
            {"cadastral_number": parcel.cadastral_number, "share": "1/4", "change": "acquired"},
        ),
    ]


def test_a_share_passed_to_a_co_owner_adds_to_theirs_and_an_heir_may_receive_from_the_dead() -> (
    None
):
    deceased, heir = factories.person(), factories.person()
    parcel = factories.parcel(owners=[(deceased, "2/3"), (heir, "1/3")])
    person_death_register(national_id=deceased.national_id, died_on=dt.date(2026, 1, 1))

    ownership_transfer(
        cadastral_number=parcel.cadastral_number,
        from_owner=deceased.national_id,
        to_owner=heir.national_id,
        share="2/3",
        transferred_on=dt.date(2026, 4, 1),
    )

    assert _current_shares(parcel) == {heir.national_id: Fraction(1)}


def test_a_transfer_with_bad_input_is_refused_naming_the_field() -> None:
    owner, other = factories.person(), factories.person()
    parcel = factories.parcel(owners=[(owner, "1/2"), (other, "1/2")])
    buyer, stranger = factories.person(), factories.person()
    dead = factories.person()
    person_death_register(national_id=dead.national_id, died_on=dt.date(2020, 1, 1))
    dissolved = factories.company()
    Company.objects.filter(pk=dissolved.pk).update(dissolved_on=dt.date(2021, 1, 1))
    refusals: list[tuple[dict[str, Any], str, str]] = [
        (
            {"share": "3/2"},
            "share",
            "A share cannot be more than the whole (100%); you entered 3/2.",
        ),
        (
            {"share": "3/4"},
            "share",
            f"{owner.national_id} owns 1/2 of parcel {parcel.cadastral_number} and cannot pass "
            "on 3/4.",
        ),
        ({"share": "0"}, "share", "A share must be more than nothing."),
        ({"share": "half"}, "share", "Write a share as a fraction, like 1/2 for half."),
        (
            {"cadastral_number": "10001:999:9999"},
            "cadastral_number",
            "No parcel 10001:999:9999 is in the property registry.",
        ),
        (
            {"from_owner": stranger.national_id},
            "from_owner",
            f"{stranger.national_id} owns no share of parcel {parcel.cadastral_number}.",
        ),
        (
            {"to_owner": "1234567897"},
            "to_owner",
            "Nobody with national id number 1234567897 is in the population registry.",
        ),
        (
            {"to_owner": owner.national_id},
            "to_owner",
            "The new owner is the one who gives the share: enter who receives it.",
        ),
        (
            {"to_owner": dead.national_id},
            "to_owner",
            f"The person with national id number {dead.national_id} died on 2020-01-01.",
        ),
        (
            {"to_owner": dissolved.code},
            "to_owner",
            f"The company {dissolved.code} was dissolved on 2021-01-01.",
        ),
        (
            {"transferred_on": dt.date(2009, 12, 31)},
            "transferred_on",
            "The owners' holdings are registered from 2010-01-01: enter a date on or after it.",
        ),
        (
            {"transferred_on": dt.date(2026, 11, 25)},
            "transferred_on",
            "2026-11-25 is in the future: a registry records what has already happened.",
        ),
    ]
    for overrides, field, message in refusals:
        values: dict[str, Any] = {
            "cadastral_number": parcel.cadastral_number,
            "from_owner": owner.national_id,
            "to_owner": buyer.national_id,
            "share": "1/2",
            "transferred_on": dt.date(2026, 5, 5),
            **overrides,
        }
        with pytest.raises(ValidationError) as refused:
            ownership_transfer(**values)
        assert (refused.value.field, refused.value.message) == (field, message), overrides
    assert Ownership.objects.filter(parcel=parcel).count() == 2
    assert _current_shares(parcel) == {
        owner.national_id: Fraction(1, 2),
        other.national_id: Fraction(1, 2),
    }


# --- vehicles ---


def test_a_vehicle_is_registered_to_its_first_keeper() -> None:
    company = factories.company()

    vehicle = vehicle_register(
        plate="1234-bcd",
        vin="vf1rja00a12345678",
        make="Renault",
        model="Clio",
        first_registered_on=dt.date(2024, 2, 2),
        keeper=company.code,
    )

    assert (vehicle.plate, vehicle.vin) == ("1234 BCD", "VF1RJA00A12345678")
    keeper = vehicle.keepers.get()
    assert (keeper.company, keeper.person, keeper.since, keeper.until) == (
        company,
        None,
        dt.date(2024, 2, 2),
        None,
    )
    assert _payloads("vehicles.vehicle.registered") == [(company.code, {"plate": "1234 BCD"})]


def test_a_vehicle_with_bad_input_is_refused_naming_the_field() -> None:
    keeper = factories.person()
    taken = factories.vehicle(plate="1234 BCD", vin="VSSZZZ6JZ00000001")
    refusals: list[tuple[dict[str, Any], str, str]] = [
        (
            {"plate": "1234 ABC"},
            "plate",
            "A registration plate has four digits and three consonants, like 1234 BCD "
            "(no vowels, Ñ or Q).",
        ),
        (
            {"plate": "1234bcd"},
            "plate",
            "The plate 1234 BCD is already given to another vehicle.",
        ),
        (
            {"vin": "VSSZZZ6JZ0000000O"},
            "vin",
            "A vehicle identification number (VIN) has 17 letters and digits and never the "
            "letters I, O or Q.",
        ),
        (
            {"vin": taken.vin},
            "vin",
            "A vehicle with this identification number is already registered.",
        ),
        ({"make": ""}, "make", "Enter the make, like Seat."),
        ({"model": ""}, "model", "Enter the model, like Ibiza."),
        (
            {"keeper": "12345672"},
            "keeper",
            "No company with registry code 12345672 is in the business registry.",
        ),
    ]
    for overrides, field, message in refusals:
        values: dict[str, Any] = {
            "plate": "5678 BCD",
            "vin": "VSSZZZ6JZ00000002",
            "make": "Seat",
            "model": "Ibiza",
            "first_registered_on": dt.date(2024, 2, 2),
            "keeper": keeper.national_id,
            **overrides,
        }
        with pytest.raises(ValidationError) as refused:
            vehicle_register(**values)
        assert (refused.value.field, refused.value.message) == (field, message), overrides
    assert Vehicle.objects.count() == 1


def test_a_new_keeper_takes_over_and_both_keepers_hear_of_it() -> None:
    first = factories.person()
    vehicle = factories.vehicle(keeper=first, first_registered_on=dt.date(2020, 5, 4))
    company = factories.company()

    kept = vehicle_keeper_change(
        plate=vehicle.plate, keeper=company.code, since=dt.date(2026, 1, 1)
    )

    assert (kept.company, kept.since, kept.until) == (company, dt.date(2026, 1, 1), None)
    assert vehicle.keepers.get(person=first).until == dt.date(2026, 1, 1)
    assert vehicle.keepers.filter(until=None).count() == 1
    assert _payloads("vehicles.keeper.changed") == [
        (first.national_id, {"plate": vehicle.plate, "change": "ended"}),
        (company.code, {"plate": vehicle.plate, "change": "started"}),
    ]


def test_a_keeper_change_with_bad_input_is_refused_naming_the_field() -> None:
    keeper = factories.person()
    vehicle = factories.vehicle(keeper=keeper, first_registered_on=dt.date(2020, 5, 4))
    other = factories.person()
    dead = factories.person()
    person_death_register(national_id=dead.national_id, died_on=dt.date(2021, 1, 1))
    refusals: list[tuple[dict[str, Any], str, str]] = [
        ({"plate": "9999 ZZZ"}, "plate", "No vehicle with plate 9999 ZZZ is registered."),
        (
            {"keeper": keeper.national_id},
            "keeper",
            f"{keeper.national_id} already keeps the vehicle {vehicle.plate}.",
        ),
        (
            {"keeper": dead.national_id},
            "keeper",
            f"The person with national id number {dead.national_id} died on 2021-01-01.",
        ),
        (
            {"since": dt.date(2020, 5, 3)},
            "since",
            "The current keeper has kept the vehicle since 2020-05-04: enter a later date.",
        ),
        (
            {"since": dt.date(2026, 11, 25)},
            "since",
            "2026-11-25 is in the future: a registry records what has already happened.",
        ),
    ]
    for overrides, field, message in refusals:
        values: dict[str, Any] = {
            "plate": vehicle.plate,
            "keeper": other.national_id,
            "since": dt.date(2026, 1, 1),
            **overrides,
        }
        with pytest.raises(ValidationError) as refused:
            vehicle_keeper_change(**values)
        assert (refused.value.field, refused.value.message) == (field, message), overrides
    assert list(VehicleKeeper.objects.values_list("person", "until")) == [(keeper.pk, None)]
    assert Person.objects.filter(pk=keeper.pk).exists()
