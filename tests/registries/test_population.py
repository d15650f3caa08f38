from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from ventanilla.core import national_id
from ventanilla.core.errors import ValidationError
from ventanilla.registries.enums import CivilStatus, ParentKind, RegistryEventKind
from ventanilla.registries.models import Marriage, Parentage, Person, RegistryEvent
from ventanilla.registries.services import (
    marriage_register,
    person_address_change,
    person_birth_register,
    person_death_register,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]


def _events(subject: str) -> list[tuple[str, dict[str, Any]]]:
    return list(
        RegistryEvent.objects.filter(subject=subject).order_by("pk").values_list("kind", "payload")
    )


# --- births ---


def test_a_birth_is_registered_with_its_parents_and_the_child_lives_with_the_first() -> None:
    mother = factories.person(address="Calle Sol 3", postcode="20100", municipality="Villanueva")
    father = factories.person()

    child = person_birth_register(
        given_name="Lola",
        family_name=mother.family_name,
        birth_date=dt.date(2026, 3, 27),
        birth_place="Villanueva",
        parents=[(mother.national_id, ParentKind.MOTHER), (father.national_id, "father")],
    )

    assert national_id.is_valid(child.national_id)
    assert (child.address, child.postcode, child.municipality) == (
        "Calle Sol 3",
        "20100",
        "Villanueva",
    )
    assert child.civil_status == CivilStatus.SINGLE
    assert child.alive
    assert set(
        Parentage.objects.filter(child=child).values_list("parent__national_id", "kind", "since")
    ) == {
        (mother.national_id, "mother", dt.date(2026, 3, 27)),
        (father.national_id, "father", dt.date(2026, 3, 27)),
    }
    assert _events(child.national_id) == [
        ("population.birth.registered", {"parents": [mother.national_id, father.national_id]})
    ]
    event = RegistryEvent.objects.get(subject=child.national_id)
    assert timezone.localtime(event.occurred_at).date() == dt.date(2026, 3, 27)
    assert event.processed_at is None


def test_a_birth_with_a_national_id_nobody_has_keeps_it() -> None:
    person = factories.person(national_id="123-456-789 7")
    assert person.national_id == "1234567897"


