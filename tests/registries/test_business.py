from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests import factories
from tests.registries.conftest import TODAY
from ventanilla.core.errors import ValidationError
from ventanilla.registries.enums import BoardRole, LegalForm
from ventanilla.registries.identifiers import company_code_normalize
from ventanilla.registries.models import BoardMember, Company, Person, RegistryEvent
from ventanilla.registries.services import (
    board_member_appoint,
    board_member_resign,
    company_found,
    person_death_register,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]


def _found(members: list[tuple[Person, str]], **overrides: Any) -> Company:
    values: dict[str, Any] = {
        "name": "Conservas Marina S.L.",
        "legal_form": LegalForm.LIMITED_COMPANY,
        "founded_on": dt.date(2026, 1, 15),
        "address": "Muelle Norte 4",
        "postcode": "10001",
        "municipality": "Port Demo",
        "activities": ["10.20", "47.11"],
        "board": [(person.national_id, role) for person, role in members],
    }
    values.update(overrides)
    return company_found(**values)


def test_a_company_is_founded_with_its_board_and_an_event_for_each() -> None:
    chair, director = factories.person(), factories.person()

    company = _found([(chair, "chair"), (director, BoardRole.DIRECTOR)])

    assert company_code_normalize(company.code, field="code") == company.code
    assert (company.name, company.legal_form, company.activities, company.dissolved_on) == (
        "Conservas Marina S.L.",
        "limited-company",
        ["10.20", "47.11"],
        None,
    )
    assert set(
        company.board_seats.values_list("person__national_id", "role", "since", "until")
    ) == {
        (chair.national_id, "chair", dt.date(2026, 1, 15), None),
        (director.national_id, "director", dt.date(2026, 1, 15), None),
    }
    assert list(
        RegistryEvent.objects.filter(subject=company.code)
        .order_by("pk")
        .values_list("kind", "payload")
    ) == [
        (
            "business.company.founded",
            {
                "legal_form": "limited-company",
                "municipality": "Port Demo",
                "activities": ["10.20", "47.11"],
            },
        ),
        (
            "business.board.changed",
            {"national_id": chair.national_id, "role": "chair", "change": "appointed"},
        ),
        (
            "business.board.changed",
            {"national_id": director.national_id, "role": "director", "change": "appointed"},
        ),
    ]


def test_a_sole_trader_is_its_proprietor_alone() -> None:
    owner, other = factories.person(), factories.person()

    trader = _found([(owner, "proprietor")], name="Ana García", legal_form="sole-trader")
    assert trader.board_seats.get().role == "proprietor"

    refusals = [
        (
            [(owner, "proprietor"), (other, "proprietor")],
            "A sole trader's board is its proprietor alone: name one person.",
        ),
        (
            [(owner, "director")],
            "A sole trader's one board member is its proprietor, and only a sole trader has one.",
        ),
    ]
    for board, message in refusals:
        with pytest.raises(ValidationError) as refused:
            _found(board, name="Otro", legal_form="sole-trader")
        assert (refused.value.field, refused.value.message) == ("board", message)
    with pytest.raises(ValidationError) as refused:
        board_member_appoint(
            company=trader.code, national_id=other.national_id, role="member", since=TODAY
        )
    assert refused.value.field == "company"


def test_a_company_with_bad_input_is_refused_naming_the_field() -> None:
    adult = factories.person()
    minor = factories.person(birth_date=dt.date(2010, 1, 1))
    dead = factories.person()
    person_death_register(national_id=dead.national_id, died_on=dt.date(2020, 1, 1))
    existing = factories.company(name="Conservas del Puerto S.L.", board=[adult])
    board = [(adult, "director")]
    refusals: list[tuple[dict[str, Any], str, str]] = [
        ({"name": " "}, "name", "Enter the company's name."),
        (
            {"name": "conservas del puerto s.l."},
            "name",
            "A company named “conservas del puerto s.l.” is already registered: choose another "
            "name.",
        ),
        (
            {"legal_form": "llc"},
            "legal_form",
            "Choose one of the legal forms: sole-trader, limited-company, "
            "public-limited-company, partnership, cooperative.",
        ),
        (
            {"founded_on": dt.date(2026, 11, 25)},
            "founded_on",
            "2026-11-25 is in the future: a registry records what has already happened.",
        ),
        ({"activities": []}, "activities", "Name at least one activity, the main one first."),
        (
            {"activities": ["99.99"]},
            "activities",
            "99.99 is not an activity code of the registry's classification (NACE Rev. 2).",
        ),
        ({"activities": ["10.20", "10.20"]}, "activities", "An activity is named twice."),
        ({"board": []}, "board", "Name at least one board member."),
        (
            {"board": [("1234567897", "director")]},
            "board",
            "Nobody with national id number 1234567897 is in the population registry.",
        ),
        (
            {"board": [(minor.national_id, "director")]},
            "board",
            f"The person with national id number {minor.national_id} was under 18 on 2026-01-15.",
        ),
        (
            {"board": [(dead.national_id, "director")]},
            "board",
            f"The person with national id number {dead.national_id} died on 2020-01-01.",
        ),
        (
            {"board": [(adult.national_id, "director"), (adult.national_id, "member")]},
            "board",
            "The same person is named twice.",
        ),
        (
            {"board": [(adult.national_id, "boss")]},
            "board",
            "A board role is one of: proprietor, chair, director, member.",
        ),
        (
            {"code": existing.code},
            "code",
            f"Registry code {existing.code} is already another company's.",
        ),
        (
            {"code": "12345679"},
            "code",
            "A company's registry code has 8 digits, the last a check digit, like 12345672: "
            "check that you typed every digit right.",
        ),
    ]
    for overrides, field, message in refusals:
        with pytest.raises(ValidationError) as refused:
            _found(board, **overrides)
        assert (refused.value.field, refused.value.message) == (field, message), overrides
    assert Company.objects.count() == 1


