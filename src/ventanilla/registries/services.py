"""Every change to the base registries.

Each service writes its change and the registry events that announce it in one
transaction, so a consumer never sees an event without its change or the reverse. Bad
input is refused with a ValidationError whose ``field`` is the name of the argument.
People are named by national id number, companies by registry code, and either of them,
where both may hold something, by the one or the other ("party").
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.core import national_id as national_ids
from ventanilla.core.errors import ValidationError
from ventanilla.registries import events
from ventanilla.registries.activities import ACTIVITIES
from ventanilla.registries.enums import (
    BoardRole,
    CivilStatus,
    LandUse,
    LegalForm,
    ParentKind,
    RegistryEventKind,
)
from ventanilla.registries.events import event_new
from ventanilla.registries.identifiers import (
    cadastral_number_normalize,
    company_code_make,
    company_code_normalize,
    national_id_normalize,
    party_normalize,
    plate_normalize,
    share_parse,
    share_text,
    vin_normalize,
)
from ventanilla.registries.models import (
    BoardMember,
    Company,
    HeldByParty,
    Marriage,
    Ownership,
    Parcel,
    Parentage,
    Person,
    RegistryEvent,
    Vehicle,
    VehicleKeeper,
)

ADULT_AGE = 18
MAX_PARENTS = 2
# A parent who died up to this many days before a birth can still be the child's parent
# (the civil codes' presumption of paternity after a marriage ends).
POSTHUMOUS_DAYS = 300
_POSTCODE = re.compile(r"^\d{5}$")

Party = Person | Company
_Choice = TypeVar("_Choice", bound=models.TextChoices)
_Held = TypeVar("_Held", bound=HeldByParty)


# --- population ---


@transaction.atomic
def person_birth_register(
    *,
    given_name: str,
    family_name: str,
    birth_date: dt.date,
    birth_place: str = "",
    parents: Sequence[tuple[str, ParentKind | str]] = (),
    address: str = "",
    postcode: str = "",
    municipality: str = "",
    national_id: str | None = None,
) -> Person:
    """Enter a person born on ``birth_date`` (a birth, or one registered late) with their
    ``parents`` (national id number and kind, at most two).

    The registry gives the person a new national id number unless ``national_id`` names
    one nobody has. Without an address the child lives at the first parent's.
    """
    given_name = _text(
        given_name, field="given_name", max_length=100, missing=_("Enter the given name.")
    )
    family_name = _text(
        family_name, field="family_name", max_length=100, missing=_("Enter the family name.")
    )
    birth_place = _text(birth_place, field="birth_place", max_length=100, missing="")
    _not_future(birth_date, field="birth_date")
    number = _national_id_new(national_id)
    links = _parents_check(parents, birth_date=birth_date)
    if not (address or postcode or municipality) and links:
        home = links[0][0]
        address, postcode, municipality = home.address, home.postcode, home.municipality
    else:
        address, postcode, municipality = _address_check(address, postcode, municipality)
    person = Person.objects.create(
        national_id=number,
        given_name=given_name,
        family_name=family_name,
        birth_date=birth_date,
        birth_place=birth_place,
        address=address,
        postcode=postcode,
        municipality=municipality,
    )
    Parentage.objects.bulk_create(
        Parentage(parent=parent, child=person, kind=kind, since=birth_date)
        for parent, kind in links
    )
    _record(
        events.birth_registered(
            child=number,
            born=birth_date,
            parents=[parent.national_id for parent, _kind in links],
        )
    )
    return person


@transaction.atomic
def person_address_change(
    *, national_id: str, address: str, postcode: str, municipality: str, moved_on: dt.date
) -> Person:
    """Register that a person lives at a new address from ``moved_on``."""
    person = _person(national_id, field="national_id", lock=True)
    _living(person, field="national_id")
    address, postcode, municipality = _address_check(address, postcode, municipality)
    _not_future(moved_on, field="moved_on")
    if moved_on < person.birth_date:
        raise ValidationError(
            _("The move is dated before the person was born, on %(date)s.")
            % {"date": person.birth_date},
            field="moved_on",
        )
    last_move = (
        RegistryEvent.objects.filter(
            kind=RegistryEventKind.ADDRESS_CHANGED, subject=person.national_id
        )
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    if last_move is not None and moved_on < timezone.localtime(last_move).date():
        raise ValidationError(
            _("A later move, on %(date)s, is already registered: enter a date after it.")
            % {"date": timezone.localtime(last_move).date()},
            field="moved_on",
        )
    if (address, postcode, municipality) == (person.address, person.postcode, person.municipality):
        raise ValidationError(_("The person already lives at this address."), field="address")
    previous = person.municipality
    person.address, person.postcode, person.municipality = address, postcode, municipality
    person.save(update_fields=["address", "postcode", "municipality", "updated_at"])
    _record(
        event_new(
            kind=RegistryEventKind.ADDRESS_CHANGED,
            subject=person.national_id,
            on=moved_on,
            payload={"from_municipality": previous, "to_municipality": municipality},
        )
    )
    return person


@transaction.atomic
def person_death_register(*, national_id: str, died_on: dt.date) -> Person:
    """Register a death. A marriage the person was in ends that day and the spouse becomes
    widowed; seats on boards, property and vehicles pass only by their own services."""
    person = _person(national_id, field="national_id", lock=True)
    if person.death_date is not None:
        raise ValidationError(
            _("This person's death is already registered, on %(date)s.")
            % {"date": person.death_date},
            field="national_id",
        )
    _not_future(died_on, field="died_on")
    if died_on < person.birth_date:
        raise ValidationError(
            _("The date of death is before the person was born, on %(date)s.")
            % {"date": person.birth_date},
            field="died_on",
        )
    marriage = (
        Marriage.objects.select_for_update()
        .select_related("first", "second")
        .filter(Q(first=person) | Q(second=person), ended_on=None)
        .first()
    )
    if marriage is not None and died_on < marriage.married_on:
        raise ValidationError(
            _("The person married on %(date)s, after this date of death.")
            % {"date": marriage.married_on},
            field="died_on",
        )
    person.death_date = died_on
    person.save(update_fields=["death_date", "updated_at"])
    payload: dict[str, Any] = {}
    if marriage is not None:
        marriage.ended_on = died_on
        marriage.save(update_fields=["ended_on"])
        spouse = marriage.second if marriage.first_id == person.pk else marriage.first
        spouse.civil_status = CivilStatus.WIDOWED
        spouse.save(update_fields=["civil_status", "updated_at"])
        payload["surviving_spouse"] = spouse.national_id
    _record(
        event_new(
            kind=RegistryEventKind.DEATH_REGISTERED,
            subject=person.national_id,
            on=died_on,
            payload=payload,
        )
    )
    return person


@transaction.atomic
def marriage_register(*, first: str, second: str, married_on: dt.date) -> Marriage:
    """Register the marriage of two living, unmarried adults (by national id number)."""
    numbers = {
        "first": national_id_normalize(first, field="first"),
        "second": national_id_normalize(second, field="second"),
    }
    if numbers["first"] == numbers["second"]:
        raise ValidationError(
            _("Both spouses have the same national id number: enter the other spouse's."),
            field="second",
        )
    # Both rows locked in one statement, in a fixed order, so two marriages registered at
    # once cannot lock them crosswise.
    found = {
        person.national_id: person
        for person in Person.objects.select_for_update()
        .filter(national_id__in=numbers.values())
        .order_by("pk")
    }
    _not_future(married_on, field="married_on")
    spouses = []
    for field, number in numbers.items():
        if number not in found:
            raise _unknown_person(number, field=field)
        person = found[number]
        _living(person, field=field)
        if person.civil_status == CivilStatus.MARRIED:
            raise ValidationError(
                _(
                    "The person with national id number %(number)s is married: register the "
                    "end of that marriage first."
                )
                % {"number": number},
                field=field,
            )
        _adult_on(person, married_on, field=field)
        spouses.append(person)
    a, b = spouses
    marriage = Marriage.objects.create(first=a, second=b, married_on=married_on)
    for spouse in spouses:
        spouse.civil_status = CivilStatus.MARRIED
        spouse.save(update_fields=["civil_status", "updated_at"])
    _record(
        *(
            event_new(
                kind=RegistryEventKind.MARRIAGE_REGISTERED,
                subject=spouse.national_id,
                on=married_on,
                payload={"spouse": other.national_id},
            )
            for spouse, other in ((a, b), (b, a))
        )
    )
    return marriage


# --- businesses ---


@transaction.atomic
def company_found(
    *,
    name: str,
    legal_form: LegalForm | str,
    founded_on: dt.date,
    address: str,
    postcode: str,
    municipality: str,
    activities: Sequence[str],
    board: Sequence[tuple[str, BoardRole | str]],
    code: str | None = None,
) -> Company:
    """Register a company founded on ``founded_on`` with its activities (NACE codes, the
    main one first) and its first board (national id number and role). A sole trader's
    board is its proprietor alone. The registry gives the company a new registry code
    unless ``code`` names one nobody has."""
    name = _text(name, field="name", max_length=200, missing=_("Enter the company's name."))
    if Company.objects.filter(name__iexact=name, dissolved_on=None).exists():
        raise ValidationError(
            _("A company named “%(name)s” is already registered: choose another name.")
            % {"name": name},
            field="name",
        )
    form = _choice(
        LegalForm,
        legal_form,
        field="legal_form",
        message=_("Choose one of the legal forms: %(choices)s."),
    )
    _not_future(founded_on, field="founded_on")
    address, postcode, municipality = _address_check(address, postcode, municipality)
    codes = _activities_check(activities)
    seats = _board_check(board, legal_form=form, on=founded_on)
    code = _company_code_new(code)
    company = Company.objects.create(
        code=code,
        name=name,
        legal_form=form,
        founded_on=founded_on,
        address=address,
        postcode=postcode,
        municipality=municipality,
        activities=codes,
    )
    BoardMember.objects.bulk_create(
        BoardMember(company=company, person=person, role=role, since=founded_on)
        for person, role in seats
    )
    _record(
        events.company_founded(
            code=code,
            founded_on=founded_on,
            legal_form=form,
            municipality=municipality,
            activities=codes,
        ),
        *(_board_event(company, person, role, "appointed", founded_on) for person, role in seats),
    )
    return company


@transaction.atomic
def board_member_appoint(
    *, company: str, national_id: str, role: BoardRole | str, since: dt.date
) -> BoardMember:
    """Seat a living adult on the board of a company (by registry code) from ``since``."""
    firm = _company(company, field="company", lock=True)
    if firm.dissolved_on is not None:
        raise ValidationError(
            _("The company %(code)s was dissolved on %(date)s.")
            % {"code": firm.code, "date": firm.dissolved_on},
            field="company",
        )
    if firm.legal_form == LegalForm.SOLE_TRADER:
        raise ValidationError(
            _("A sole trader's board is its proprietor alone: it cannot have other members."),
            field="company",
        )
    seat_role = _role_check(role, legal_form=LegalForm(firm.legal_form), field="role")
    person = _person(national_id, field="national_id")
    _not_future(since, field="since")
    if since < firm.founded_on:
        raise ValidationError(
            _("The company was founded on %(date)s: a seat cannot begin before that.")
            % {"date": firm.founded_on},
            field="since",
        )
    _living(person, field="national_id")
    _adult_on(person, since, field="national_id")
    if BoardMember.objects.filter(company=firm, person=person, until=None).exists():
        raise ValidationError(
            _("This person already sits on the board of %(code)s.") % {"code": firm.code},
            field="national_id",
        )
    seat = BoardMember.objects.create(company=firm, person=person, role=seat_role, since=since)
    _record(_board_event(firm, person, seat_role, "appointed", since))
    return seat


@transaction.atomic
def board_member_resign(*, company: str, national_id: str, until: dt.date) -> BoardMember:
    """End a person's seat on a company's board on ``until``. The last member cannot
    leave: a company always has someone who answers for it."""
    firm = _company(company, field="company", lock=True)
    number = national_id_normalize(national_id, field="national_id")
    seat = (
        BoardMember.objects.select_related("person")
        .filter(company=firm, person__national_id=number, until=None)
        .first()
    )
    if seat is None:
        raise ValidationError(
            _(
                "The person with national id number %(number)s does not sit on the board "
                "of %(code)s."
            )
            % {"number": number, "code": firm.code},
            field="national_id",
        )
    _not_future(until, field="until")
    if until < seat.since:
        raise ValidationError(
            _("The seat began on %(date)s: it cannot end before that.") % {"date": seat.since},
            field="until",
        )
    if not BoardMember.objects.filter(company=firm, until=None).exclude(pk=seat.pk).exists():
        raise ValidationError(
            _("This is the company's last board member: appoint another before they leave."),
            field="national_id",
        )
    seat.until = until
    seat.save(update_fields=["until"])
    _record(_board_event(firm, seat.person, BoardRole(seat.role), "resigned", until))
    return seat


# --- property ---


@transaction.atomic
def parcel_register(
    *,
    cadastral_number: str,
    municipality: str,
    area_m2: int,
    land_use: LandUse | str,
    owners: Sequence[tuple[str, Fraction | str]],
    registered_on: dt.date,
) -> Parcel:
    """Enter a parcel in the property registry with its first owners (party and share;
    the shares add up to one)."""
    number = cadastral_number_normalize(cadastral_number, field="cadastral_number")
    if Parcel.objects.filter(cadastral_number=number).exists():
        raise ValidationError(
            _("Parcel %(number)s is already in the property registry.") % {"number": number},
            field="cadastral_number",
        )
    municipality = _text(
        municipality, field="municipality", max_length=100, missing=_("Enter the municipality.")
    )
    if isinstance(area_m2, bool) or not isinstance(area_m2, int) or area_m2 < 1:
        raise ValidationError(
            _("Enter the area as a whole number of square metres, 1 or more."), field="area_m2"
        )
    use = _choice(
        LandUse, land_use, field="land_use", message=_("Choose one of the land uses: %(choices)s.")
    )
    _not_future(registered_on, field="registered_on")
    holdings = _owners_check(owners)
    parcel = Parcel.objects.create(
        cadastral_number=number, municipality=municipality, area_m2=area_m2, land_use=use
    )
    Ownership.objects.bulk_create(
        _ownership(parcel, party, share, since=registered_on) for party, share in holdings
    )
    _record(
        *(
            event_new(
                kind=RegistryEventKind.PARCEL_REGISTERED,
                subject=_party_code(party),
                on=registered_on,
                payload={"cadastral_number": number, "share": share_text(share)},
            )
            for party, share in holdings
        )
    )
    return parcel


@transaction.atomic
def ownership_transfer(
    *,
    cadastral_number: str,
    from_owner: str,
    to_owner: str,
    share: Fraction | str,
    transferred_on: dt.date,
) -> Ownership:
    """Pass ``share`` of a parcel (of the whole parcel, so at most what ``from_owner``
    holds) to ``to_owner`` on ``transferred_on``: a sale, a gift or an inheritance, so
    the one who gives may be deceased or dissolved, but not the one who receives.
    Returns the receiver's holding."""
    number = cadastral_number_normalize(cadastral_number, field="cadastral_number")
    parcel = Parcel.objects.select_for_update().filter(cadastral_number=number).first()
    if parcel is None:
        raise ValidationError(
            _("No parcel %(number)s is in the property registry.") % {"number": number},
            field="cadastral_number",
        )
    giver = _party(from_owner, field="from_owner")
    receiver = _party(to_owner, field="to_owner")
    if _party_code(giver) == _party_code(receiver):
        raise ValidationError(
            _("The new owner is the one who gives the share: enter who receives it."),
            field="to_owner",
        )
    _active(receiver, field="to_owner")
    amount = share_parse(share, field="share")
    current = list(parcel.ownerships.filter(until=None))
    held = _holding_of(current, giver)
    if held is None:
        raise ValidationError(
            _("%(owner)s owns no share of parcel %(number)s.")
            % {"owner": _party_code(giver), "number": number},
            field="from_owner",
        )
    if amount > held.share:
        raise ValidationError(
            _("%(owner)s owns %(held)s of parcel %(number)s and cannot pass on %(share)s.")
            % {
                "owner": _party_code(giver),
                "held": share_text(held.share),
                "number": number,
                "share": share_text(amount),
            },
            field="share",
        )
    _not_future(transferred_on, field="transferred_on")
    kept = _holding_of(current, receiver)
    latest = max(held.since, kept.since if kept else held.since)
    if transferred_on < latest:
        raise ValidationError(
            _("The owners' holdings are registered from %(date)s: enter a date on or after it.")
            % {"date": latest},
            field="transferred_on",
        )
    ended = [held] if kept is None else [held, kept]
    for holding in ended:
        holding.until = transferred_on
    Ownership.objects.bulk_update(ended, ["until"])
    new = []
    if held.share > amount:
        new.append(_ownership(parcel, giver, held.share - amount, since=transferred_on))
    received = _ownership(
        parcel, receiver, amount + (kept.share if kept else 0), since=transferred_on
    )
    new.append(received)
    Ownership.objects.bulk_create(new)
    _record(
        *(
            event_new(
                kind=RegistryEventKind.OWNERSHIP_TRANSFERRED,
                subject=_party_code(party),
                on=transferred_on,
                payload={"cadastral_number": number, "share": share_text(amount), "change": change},
            )
            for party, change in ((giver, "disposed"), (receiver, "acquired"))
        )
    )
    return received


