"""The demo's registries hold together: families, boards, shares and keepers make sense,
and the same seed makes the same data."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from fractions import Fraction

import pytest
from django.db.models import Count, Max
from django.utils import timezone
from jsonschema import Draft202012Validator

from tests import factories
from ventanilla.core import national_id
from ventanilla.demo.registries import COMPANIES_PER_RESIDENT, add_years
from ventanilla.demo.services import RESIDENT_EMAIL, demo_load, residents_generate
from ventanilla.identity.models import User
from ventanilla.registries import selectors
from ventanilla.registries.enums import (
    BoardRole,
    CivilStatus,
    LegalForm,
    ParentKind,
    RegistryEventKind,
)
from ventanilla.registries.identifiers import (
    cadastral_number_normalize,
    company_code_normalize,
    plate_normalize,
    vin_normalize,
)
from ventanilla.registries.models import (
    BoardMember,
    Company,
    Marriage,
    Ownership,
    Parcel,
    Parentage,
    Person,
    RegistryEvent,
    Vehicle,
    VehicleKeeper,
)
from ventanilla.registries.schemas import SCHEMAS

pytestmark = pytest.mark.django_db

RESIDENTS = 1000


@pytest.fixture
def demoland() -> dt.date:
    """The registries at the demo's default scale; returns the day they were made."""
    residents_generate(count=RESIDENTS)
    return timezone.localdate()


def test_the_default_scale_has_a_few_thousand_companies_and_residents_of_all_ages(
    demoland: dt.date,
) -> None:
    assert Person.objects.count() == RESIDENTS
    assert Company.objects.count() == RESIDENTS * COMPANIES_PER_RESIDENT == 2500
    assert Person.objects.filter(birth_date__gt=add_years(demoland, -18)).exists()  # minors
    assert Parcel.objects.count() > RESIDENTS // 2
    assert Vehicle.objects.count() > RESIDENTS // 2
    assert all(
        national_id.is_valid(n) for n in Person.objects.values_list("national_id", flat=True)
    )


def test_parents_are_16_to_45_years_older_than_their_children(demoland: dt.date) -> None:
    links = Parentage.objects.select_related("parent", "child")
    assert links.count() > RESIDENTS // 4
    for link in links:
        born, parent_born = link.child.birth_date, link.parent.birth_date
        assert add_years(parent_born, 16) <= born <= add_years(parent_born, 45), link
        assert link.since == born
    assert not Parentage.objects.values("child").annotate(n=Count("id")).filter(n__gt=2).exists()


def test_about_a_third_of_adults_have_children(demoland: dt.date) -> None:
    adults = Person.objects.filter(birth_date__lte=add_years(demoland, -18))
    parents = adults.filter(children_links__isnull=False).distinct().count()
    assert 0.25 <= parents / adults.count() <= 0.45


def test_married_couples_live_together_and_everyone_married_has_a_spouse(
    demoland: dt.date,
) -> None:
    marriages = Marriage.objects.select_related("first", "second")
    assert marriages.count() > RESIDENTS // 10
    for marriage in marriages:
        a, b = marriage.first, marriage.second
        assert marriage.ended_on is None
        assert a.civil_status == b.civil_status == CivilStatus.MARRIED
        assert (a.address, a.postcode, a.municipality) == (b.address, b.postcode, b.municipality)
        assert marriage.married_on >= add_years(max(a.birth_date, b.birth_date), 18)
    married = Person.objects.filter(civil_status=CivilStatus.MARRIED).count()
    assert married == 2 * marriages.count()
    minors = Person.objects.filter(birth_date__gt=add_years(demoland, -18))
    assert set(minors.values_list("civil_status", flat=True)) == {CivilStatus.SINGLE}


def test_board_members_are_adult_residents_and_sole_traders_have_only_a_proprietor(
    demoland: dt.date,
) -> None:
    seats = BoardMember.objects.select_related("company", "person")
    for seat in seats:
        assert seat.person.alive
        assert add_years(seat.person.birth_date, 18) <= seat.since == seat.company.founded_on
        assert seat.until == seat.company.dissolved_on
        sole = seat.company.legal_form == LegalForm.SOLE_TRADER
        assert (seat.role == BoardRole.PROPRIETOR) == sole
    assert not Company.objects.annotate(n=Count("board_seats")).filter(n=0).exists()
    assert not (
        Company.objects.filter(legal_form=LegalForm.SOLE_TRADER)
        .annotate(n=Count("board_seats"))
        .exclude(n=1)
        .exists()
    )
    for company in Company.objects.all():
        assert company_code_normalize(company.code, field="code") == company.code
        assert company.activities