def test_a_dissolved_companys_name_can_be_taken_again() -> None:
    old = factories.company(name="Conservas Marina S.L.")
    Company.objects.filter(pk=old.pk).update(dissolved_on=dt.date(2020, 1, 1))
    assert _found([(factories.person(), "director")]).name == "Conservas Marina S.L."


def test_a_board_member_is_appointed_and_resigns_with_an_event_each() -> None:
    director = factories.person()
    company = factories.company(board=[director])
    newcomer = factories.person()

    seat = board_member_appoint(
        company=company.code,
        national_id=newcomer.national_id,
        role=BoardRole.CHAIR,
        since=dt.date(2026, 2, 1),
    )
    assert (seat.role, seat.since, seat.until) == ("chair", dt.date(2026, 2, 1), None)

    ended = board_member_resign(
        company=company.code, national_id=director.national_id, until=dt.date(2026, 3, 1)
    )
    assert ended.until == dt.date(2026, 3, 1)
    assert list(company.board_seats.filter(until=None).values_list("person", flat=True)) == [
        newcomer.pk
    ]
    assert list(
        RegistryEvent.objects.filter(subject=company.code, kind="business.board.changed")
        .order_by("pk")
        .values_list("payload", flat=True)
    )[-2:] == [
        {"national_id": newcomer.national_id, "role": "chair", "change": "appointed"},
        {"national_id": director.national_id, "role": "director", "change": "resigned"},
    ]


def test_an_appointment_with_bad_input_is_refused_naming_the_field() -> None:
    director = factories.person()
    company = factories.company(board=[director], founded_on=dt.date(2015, 6, 1))
    adult = factories.person()
    minor = factories.person(birth_date=dt.date(2010, 1, 1))
    refusals: list[tuple[dict[str, Any], str, str]] = [
        (
            {"company": "12345672"},
            "company",
            "No company with registry code 12345672 is in the business registry.",
        ),
        (
            {"national_id": director.national_id},
            "national_id",
            f"This person already sits on the board of {company.code}.",
        ),
        (
            {"since": dt.date(2015, 5, 31)},
            "since",
            "The company was founded on 2015-06-01: a seat cannot begin before that.",
        ),
        (
            {"national_id": minor.national_id},
            "national_id",
            f"The person with national id number {minor.national_id} was under 18 on 2026-02-01.",
        ),
        (
            {"role": "proprietor"},
            "role",
            "A sole trader's one board member is its proprietor, and only a sole trader has one.",
        ),
    ]
    for overrides, field, message in refusals:
        values = {
            "company": company.code,
            "national_id": adult.national_id,
            "role": "member",
            "since": dt.date(2026, 2, 1),
            **overrides,
        }
        with pytest.raises(ValidationError) as refused:
            board_member_appoint(**values)
        assert (refused.value.field, refused.value.message) == (field, message), overrides

    Company.objects.filter(pk=company.pk).update(dissolved_on=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError) as refused:
        board_member_appoint(
            company=company.code, national_id=adult.national_id, role="member", since=TODAY
        )
    assert (refused.value.field, refused.value.message) == (
        "company",
        f"The company {company.code} was dissolved on 2025-01-01.",
    )
    assert BoardMember.objects.count() == 1


def test_a_resignation_with_bad_input_is_refused_naming_the_field() -> None:
    director, member = factories.person(), factories.person()
    company = factories.company(board=[director], founded_on=dt.date(2015, 6, 1))
    outsider = factories.person()

    with pytest.raises(ValidationError) as refused:
        board_member_resign(
            company=company.code, national_id=director.national_id, until=dt.date(2026, 1, 1)
        )
    assert (refused.value.field, refused.value.message) == (
        "national_id",
        "This is the company's last board member: appoint another before they leave.",
    )

    board_member_appoint(
        company=company.code,
        national_id=member.national_id,
        role="member",
        since=dt.date(2020, 1, 1),
    )
    with pytest.raises(ValidationError) as refused:
        board_member_resign(
            company=company.code, national_id=member.national_id, until=dt.date(2019, 12, 31)
        )
    assert (refused.value.field, refused.value.message) == (
        "until",
        "The seat began on 2020-01-01: it cannot end before that.",
    )
    with pytest.raises(ValidationError) as refused:
        board_member_resign(
            company=company.code, national_id=outsider.national_id, until=dt.date(2026, 1, 1)
        )
    assert (refused.value.field, refused.value.message) == (
        "national_id",
        f"The person with national id number {outsider.national_id} does not sit on the board "
        f"of {company.code}.",
    )
    assert not BoardMember.objects.exclude(until=None).exists()