def _birth(**overrides: Any) -> Person:
    values: dict[str, Any] = {
        "given_name": "Lola",
        "family_name": "Pérez",
        "birth_date": dt.date(2026, 3, 27),
        "address": "Calle Mayor 1",
        "postcode": "10001",
        "municipality": "Port Demo",
    }
    values.update(overrides)
    return person_birth_register(**values)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"given_name": "  "}, "given_name", "Enter the given name."),
        ({"family_name": ""}, "family_name", "Enter the family name."),
        ({"given_name": "x" * 101}, "given_name", "Use at most 100 characters; this has 101."),
        (
            {"birth_date": dt.date(2026, 11, 25)},
            "birth_date",
            "2026-11-25 is in the future: a registry records what has already happened.",
        ),
        (
            {"national_id": "1234567890"},
            "national_id",
            "This national id number is not valid: check that you typed every digit right.",
        ),
        (
            {"parents": [("1234567897", "mother")]},
            "parents",
            "Nobody with national id number 1234567897 is in the population registry.",
        ),
        ({"address": ""}, "address", "Enter the address: street and number."),
        ({"postcode": "1000"}, "postcode", "A postcode has five digits, like 10001."),
        ({"municipality": " "}, "municipality", "Enter the municipality."),
    ],
)
def test_a_birth_with_bad_input_is_refused_naming_the_field(
    overrides: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _birth(**overrides)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert not Person.objects.exists()
    assert not RegistryEvent.objects.exists()


def test_a_child_cannot_be_born_before_its_parent() -> None:
    parent = factories.person(birth_date=dt.date(1990, 1, 1))
    with pytest.raises(ValidationError) as refused:
        _birth(birth_date=dt.date(1989, 12, 31), parents=[(parent.national_id, "parent")])
    assert refused.value.field == "parents"
    assert refused.value.message == (
        f"The parent with national id number {parent.national_id} was born on 1990-01-01, "
        "not before the child."
    )
    assert Person.objects.count() == 1


def test_a_child_has_at_most_two_distinct_parents_of_a_known_kind() -> None:
    a, b, c = factories.person(), factories.person(), factories.person()
    refusals = {
        "A child has at most two parents in the registry.": [
            (a.national_id, "mother"),
            (b.national_id, "father"),
            (c.national_id, "parent"),
        ],
        "The same parent is named twice.": [(a.national_id, "mother"), (a.national_id, "parent")],
        "A parent is one of: mother, father, parent.": [(a.national_id, "aunt")],
    }
    for message, parents in refusals.items():
        with pytest.raises(ValidationError) as refused:
            _birth(parents=parents)
        assert (refused.value.field, refused.value.message) == ("parents", message)
    assert Person.objects.count() == 3


def test_a_parent_who_died_up_to_300_days_before_the_birth_is_still_its_parent() -> None:
    father = factories.person()
    person_death_register(national_id=father.national_id, died_on=dt.date(2025, 6, 1))

    child = _birth(birth_date=dt.date(2026, 3, 28), parents=[(father.national_id, "father")])
    assert child.parent_links.get().parent == father

    with pytest.raises(ValidationError) as refused:
        _birth(birth_date=dt.date(2026, 3, 29), parents=[(father.national_id, "father")])
    assert refused.value.field == "parents"
    assert "died on 2025-06-01, more than 300 days before the birth" in refused.value.message


def test_a_national_id_number_is_given_only_once() -> None:
    taken = factories.person()
    with pytest.raises(ValidationError) as refused:
        _birth(national_id=taken.national_id)
    assert refused.value.field == "national_id"
    assert refused.value.message == (
        f"National id number {taken.national_id} is already someone else's."
    )


# --- moves ---


def test_a_move_changes_the_address_and_tells_only_the_municipalities() -> None:
    person = factories.person()

    moved = person_address_change(
        national_id=person.national_id,
        address="Calle Sol 3",
        postcode="20100",
        municipality="Villanueva",
        moved_on=dt.date(2026, 10, 1),
    )

    person.refresh_from_db()
    assert (person.address, person.postcode, person.municipality) == (
        "Calle Sol 3",
        "20100",
        "Villanueva",
    )
    assert moved.pk == person.pk
    assert _events(person.national_id)[-1] == (
        "population.address.changed",
        {"from_municipality": "Port Demo", "to_municipality": "Villanueva"},
    )


def _move(person: Person, **overrides: Any) -> Person:
    values: dict[str, Any] = {
        "national_id": person.national_id,
        "address": "Calle Sol 3",
        "postcode": "20100",
        "municipality": "Villanueva",
        "moved_on": dt.date(2026, 10, 1),
    }
    values.update(overrides)
    return person_address_change(**values)


def test_a_move_with_bad_input_is_refused_naming_the_field() -> None:
    person = factories.person(birth_date=dt.date(2000, 5, 5))
    refusals = [
        (
            {"national_id": "1234567897"},
            "national_id",
            "Nobody with national id number 1234567897 is in the population registry.",
        ),
        (
            {"moved_on": dt.date(2000, 5, 4)},
            "moved_on",
            "The move is dated before the person was born, on 2000-05-05.",
        ),
        (
            {"moved_on": dt.date(2026, 12, 1)},
            "moved_on",
            "2026-12-01 is in the future: a registry records what has already happened.",
        ),
        (
            {"address": "Calle Mayor 1", "postcode": "10001", "municipality": "Port Demo"},
            "address",
            "The person already lives at this address.",
        ),
        ({"postcode": "ABCDE"}, "postcode", "A postcode has five digits, like 10001."),
    ]
    for overrides, field, message in refusals:
        with pytest.raises(ValidationError) as refused:
            _move(person, **overrides)
        assert (refused.value.field, refused.value.message) == (field, message)
    person.refresh_from_db()
    assert person.municipality == "Port Demo"
    assert not RegistryEvent.objects.filter(kind=RegistryEventKind.ADDRESS_CHANGED).exists()


def test_a_move_cannot_be_dated_before_the_last_registered_move() -> None:
    person = factories.person()
    _move(person, moved_on=dt.date(2026, 10, 1))
    with pytest.raises(ValidationError) as refused:
        _move(person, address="Calle Luna 9", moved_on=dt.date(2026, 9, 30))
    assert refused.value.field == "moved_on"
    assert refused.value.message == (
        "A later move, on 2026-10-01, is already registered: enter a date after it."
    )


def test_the_dead_do_not_move() -> None:
    person = factories.person()
    person_death_register(national_id=person.national_id, died_on=dt.date(2026, 1, 2))
    with pytest.raises(ValidationError) as refused:
        _move(person)
    assert refused.value.field == "national_id"
    assert refused.value.message == (
        f"The person with national id number {person.national_id} died on 2026-01-02."
    )


# --- deaths ---


def test_a_death_ends_the_marriage_and_widows_the_spouse() -> None:
    a, b = factories.person(), factories.person()
    marriage = marriage_register(
        first=a.national_id, second=b.national_id, married_on=dt.date(2010, 6, 5)
    )

    person_death_register(national_id=a.national_id, died_on=dt.date(2026, 2, 3))

    a.refresh_from_db()
    b.refresh_from_db()
    marriage.refresh_from_db()
    assert (a.death_date, a.alive, a.civil_status) == (dt.date(2026, 2, 3), False, "married")
    assert b.civil_status == CivilStatus.WIDOWED
    assert marriage.ended_on == dt.date(2026, 2, 3)
    assert _events(a.national_id)[-1] == (
        "population.death.registered",
        {"surviving_spouse": b.national_id},
    )


def test_a_death_without_a_spouse_tells_nothing_more() -> None:
    person = factories.person()
    person_death_register(national_id=person.national_id, died_on=dt.date(2026, 2, 3))
    assert _events(person.national_id)[-1] == ("population.death.registered", {})


def test_a_death_with_bad_input_is_refused_naming_the_field() -> None:
    person = factories.person(birth_date=dt.date(1950, 4, 4))
    other = factories.person()
    marriage_register(
        first=person.national_id, second=other.national_id, married_on=dt.date(2010, 1, 1)
    )
    refusals = [
        (
            {"national_id": "1234567897"},
            "national_id",
            "Nobody with national id number 1234567897 is in the population registry.",
        ),
        (
            {"died_on": dt.date(1950, 4, 3)},
            "died_on",
            "The date of death is before the person was born, on 1950-04-04.",
        ),
        (
            {"died_on": dt.date(2009, 12, 31)},
            "died_on",
            "The person married on 2010-01-01, after this date of death.",
        ),
        (
            {"died_on": dt.date(2026, 11, 25)},
            "died_on",
            "2026-11-25 is in the future: a registry records what has already happened.",
        ),
    ]
    for overrides, field, message in refusals:
        with pytest.raises(ValidationError) as refused:
            person_death_register(
                **{"national_id": person.national_id, "died_on": dt.date(2026, 1, 1), **overrides}
            )
        assert (refused.value.field, refused.value.message) == (field, message)
    person.refresh_from_db()
    assert person.alive

    person_death_register(national_id=person.national_id, died_on=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError) as refused:
        person_death_register(national_id=person.national_id, died_on=dt.date(2026, 1, 1))
    assert refused.value.field == "national_id"
    assert refused.value.message == "This person's death is already registered, on 2026-01-01."


# --- marriages ---


def test_a_marriage_makes_both_married_with_an_event_each() -> None:
    a, b = factories.person(), factories.person()

    marriage = marriage_register(
        first=a.national_id, second=b.national_id, married_on=dt.date(2026, 7, 4)
    )

    assert (marriage.first, marriage.second, marriage.ended_on) == (a, b, None)
    assert set(
        Person.objects.filter(pk__in=[a.pk, b.pk]).values_list("civil_status", flat=True)
    ) == {"married"}
    assert _events(a.national_id)[-1] == (
        "population.marriage.registered",
        {"spouse": b.national_id},
    )
    assert _events(b.national_id)[-1] == (
        "population.marriage.registered",
        {"spouse": a.national_id},
    )


def test_a_marriage_with_bad_input_is_refused_naming_the_field() -> None:
    adult = factories.person()
    minor = factories.person(birth_date=dt.date(2009, 1, 1))
    married, spouse = factories.person(), factories.person()
    marriage_register(
        first=married.national_id, second=spouse.national_id, married_on=dt.date(2015, 1, 1)
    )
    dead = factories.person()
    person_death_register(national_id=dead.national_id, died_on=dt.date(2020, 1, 1))
    refusals = [
        (
            adult,
            adult,
            "second",
            "Both spouses have the same national id number: enter the other spouse's.",
        ),
        (
            adult,
            minor,
            "second",
            f"The person with national id number {minor.national_id} was under 18 on 2026-07-04.",
        ),
        (
            married,
            adult,
            "first",
            f"The person with national id number {married.national_id} is married: register "
            "the end of that marriage first.",
        ),
        (
            dead,
            adult,
            "first",
            f"The person with national id number {dead.national_id} died on 2020-01-01.",
        ),
    ]
    for first, second, field, message in refusals:
        with pytest.raises(ValidationError) as refused:
            marriage_register(
                first=first.national_id,
                second=second.national_id,
                married_on=dt.date(2026, 7, 4),
            )
        assert (refused.value.field, refused.value.message) == (field, message)
    with pytest.raises(ValidationError) as refused:
        marriage_register(
            first=adult.national_id, second="1234567897", married_on=dt.date(2026, 7, 4)
        )
    assert refused.value.field == "second"
    assert Marriage.objects.count() == 1
    adult.refresh_from_db()
    assert adult.civil_status == CivilStatus.SINGLE
