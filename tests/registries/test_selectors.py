from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from jsonschema import Draft202012Validator
from pytest_django import DjangoAssertNumQueries

from tests import factories
from ventanilla.core.errors import NotFoundError, ValidationError
from ventanilla.registries import selectors
from ventanilla.registries.models import Company, Person
from ventanilla.registries.owners import REGISTRY_OWNERS
from ventanilla.registries.schemas import SCHEMAS
from ventanilla.registries.services import (
    board_member_appoint,
    marriage_register,
    person_birth_register,
    person_death_register,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]


@dataclass
class World:
    mother: Person
    father: Person
    child: Person
    widow: Person
    company: Company
    dissolved: Company


@pytest.fixture
def world() -> World:
    """Two parents, married, with a child; a company on whose board both sit, owning a
    parcel and a van; the parents' home and car; a dead man's widow; a dissolved company."""
    mother = factories.person(
        given_name="Lucía",
        family_name="Pérez Gómez",
        birth_date=dt.date(1990, 5, 17),
        birth_place="Villanueva",
        address="Calle Sol 3",
        postcode="20100",
        municipality="Villanueva",
    )
    father = factories.person(given_name="Tomás", family_name="Ruiz", address="Calle Sol 3")
    marriage_register(
        first=mother.national_id, second=father.national_id, married_on=dt.date(2018, 9, 1)
    )
    child = person_birth_register(
        given_name="Lola",
        family_name="Ruiz Pérez",
        birth_date=dt.date(2026, 3, 27),
        parents=[(mother.national_id, "mother"), (father.national_id, "father")],
    )
    company = factories.company(
        name="Conservas Marina S.L.", board=[father], founded_on=dt.date(2019, 4, 1)
    )
    board_member_appoint(
        company=company.code,
        national_id=mother.national_id,
        role="chair",
        since=dt.date(2020, 1, 1),
    )
    factories.parcel(owners=[(mother, "1/2"), (father, "1/2")], cadastral_number="20001:002:0345")
    factories.parcel(owners=[(company, "1")], land_use="industrial", area_m2=4200)
    factories.vehicle(keeper=mother, plate="4321 KLM")
    factories.vehicle(keeper=company, make="Fiat", model="Ducato")
    widow, husband = factories.person(), factories.person()
    marriage_register(
        first=widow.national_id, second=husband.national_id, married_on=dt.date(2005, 1, 1)
    )
    person_death_register(national_id=husband.national_id, died_on=dt.date(2024, 8, 8))
    dissolved = factories.company()
    Company.objects.filter(pk=dissolved.pk).update(dissolved_on=dt.date(2023, 12, 31))
    return World(mother, father, child, widow, company, dissolved)


def _valid(name: str, answer: object) -> None:
    schema = SCHEMAS[name]
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
        answer
    )


def test_the_schemas_are_json_schemas() -> None:
    for schema in SCHEMAS.values():
        Draft202012Validator.check_schema(schema)


def test_a_person_is_answered_from_the_population_registry(world: World) -> None:
    answer = selectors.population_person(national_id=world.mother.national_id)

    assert answer == {
        "national_id": world.mother.national_id,
        "full_name": "Lucía Pérez Gómez",
        "given_name": "Lucía",
        "family_name": "Pérez Gómez",
        "birth_date": "1990-05-17",
        "birth_place": "Villanueva",
        "address": "Calle Sol 3",
        "postcode": "20100",
        "municipality": "Villanueva",
        "civil_status": "married",
        "alive": True,
    }
    _valid("population_person", answer)


def test_a_persons_children_and_a_childs_parents(world: World) -> None:
    children = selectors.population_children(national_id=world.mother.national_id)
    parents = selectors.population_parents(national_id=world.child.national_id)

    assert children == {
        "children": [
            {
                "national_id": world.child.national_id,
                "full_name": "Lola Ruiz Pérez",
                "given_name": "Lola",
                "family_name": "Ruiz Pérez",
                "birth_date": "2026-03-27",
                "alive": True,
                "kind": "mother",
            }
        ]
    }
    assert [(p["national_id"], p["kind"]) for p in parents["parents"]] == [
        (world.father.national_id, "father"),  # born 1985, the elder
        (world.mother.national_id, "mother"),
    ]
    assert selectors.population_children(national_id=world.child.national_id) == {"children": []}
    _valid("population_children", children)
    _valid("population_parents", parents)


def test_a_company_with_its_current_board_chair_first(world: World) -> None:
    answer = selectors.business_company(code=world.company.code)

    assert answer == {
        "code": world.company.code,
        "name": "Conservas Marina S.L.",
        "legal_form": "limited-company",
        "founded_on": "2019-04-01",
        "dissolved_on": None,
        "address": "Muelle Norte 4",
        "postcode": "10001",
        "municipality": "Port Demo",
        "activities": [
            {
                "code": "10.20",
                "label": "Processing and preserving of fish, crustaceans and molluscs",
            }
        ],
        "board": [
            {
                "national_id": world.mother.national_id,
                "full_name": "Lucía Pérez Gómez",
                "role": "chair",
                "since": "2020-01-01",
            },
            {
                "national_id": world.father.national_id,
                "full_name": "Tomás Ruiz",
                "role": "director",
                "since": "2019-04-01",
            },
        ],
    }
    _valid("business_company", answer)