def test_parcel_shares_make_the_whole_and_owners_are_in_the_parcels_municipality(
    demoland: dt.date,
) -> None:
    shares: dict[int, Fraction] = defaultdict(Fraction)
    holdings = Ownership.objects.filter(until=None).select_related("parcel", "person", "company")
    for holding in holdings:
        shares[holding.parcel_id] += holding.share
        owner = holding.person or holding.company
        assert owner is not None
        assert owner.municipality == holding.parcel.municipality, holding
        assert holding.since <= demoland
        if holding.person is not None:
            assert holding.since >= add_years(holding.person.birth_date, 18)
    assert set(shares.values()) == {Fraction(1)}
    assert len(shares) == Parcel.objects.count()
    assert Ownership.objects.filter(company__isnull=False).exists()
    for parcel in Parcel.objects.all():
        assert cadastral_number_normalize(parcel.cadastral_number, field="c") == (
            parcel.cadastral_number
        )


def test_every_vehicle_has_one_keeper_an_adult_or_a_company(demoland: dt.date) -> None:
    keepers = VehicleKeeper.objects.select_related("vehicle", "person", "company")
    assert keepers.count() == Vehicle.objects.count()
    for keeper in keepers:
        vehicle = keeper.vehicle
        assert keeper.until is None
        assert vehicle.first_registered_on <= keeper.since <= demoland
        assert plate_normalize(vehicle.plate, field="p") == vehicle.plate
        assert vin_normalize(vehicle.vin, field="v") == vehicle.vin
        if keeper.person is not None:
            assert keeper.since >= add_years(keeper.person.birth_date, 18)
        else:
            assert keeper.company is not None
            assert keeper.company.dissolved_on is None
            assert keeper.since >= keeper.company.founded_on
    assert VehicleKeeper.objects.filter(company__isnull=False).exists()


def test_only_the_past_years_births_and_foundings_have_events(demoland: dt.date) -> None:
    year_ago = demoland - dt.timedelta(days=365)
    births = RegistryEvent.objects.filter(kind=RegistryEventKind.BIRTH_REGISTERED)
    recent = Person.objects.filter(birth_date__gte=year_ago, parent_links__isnull=False)
    assert births.count() == recent.distinct().count() > 0
    for event in births:
        child = Person.objects.get(national_id=event.subject)
        assert event.payload == {
            "parents": [link.parent.national_id for link in child.parent_links.order_by("pk")]
        }
    founded = RegistryEvent.objects.filter(kind=RegistryEventKind.COMPANY_FOUNDED)
    assert founded.count() == Company.objects.filter(founded_on__gte=year_ago).count() > 0
    assert RegistryEvent.objects.filter(kind=RegistryEventKind.BOARD_CHANGED).count() == (
        BoardMember.objects.filter(company__founded_on__gte=year_ago).count()
    )
    assert not RegistryEvent.objects.exclude(processed_at=None).exists()


def test_the_demo_data_answers_within_the_selectors_schemas(demoland: dt.date) -> None:
    def valid(name: str, answer: object) -> None:
        Draft202012Validator(
            SCHEMAS[name], format_checker=Draft202012Validator.FORMAT_CHECKER
        ).validate(answer)

    for number in Person.objects.order_by("pk").values_list("national_id", flat=True)[:100]:
        valid("population_person", selectors.population_person(national_id=number))
        valid("population_children", selectors.population_children(national_id=number))
        valid("population_parents", selectors.population_parents(national_id=number))
        valid(
            "business_companies_of_person",
            selectors.business_companies_of_person(national_id=number),
        )
        valid("property_parcels_of_owner", selectors.property_parcels_of_owner(owner=number))
        valid("vehicles_of_keeper", selectors.vehicles_of_keeper(keeper=number))
    for code in Company.objects.order_by("pk").values_list("code", flat=True)[:100]:
        valid("business_company", selectors.business_company(code=code))