# --- vehicles ---


@transaction.atomic
def vehicle_register(
    *,
    plate: str,
    vin: str,
    make: str,
    model: str,
    first_registered_on: dt.date,
    keeper: str,
) -> Vehicle:
    """Register a vehicle for the first time, kept by ``keeper`` (a party) from then."""
    number = plate_normalize(plate, field="plate")
    if Vehicle.objects.filter(plate=number).exists():
        raise ValidationError(
            _("The plate %(plate)s is already given to another vehicle.") % {"plate": number},
            field="plate",
        )
    vin = vin_normalize(vin, field="vin")
    if Vehicle.objects.filter(vin=vin).exists():
        raise ValidationError(
            _("A vehicle with this identification number is already registered."), field="vin"
        )
    make = _text(make, field="make", max_length=50, missing=_("Enter the make, like Seat."))
    model = _text(model, field="model", max_length=50, missing=_("Enter the model, like Ibiza."))
    _not_future(first_registered_on, field="first_registered_on")
    party = _party(keeper, field="keeper")
    _active(party, field="keeper")
    vehicle = Vehicle.objects.create(
        plate=number, vin=vin, make=make, model=model, first_registered_on=first_registered_on
    )
    VehicleKeeper.objects.create(vehicle=vehicle, since=first_registered_on, **_held_by(party))
    _record(
        event_new(
            kind=RegistryEventKind.VEHICLE_REGISTERED,
            subject=_party_code(party),
            on=first_registered_on,
            payload={"plate": number},
        )
    )
    return vehicle