def test_the_companies_a_person_sits_on_the_board_of(world: World) -> None:
    answer = selectors.business_companies_of_person(national_id=world.mother.national_id)
    assert answer == {
        "companies": [
            {
                "code": world.company.code,
                "name": "Conservas Marina S.L.",
                "legal_form": "limited-company",
                "dissolved_on": None,
                "role": "chair",
                "since": "2020-01-01",
            }
        ]
    }
    _valid("business_companies_of_person", answer)


def test_the_parcels_and_vehicles_of_a_person_or_a_company(world: World) -> None:
    home = selectors.property_parcels_of_owner(owner=world.father.national_id)
    works = selectors.property_parcels_of_owner(owner=world.company.code)
    car = selectors.vehicles_of_keeper(keeper=world.mother.national_id)
    van = selectors.vehicles_of_keeper(keeper=world.company.code)

    assert home == {
        "parcels": [
            {
                "cadastral_number": "20001:002:0345",
                "municipality": "Port Demo",
                "area_m2": 600,
                "land_use": "residential",
                "share": "1/2",
                "since": "2010-01-01",
            }
        ]
    }
    assert [(p["land_use"], p["area_m2"], p["share"]) for p in works["parcels"]] == [
        ("industrial", 4200, "1/1")
    ]
    assert car["vehicles"][0]["plate"] == "4321 KLM"
    assert [(v["make"], v["model"]) for v in van["vehicles"]] == [("Fiat", "Ducato")]
    assert selectors.vehicles_of_keeper(keeper=world.child.national_id) == {"vehicles": []}
    for answer in (home, works):
        _valid("property_parcels_of_owner", answer)
    for answer in (car, van):
        _valid("vehicles_of_keeper", answer)


def test_a_widow_a_dead_person_and_a_dissolved_company_are_answered_as_they_are(
    world: World,
) -> None:
    widow = selectors.population_person(national_id=world.widow.national_id)
    husband = (
        Person.objects.exclude(pk=world.widow.pk).filter(death_date__isnull=False).get().national_id
    )
    dead = selectors.population_person(national_id=husband)
    dissolved = selectors.business_company(code=world.dissolved.code)

    assert (widow["civil_status"], widow["alive"]) == ("widowed", True)
    assert (dead["civil_status"], dead["alive"]) == ("married", False)
    assert dissolved["dissolved_on"] == "2023-12-31"
    _valid("population_person", widow)
    _valid("population_person", dead)
    _valid("business_company", dissolved)


Selector = Callable[..., Any]
BY_PERSON: list[tuple[str, Selector, str]] = [
    ("population_person", selectors.population_person, "national_id"),
    ("population_children", selectors.population_children, "national_id"),
    ("population_parents", selectors.population_parents, "national_id"),
    ("business_companies_of_person", selectors.business_companies_of_person, "national_id"),
    ("property_parcels_of_owner", selectors.property_parcels_of_owner, "owner"),
    ("vehicles_of_keeper", selectors.vehicles_of_keeper, "keeper"),
]
BY_COMPANY: list[tuple[str, Selector, str]] = [
    ("business_company", selectors.business_company, "code"),
    ("property_parcels_of_owner", selectors.property_parcels_of_owner, "owner"),
    ("vehicles_of_keeper", selectors.vehicles_of_keeper, "keeper"),
]
ALL = [*BY_PERSON, *BY_COMPANY]


@pytest.mark.parametrize(
    ("name", "selector", "argument"), BY_PERSON, ids=[n for n, *_ in BY_PERSON]
)
def test_an_unknown_person_is_not_found(name: str, selector: Selector, argument: str) -> None:
    with pytest.raises(NotFoundError) as missing:
        selector(**{argument: "1234567897"})
    assert missing.value.message == (
        "Nobody with national id number 1234567897 is in the population registry."
    )


@pytest.mark.parametrize(
    ("name", "selector", "argument"), BY_COMPANY, ids=[n for n, *_ in BY_COMPANY]
)
def test_an_unknown_company_is_not_found(name: str, selector: Selector, argument: str) -> None:
    with pytest.raises(NotFoundError) as missing:
        selector(**{argument: "1234 5672"})
    assert missing.value.message == (
        "No company with registry code 12345672 is in the business registry."
    )


@pytest.mark.parametrize(("name", "selector", "argument"), ALL, ids=[n for n, *_ in ALL])
def test_a_malformed_identifier_is_refused_naming_the_argument(
    name: str, selector: Selector, argument: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        selector(**{argument: "12345"})
    assert refused.value.field == argument


def test_each_selector_asks_the_database_at_most_twice(
    world: World, django_assert_max_num_queries: Callable[[int], DjangoAssertNumQueries]
) -> None:
    for _name, selector, argument in BY_PERSON:
        with django_assert_max_num_queries(2):
            selector(**{argument: world.mother.national_id})
    for _name, selector, argument in BY_COMPANY:
        with django_assert_max_num_queries(2):
            selector(**{argument: world.company.code})


def test_each_registry_is_owned_by_an_agency_of_the_demo() -> None:
    catalogue = Path(settings.VENTANILLA_CATALOGUE_DIR) / "agencies.yaml"
    agencies = {agency["slug"] for agency in yaml.safe_load(catalogue.read_text())["agencies"]}
    assert set(REGISTRY_OWNERS.values()) <= agencies
    assert REGISTRY_OWNERS == {
        "population": "civil-registry",
        "business": "business-registry",
        "property": "land-registry",
        "vehicles": "transport-agency",
    }