def test_the_demo_resident_has_a_child_a_vehicle_and_a_parcel() -> None:
    demo_load(residents=20)
    resident = User.objects.get(email=RESIDENT_EMAIL)
    assert resident.national_id is not None

    children = selectors.population_children(national_id=resident.national_id)["children"]
    parcels = selectors.property_parcels_of_owner(owner=resident.national_id)["parcels"]
    vehicles = selectors.vehicles_of_keeper(keeper=resident.national_id)["vehicles"]

    assert len(children) == 2
    youngest = dt.date.fromisoformat(max(child["birth_date"] for child in children))
    assert youngest >= timezone.localdate() - dt.timedelta(days=365)  # a proactive offer due
    assert [parcel["share"] for parcel in parcels] == ["1/2"]
    assert vehicles
    person = selectors.population_person(national_id=resident.national_id)
    assert person["civil_status"] == "married"


def _dump() -> dict[str, list[str]]:
    """The registries by their own identifiers (primary keys differ between loads)."""
    tables = {
        "people": Person.objects.values_list(
            "national_id",
            "given_name",
            "family_name",
            "birth_date",
            "birth_place",
            "address",
            "postcode",
            "municipality",
            "civil_status",
            "death_date",
        ),
        "marriages": Marriage.objects.values_list(
            "first__national_id", "second__national_id", "married_on", "ended_on"
        ),
        "parentage": Parentage.objects.values_list(
            "parent__national_id", "child__national_id", "kind", "since"
        ),
        "companies": Company.objects.values_list(
            "code",
            "name",
            "legal_form",
            "founded_on",
            "dissolved_on",
            "address",
            "postcode",
            "municipality",
            "activities",
        ),
        "board": BoardMember.objects.values_list(
            "company__code", "person__national_id", "role", "since", "until"
        ),
        "parcels": Parcel.objects.values_list(
            "cadastral_number", "municipality", "area_m2", "land_use"
        ),
        "ownership": Ownership.objects.values_list(
            "parcel__cadastral_number",
            "person__national_id",
            "company__code",
            "share_numerator",
            "share_denominator",
            "since",
            "until",
        ),
        "vehicles": Vehicle.objects.values_list(
            "plate", "vin", "make", "model", "first_registered_on"
        ),
        "keepers": VehicleKeeper.objects.values_list(
            "vehicle__plate", "person__national_id", "company__code", "since", "until"
        ),
        "events": RegistryEvent.objects.values_list("kind", "subject", "occurred_at", "payload"),
    }
    return {
        name: sorted(json.dumps(row, default=str, sort_keys=True) for row in rows)
        for name, rows in tables.items()
    }


def _clear() -> None:
    for model in (
        RegistryEvent,
        VehicleKeeper,
        Vehicle,
        Ownership,
        Parcel,
        BoardMember,
        Company,
        Parentage,
        Marriage,
        Person,
    ):
        model.objects.all().delete()


def test_the_same_seed_makes_the_same_registries_and_another_seed_others() -> None:
    residents_generate(count=300)
    first = _dump()
    assert all(first.values())

    _clear()
    residents_generate(count=300)
    assert _dump() == first

    _clear()
    residents_generate(count=300, seed=7)
    other = _dump()
    assert other["people"] != first["people"]


def test_the_services_carry_on_from_the_demo_data(demoland: dt.date) -> None:
    """The demo writes its own primary keys: the services' rows must follow them."""
    first = Person.objects.order_by("pk").first()
    assert first is not None
    baby = factories.person(
        birth_date=demoland,
        parents=[(first.national_id, ParentKind.PARENT)],
        address="",
        postcode="",
        municipality="",
    )
    assert baby.pk > first.pk
    company = factories.company(board=[first])
    parcel = factories.parcel(owners=[(company, "1/1")])
    vehicle = factories.vehicle(keeper=first)
    assert baby.address == first.address
    for made, model in ((company, Company), (parcel, Parcel), (vehicle, Vehicle)):
        assert made.pk == model.objects.aggregate(last=Max("pk"))["last"]