@transaction.atomic
def vehicle_keeper_change(*, plate: str, keeper: str, since: dt.date) -> VehicleKeeper:
    """``keeper`` (a party) keeps the vehicle from ``since``, in place of the one before."""
    number = plate_normalize(plate, field="plate")
    vehicle = Vehicle.objects.select_for_update().filter(plate=number).first()
    if vehicle is None:
        raise ValidationError(
            _("No vehicle with plate %(plate)s is registered.") % {"plate": number},
            field="plate",
        )
    party = _party(keeper, field="keeper")
    _active(party, field="keeper")
    current = vehicle.keepers.filter(until=None).select_related("person", "company").first()
    if current is not None and _holding_of([current], party) is not None:
        raise ValidationError(
            _("%(keeper)s already keeps the vehicle %(plate)s.")
            % {"keeper": _party_code(party), "plate": number},
            field="keeper",
        )
    _not_future(since, field="since")
    start = current.since if current is not None else vehicle.first_registered_on
    if since < start:
        raise ValidationError(
            _("The current keeper has kept the vehicle since %(date)s: enter a later date.")
            % {"date": start},
            field="since",
        )
    events = []
    if current is not None:
        current.until = since
        current.save(update_fields=["until"])
        previous = current.person or current.company
        assert previous is not None  # noqa: S101 - the one-party constraint
        events.append(_keeper_event(previous, number, "ended", since))
    new = VehicleKeeper.objects.create(vehicle=vehicle, since=since, **_held_by(party))
    events.append(_keeper_event(party, number, "started", since))
    _record(*events)
    return new


