"""Reads of the base registries.

The ``population_*``, ``business_*``, ``property_*`` and ``vehicles_*`` selectors are what
the registries' owners provide on the exchange: each takes the identifier of its data
subject, answers with plain JSON that matches its schema in ``registries.schemas``, and
raises NotFoundError for a subject the registry does not know (a ValidationError, with
the argument's name as field, for an identifier that is malformed). Each makes at most
two queries. They check no access rights: the exchange does, before it calls them.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from ventanilla.core.errors import NotFoundError
from ventanilla.identity.models import User
from ventanilla.registries.activities import ACTIVITIES
from ventanilla.registries.enums import BoardRole
from ventanilla.registries.identifiers import (
    company_code_normalize,
    national_id_normalize,
    party_normalize,
    share_text,
)
from ventanilla.registries.models import (
    BoardMember,
    Company,
    Ownership,
    Parentage,
    Person,
    VehicleKeeper,
)
from ventanilla.registries.schemas import (
    ChildrenRecord,
    CompaniesRecord,
    CompanyRecord,
    ParcelsRecord,
    ParentsRecord,
    PersonRecord,
    RelativeRecord,
    VehiclesRecord,
)


def person_get(*, national_id: str) -> Person | None:
    return Person.objects.filter(national_id=national_id).first()


def person_for_user(*, user: User) -> Person | None:
    """The registry's record of the signed-in resident; None for accounts with no national id."""
    if not user.national_id:
        return None
    return person_get(national_id=user.national_id)


# --- population ---


def population_person(*, national_id: str) -> PersonRecord:
    person = _person_found(national_id)
    return {
        "national_id": person.national_id,
        "full_name": person.full_name,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "birth_date": person.birth_date.isoformat(),
        "birth_place": person.birth_place,
        "address": person.address,
        "postcode": person.postcode,
        "municipality": person.municipality,
        "civil_status": person.civil_status,
        "alive": person.alive,
    }


def population_children(*, national_id: str) -> ChildrenRecord:
    """A person's children, eldest first; ``kind`` is how this person is their parent."""
    person = _person_found(national_id)
    links = (
        Parentage.objects.filter(parent=person)
        .select_related("child")
        .order_by("child__birth_date", "child__national_id")
    )
    return {"children": [_relative(link.child, link.kind) for link in links]}


def population_parents(*, national_id: str) -> ParentsRecord:
    person = _person_found(national_id)
    links = (
        Parentage.objects.filter(child=person)
        .select_related("parent")
        .order_by("parent__birth_date", "parent__national_id")
    )
    return {"parents": [_relative(link.parent, link.kind) for link in links]}


# --- businesses ---


def business_company(*, code: str) -> CompanyRecord:
    """A company and its current board (chair first, then by seniority)."""
    number = company_code_normalize(code, field="code")
    company = Company.objects.filter(code=number).first()
    if company is None:
        raise NotFoundError(
            _("No company with registry code %(code)s is in the business registry.")
            % {"code": number}
        )
    seats = (
        BoardMember.objects.filter(company=company, until=None)
        .select_related("person")
        .order_by("since", "person__national_id")
    )
    board = sorted(seats, key=lambda seat: seat.role != BoardRole.CHAIR)
    return {
        "code": company.code,
        "name": company.name,
        "legal_form": company.legal_form,
        "founded_on": company.founded_on.isoformat(),
        "dissolved_on": company.dissolved_on.isoformat() if company.dissolved_on else None,
        "address": company.address,
        "postcode": company.postcode,
        "municipality": company.municipality,
        "activities": [
            {"code": code, "label": str(ACTIVITIES[code])} for code in company.activities
        ],
        "board": [
            {
                "national_id": seat.person.national_id,
                "full_name": seat.person.full_name,
                "role": seat.role,
                "since": seat.since.isoformat(),
            }
            for seat in board
        ],
    }


def business_companies_of_person(*, national_id: str) -> CompaniesRecord:
    """The companies on whose board a person sits today, by registry code."""
    person = _person_found(national_id)
    seats = (
        BoardMember.objects.filter(person=person, until=None)
        .select_related("company")
        .order_by("company__code")
    )
    return {
        "companies": [
            {
                "code": seat.company.code,
                "name": seat.company.name,
                "legal_form": seat.company.legal_form,
                "dissolved_on": (
                    seat.company.dissolved_on.isoformat() if seat.company.dissolved_on else None
                ),
                "role": seat.role,
                "since": seat.since.isoformat(),
            }
            for seat in seats
        ]
    }


# --- property and vehicles ---


def property_parcels_of_owner(*, owner: str) -> ParcelsRecord:
    """The parcels ``owner`` (a national id number or a registry code) owns a share of
    today, by cadastral number."""
    holdings = (
        Ownership.objects.filter(_held_by(owner, field="owner"), until=None)
        .select_related("parcel")
        .order_by("parcel__cadastral_number")
    )
    return {
        "parcels": [
            {
                "cadastral_number": holding.parcel.cadastral_number,
                "municipality": holding.parcel.municipality,
                "area_m2": holding.parcel.area_m2,
                "land_use": holding.parcel.land_use,
                "share": share_text(holding.share),
                "since": holding.since.isoformat(),
            }
            for holding in holdings
        ]
    }


def vehicles_of_keeper(*, keeper: str) -> VehiclesRecord:
    """The vehicles ``keeper`` (a national id number or a registry code) keeps today, by
    plate."""
    kept = (
        VehicleKeeper.objects.filter(_held_by(keeper, field="keeper"), until=None)
        .select_related("vehicle")
        .order_by("vehicle__plate")
    )
    return {
        "vehicles": [
            {
                "plate": row.vehicle.plate,
                "vin": row.vehicle.vin,
                "make": row.vehicle.make,
                "model": row.vehicle.model,
                "first_registered_on": row.vehicle.first_registered_on.isoformat(),
                "since": row.since.isoformat(),
            }
            for row in kept
        ]
    }


def _person_found(national_id: str) -> Person:
    number = national_id_normalize(national_id, field="national_id")
    person = person_get(national_id=number)
    if person is None:
        raise NotFoundError(
            _("Nobody with national id number %(number)s is in the population registry.")
            % {"number": number}
        )
    return person


def _held_by(party: str, *, field: str) -> Q:
    """Rows held by ``party``; NotFoundError when the registries do not know it."""
    kind, code = party_normalize(party, field=field)
    if kind == "person":
        return Q(person=_person_found(code))
    company = Company.objects.filter(code=code).first()
    if company is None:
        raise NotFoundError(
            _("No company with registry code %(code)s is in the business registry.")
            % {"code": code}
        )
    return Q(company=company)


def _relative(person: Person, kind: str) -> RelativeRecord:
    return {
        "national_id": person.national_id,
        "full_name": person.full_name,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "birth_date": person.birth_date.isoformat(),
        "alive": person.alive,
        "kind": kind,
    }