# --- checks and lookups shared by the services ---


def _record(*events: RegistryEvent) -> None:
    RegistryEvent.objects.bulk_create(events)


def _text(value: str, *, field: str, max_length: int, missing: str) -> str:
    """``value`` stripped; refused when empty (with ``missing``; "" allows it) or too long."""
    text = (value or "").strip()
    if not text and missing:
        raise ValidationError(missing, field=field)
    if len(text) > max_length:
        raise ValidationError(
            _("Use at most %(count)d characters; this has %(length)d.")
            % {"count": max_length, "length": len(text)},
            field=field,
        )
    return text


def _choice(choices: type[_Choice], value: str, *, field: str, message: str) -> _Choice:
    """``value`` as a member of ``choices``; ``message`` lists them in %(choices)s."""
    try:
        return choices(value)
    except ValueError:
        raise ValidationError(
            message % {"choices": ", ".join(choices.values)}, field=field
        ) from None


def _not_future(day: dt.date, *, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(
            _("%(date)s is in the future: a registry records what has already happened.")
            % {"date": day},
            field=field,
        )


def _address_check(address: str, postcode: str, municipality: str) -> tuple[str, str, str]:
    address = _text(
        address,
        field="address",
        max_length=200,
        missing=_("Enter the address: street and number."),
    )
    postcode = (postcode or "").strip()
    if not _POSTCODE.match(postcode):
        raise ValidationError(_("A postcode has five digits, like 10001."), field="postcode")
    municipality = _text(
        municipality, field="municipality", max_length=100, missing=_("Enter the municipality.")
    )
    return address, postcode, municipality


def _unknown_person(number: str, *, field: str) -> ValidationError:
    return ValidationError(
        _("Nobody with national id number %(number)s is in the population registry.")
        % {"number": number},
        field=field,
    )


def _person(value: str, *, field: str, lock: bool = False) -> Person:
    number = national_id_normalize(value, field=field)
    people = Person.objects.select_for_update() if lock else Person.objects.all()
    person = people.filter(national_id=number).first()
    if person is None:
        raise _unknown_person(number, field=field)
    return person


def _company(value: str, *, field: str, lock: bool = False) -> Company:
    code = company_code_normalize(value, field=field)
    companies = Company.objects.select_for_update() if lock else Company.objects.all()
    company = companies.filter(code=code).first()
    if company is None:
        raise ValidationError(
            _("No company with registry code %(code)s is in the business registry.")
            % {"code": code},
            field=field,
        )
    return company


def _party(value: str, *, field: str) -> Party:
    kind, code = party_normalize(value, field=field)
    return _person(code, field=field) if kind == "person" else _company(code, field=field)


def _party_code(party: Party) -> str:
    return party.national_id if isinstance(party, Person) else party.code


def _held_by(party: Party) -> dict[str, Party]:
    return {"person": party} if isinstance(party, Person) else {"company": party}


def _holding_of(holdings: Iterable[_Held], party: Party) -> _Held | None:
    """The one of ``holdings`` that ``party`` holds, or None."""
    key = "person_id" if isinstance(party, Person) else "company_id"
    return next((row for row in holdings if getattr(row, key) == party.pk), None)


def _living(person: Person, *, field: str) -> None:
    if person.death_date is not None:
        raise ValidationError(
            _("The person with national id number %(number)s died on %(date)s.")
            % {"number": person.national_id, "date": person.death_date},
            field=field,
        )


def _active(party: Party, *, field: str) -> None:
    if isinstance(party, Person):
        _living(party, field=field)
    elif party.dissolved_on is not None:
        raise ValidationError(
            _("The company %(code)s was dissolved on %(date)s.")
            % {"code": party.code, "date": party.dissolved_on},
            field=field,
        )


def _adult_on(person: Person, day: dt.date, *, field: str) -> None:
    born = person.birth_date
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if age < ADULT_AGE:
        raise ValidationError(
            _("The person with national id number %(number)s was under %(age)d on %(date)s.")
            % {"number": person.national_id, "age": ADULT_AGE, "date": day},
            field=field,
        )


def _national_id_new(value: str | None) -> str:
    if value is not None:
        number = national_id_normalize(value, field="national_id")
        if Person.objects.filter(national_id=number).exists():
            raise ValidationError(
                _("National id number %(number)s is already someone else's.") % {"number": number},
                field="national_id",
            )
        return number
    while True:  # a billion numbers: a taken one is rare
        number = national_ids.make(100_000_000 + secrets.randbelow(900_000_000))
        if not Person.objects.filter(national_id=number).exists():
            return number


def _company_code_new(value: str | None) -> str:
    if value is not None:
        code = company_code_normalize(value, field="code")
        if Company.objects.filter(code=code).exists():
            raise ValidationError(
                _("Registry code %(code)s is already another company's.") % {"code": code},
                field="code",
            )
        return code
    while True:
        code = company_code_make(1_000_000 + secrets.randbelow(9_000_000))
        if not Company.objects.filter(code=code).exists():
            return code


def _parents_check(
    parents: Sequence[tuple[str, ParentKind | str]], *, birth_date: dt.date
) -> list[tuple[Person, ParentKind]]:
    if len(parents) > MAX_PARENTS:
        raise ValidationError(
            _("A child has at most two parents in the registry."), field="parents"
        )
    links: list[tuple[Person, ParentKind]] = []
    for value, kind in parents:
        parent_kind = _choice(
            ParentKind,
            kind,
            field="parents",
            message=_("A parent is one of: %(choices)s."),
        )
        parent = _person(value, field="parents")
        if any(parent.pk == other.pk for other, _kind in links):
            raise ValidationError(_("The same parent is named twice."), field="parents")
        if parent.birth_date >= birth_date:
            raise ValidationError(
                _(
                    "The parent with national id number %(number)s was born on %(date)s, "
                    "not before the child."
                )
                % {"number": parent.national_id, "date": parent.birth_date},
                field="parents",
            )
        if parent.death_date is not None and parent.death_date < birth_date - dt.timedelta(
            days=POSTHUMOUS_DAYS
        ):
            raise ValidationError(
                _(
                    "The parent with national id number %(number)s died on %(date)s, more "
                    "than %(days)d days before the birth."
                )
                % {
                    "number": parent.national_id,
                    "date": parent.death_date,
                    "days": POSTHUMOUS_DAYS,
                },
                field="parents",
            )
        links.append((parent, parent_kind))
    return links


def _activities_check(activities: Sequence[str]) -> list[str]:
    codes = [str(code).strip() for code in activities]
    if not codes:
        raise ValidationError(
            _("Name at least one activity, the main one first."), field="activities"
        )
    for code in codes:
        if code not in ACTIVITIES:
            raise ValidationError(
                _(
                    "%(code)s is not an activity code of the registry's classification "
                    "(NACE Rev. 2)."
                )
                % {"code": code},
                field="activities",
            )
    if len(set(codes)) != len(codes):
        raise ValidationError(_("An activity is named twice."), field="activities")
    return codes


def _role_check(role: BoardRole | str, *, legal_form: LegalForm, field: str) -> BoardRole:
    seat_role = _choice(
        BoardRole, role, field=field, message=_("A board role is one of: %(choices)s.")
    )
    if (seat_role == BoardRole.PROPRIETOR) != (legal_form == LegalForm.SOLE_TRADER):
        raise ValidationError(
            _(
                "A sole trader's one board member is its proprietor, and only a sole trader "
                "has one."
            ),
            field=field,
        )
    return seat_role


def _board_check(
    board: Sequence[tuple[str, BoardRole | str]], *, legal_form: LegalForm, on: dt.date
) -> list[tuple[Person, BoardRole]]:
    if not board:
        raise ValidationError(_("Name at least one board member."), field="board")
    if legal_form == LegalForm.SOLE_TRADER and len(board) != 1:
        raise ValidationError(
            _("A sole trader's board is its proprietor alone: name one person."), field="board"
        )
    seats: list[tuple[Person, BoardRole]] = []
    for value, role in board:
        seat_role = _role_check(role, legal_form=legal_form, field="board")
        person = _person(value, field="board")
        if any(person.pk == other.pk for other, _role in seats):
            raise ValidationError(_("The same person is named twice."), field="board")
        _living(person, field="board")
        _adult_on(person, on, field="board")
        seats.append((person, seat_role))
    return seats


def _board_event(
    company: Company, person: Person, role: BoardRole, change: str, on: dt.date
) -> RegistryEvent:
    return events.board_changed(
        code=company.code, national_id=person.national_id, role=role.value, change=change, on=on
    )


def _owners_check(owners: Sequence[tuple[str, Fraction | str]]) -> list[tuple[Party, Fraction]]:
    if not owners:
        raise ValidationError(_("Name at least one owner."), field="owners")
    holdings: list[tuple[Party, Fraction]] = []
    for value, share in owners:
        party = _party(value, field="owners")
        if any(_party_code(party) == _party_code(other) for other, _share in holdings):
            raise ValidationError(_("The same owner is named twice."), field="owners")
        _active(party, field="owners")
        holdings.append((party, share_parse(share, field="owners")))
    total = sum((share for _owner, share in holdings), Fraction(0))
    if total != 1:
        raise ValidationError(
            _("The owners' shares add up to %(total)s; they must add up to the whole parcel, 1/1.")
            % {"total": share_text(total)},
            field="owners",
        )
    return holdings


def _ownership(parcel: Parcel, party: Party, share: Fraction, *, since: dt.date) -> Ownership:
    return Ownership(
        parcel=parcel,
        share_numerator=share.numerator,
        share_denominator=share.denominator,
        since=since,
        **_held_by(party),
    )


def _keeper_event(party: Party, plate: str, change: str, on: dt.date) -> RegistryEvent:
    return event_new(
        kind=RegistryEventKind.KEEPER_CHANGED,
        subject=_party_code(party),
        on=on,
        payload={"plate": plate, "change": change},
    )
