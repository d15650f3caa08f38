"""Demoland's base registries, made up but consistent with each other.

Residents come in households: single adults, married couples at one address, single
parents, with children born when each parent was 16 to 45 years old (minors at home,
grown-up children on their own). About a third of adults have children in the registry.
Households own their home's parcel in their municipality or rent; adults keep vehicles.
Companies (COMPANIES_PER_RESIDENT per resident) have real adult residents on their
boards, own parcels in their municipality and keep vehicles.

The same seed (and day) gives the same registries. Rows are written in batches of plain
INSERTs (``_Table``), bypassing the services: this is the registries' starting state, not
changes to it, so only births and foundings of the past year get their registry events
(built by the same functions the services use), for the consumers that act on recent
ones. The first person is the demo resident's: married, two
children (the younger born a few months ago), a home owned with their spouse and a car.
"""

from __future__ import annotations

import datetime as dt
import random
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import accumulate
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone
from faker import Faker

from ventanilla.core import national_id
from ventanilla.core.models import TimeStampedModel
from ventanilla.registries import events
from ventanilla.registries.activities import ACTIVITIES
from ventanilla.registries.enums import BoardRole, CivilStatus, LandUse, LegalForm, ParentKind
from ventanilla.registries.identifiers import company_code_make
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

BATCH = 5_000
COMPANIES_PER_RESIDENT = 2.5
ADULT = 18
PARENT_AGES = (16, 45)
# (name, cadastral code, first two digits of its postcodes)
MUNICIPALITIES = (
    ("Port Demo", "10001", "10"),
    ("Villanueva", "20001", "20"),
    ("Northbridge", "30001", "30"),
    ("San Telmo", "40001", "40"),
    ("Eastmarsh", "50001", "50"),
)
# A word for a company's name, by its main activity.
TRADES = {
    "01.11": "Cereales",
    "01.41": "Lácteos",
    "03.11": "Pesquera",
    "10.20": "Conservas",
    "10.71": "Panadería",
    "41.20": "Construcciones",
    "43.21": "Electricidad",
    "43.22": "Fontanería",
    "45.20": "Talleres",
    "47.11": "Alimentación",
    "47.71": "Moda",
    "49.32": "Taxis",
    "49.41": "Transportes",
    "52.24": "Estibadora",
    "55.10": "Hoteles",
    "56.10": "Restaurante",
    "62.01": "Software",
    "68.20": "Inmuebles",
    "69.10": "Abogados",
    "69.20": "Asesoría",
    "71.11": "Arquitectura",
    "85.59": "Academia",
    "86.23": "Clínica Dental",
    "96.02": "Peluquería",
}
LEGAL_FORMS = (
    (LegalForm.SOLE_TRADER, 35, ""),
    (LegalForm.LIMITED_COMPANY, 45, " S.L."),
    (LegalForm.PUBLIC_LIMITED_COMPANY, 3, " S.A."),
    (LegalForm.PARTNERSHIP, 7, " y Asociados"),
    (LegalForm.COOPERATIVE, 10, " S. Coop."),
)
# (make, model, world manufacturer identifier, descriptor)
MODELS = (
    ("Seat", "Ibiza", "VSS", "ZZZ6JZ"),
    ("Seat", "León", "VSS", "ZZZ5FZ"),
    ("Renault", "Clio", "VF1", "RJA00A"),
    ("Peugeot", "208", "VF3", "UHNSHN"),
    ("Volkswagen", "Golf", "WVW", "ZZZCDZ"),
    ("Toyota", "Corolla", "SB1", "Z93BE0"),
    ("Dacia", "Sandero", "UU1", "DJF00A"),
    ("Ford", "Focus", "WF0", "NXXGCH"),
    ("Kia", "Ceed", "U5Y", "H5817A"),
    ("Tesla", "Model 3", "5YJ", "3E7EA1"),
    ("Fiat", "Ducato", "ZFA", "25000A"),
)
_VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # model years from 1980, ISO 3779
_CONSONANTS = "BCDFGHJKLMNPRSTVWXYZ"
_PLATES = 10_000 * len(_CONSONANTS) ** 3
_COMPANY_CODES = 9_000_000  # seven-digit bodies 1000000-9999999

Progress = Callable[[int], None]


@dataclass
class RegistriesFilled:
    residents: int = 0
    companies: int = 0
    parcels: int = 0
    vehicles: int = 0


@dataclass(slots=True)
class _Resident:
    """A person about to be written; ``pk`` is given when it is."""

    national_id: str
    given_name: str
    family_name: str
    birth_date: dt.date
    birth_place: str
    address: str
    postcode: str
    municipality: str
    civil_status: CivilStatus
    pk: int = 0


@dataclass(slots=True)
class _Firm:
    code: str
    name: str
    legal_form: LegalForm
    founded_on: dt.date
    dissolved_on: dt.date | None
    address: str
    postcode: str
    municipality: str
    activities: list[str]
    pk: int = 0


@dataclass
class _Household:
    people: list[_Resident] = field(default_factory=list)
    marriage: tuple[int, int, dt.date] | None = None
    # (parent, child, kind): indexes in people
    parentage: list[tuple[int, int, ParentKind]] = field(default_factory=list)
    # (owners, municipality, since, area)
    homes: list[tuple[list[int], int, dt.date, int]] = field(default_factory=list)
    # (keeper, first registered, since)
    vehicles: list[tuple[int, dt.date, dt.date]] = field(default_factory=list)
    municipality: int = 0


@dataclass
class _Company:
    company: _Firm
    municipality: int
    board: list[tuple[int, BoardRole]]  # (adult index, role)
    parcel: tuple[LandUse, int, dt.date] | None = None  # (use, area, since)
    vehicles: list[tuple[dt.date, dt.date]] = field(default_factory=list)


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` ``years`` later; 29 February becomes 1 March in a common year, so that a
    person is never counted a year older a day early."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


class _Table:
    """Rows of one table, written a batch at a time (``write``).

    Not bulk_create: it spends several times longer building each row's SQL than the
    database takes to store it, which at a million residents is the difference between
    minutes and an hour. Primary keys are given here, following the table's largest, so
    that a row can point at one written in the same batch; ``sequences_reset`` puts
    PostgreSQL's sequences after them (SQLite follows explicit keys by itself).
    """

    def __init__(self, model: type[models.Model], fields: list[str], *, now: dt.datetime) -> None:
        meta = model._meta
        columns = [meta.get_field(name) for name in fields]
        # (position, adapter) of the values the database driver cannot take as they are
        self.adapters = [
            (position, adapter)
            for position, adapter in enumerate(map(self._adapter, columns))
            if adapter is not None
        ]
        self.stamps: tuple[Any, ...] = ()
        names = ["id", *(str(getattr(column, "column", "")) for column in columns)]
        if issubclass(model, TimeStampedModel):
            names += ["created_at", "updated_at"]
            stamp = connection.ops.adapt_datetimefield_value(now)
            self.stamps = (stamp, stamp)
        quote = connection.ops.quote_name
        into = f"{quote(meta.db_table)} ({', '.join(map(quote, names))})"
        self.copy = f"COPY {into} FROM STDIN"
        self.insert = f"INSERT INTO {into} VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608 - our table
        self.rows: list[tuple[Any, ...]] = []
        self.last: int = model._default_manager.aggregate(last=Max("pk"))["last"] or 0

    @staticmethod
    def _adapter(column: Any) -> Callable[[Any], Any] | None:
        ops = connection.ops
        if isinstance(column, models.DateTimeField):
            return lambda value: None if value is None else ops.adapt_datetimefield_value(value)
        if isinstance(column, models.DateField):
            return lambda value: None if value is None else ops.adapt_datefield_value(value)
        if isinstance(column, models.JSONField):
            return lambda value: ops.adapt_json_value(value, column.encoder)
        return None

    def add(self, *values: Any) -> int:
        """Queue a row; returns its primary key."""
        self.last += 1
        row = [self.last, *values, *self.stamps]
        for position, adapt in self.adapters:
            row[position + 1] = adapt(row[position + 1])
        self.rows.append(tuple(row))
        return self.last

    def write(self) -> int:
        """Write the queued rows: COPY on PostgreSQL (an INSERT a row is a round trip
        each there, and Django's client-side binding quotes every value in Python),
        one prepared INSERT run for each row on SQLite."""
        rows, self.rows = self.rows, []
        if rows:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(self.copy) as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    cursor.executemany(self.insert, rows)
        return len(rows)


def sequences_reset(tables: list[type[models.Model]]) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), tables):
            cursor.execute(sql)


TABLES: dict[type[models.Model], list[str]] = {
    Person: [
        "national_id",
        "given_name",
        "family_name",
        "birth_date",
        "birth_place",
        "address",
        "postcode",
        "municipality",
        "civil_status",
    ],
    Marriage: ["first", "second", "married_on"],
    Parentage: ["parent", "child", "kind", "since"],
    Company: [
        "code",
        "name",
        "legal_form",
        "founded_on",
        "dissolved_on",
        "address",
        "postcode",
        "municipality",
        "activities",
    ],
    BoardMember: ["company", "person", "role", "since", "until"],
    Parcel: ["cadastral_number", "municipality", "area_m2", "land_use"],
    Ownership: ["parcel", "person", "company", "share_numerator", "share_denominator", "since"],
    Vehicle: ["plate", "vin", "make", "model", "first_registered_on"],
    VehicleKeeper: ["vehicle", "person", "company", "since"],
    RegistryEvent: ["kind", "subject", "occurred_at", "recorded_at", "payload"],
}


class _Generator:
    def __init__(self, *, seed: int, today: dt.date, progress: Progress | None) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        fake = Faker(["es_ES", "en_GB"])
        fake.seed_instance(seed)
        # Pools drawn once: a Faker call per person would be most of the run.
        self.female_names = [fake.first_name_female() for _ in range(1_000)]
        self.male_names = [fake.first_name_male() for _ in range(1_000)]
        self.family_names = [fake.last_name() for _ in range(2_000)]
        self.streets = [fake.street_name() for _ in range(1_000)]
        self.today = today
        self.progress = progress
        self.filled = RegistriesFilled()
        self.recent = today - dt.timedelta(days=365)
        # The adults, for boards: primary key, birth date (ordinal), national id body.
        self.adult_pk = array("q")
        self.adult_born = array("l")
        self.adult_body = array("q")
        self.parcels_made = [0] * len(MUNICIPALITIES)
        self.company_names: dict[str, int] = {}
        self.activities = list(ACTIVITIES)
        self.form_weights = list(accumulate(weight for _form, weight, _suffix in LEGAL_FORMS))
        now = timezone.now()
        self.tables = {model: _Table(model, fields, now=now) for model, fields in TABLES.items()}

    # --- residents ---

    def residents(self, count: int) -> None:
        # A household is cut to the count only after it is drawn: numbers to spare for it.
        bodies = iter(self.rng.sample(range(100_000_000, 1_000_000_000), count + 5))
        batch: list[_Household] = []
        size = 0
        while self.filled.residents + size < count:
            household = self._household(bodies, first=self.filled.residents + size == 0)
            household.people = household.people[: count - self.filled.residents - size]
            batch.append(household)
            size += len(household.people)
            if size >= BATCH:
                self._households_write(batch)
                batch, size = [], 0
        if batch:
            self._households_write(batch)

    def _day(self, low: dt.date, high: dt.date) -> dt.date:
        return dt.date.fromordinal(self.rng.randint(low.toordinal(), high.toordinal()))

    def _address(self, municipality: int) -> tuple[str, str, str]:
        name, _code, prefix = MUNICIPALITIES[municipality]
        street = f"{self.rng.choice(self.streets)} {self.rng.randint(1, 250)}"
        return street, f"{prefix}{self.rng.randint(0, 999):03d}", name

    def _person(
        self,
        bodies: Iterator[int],
        *,
        born: dt.date,
        family: str,
        home: tuple[str, str, str],
        status: CivilStatus,
        kind: ParentKind = ParentKind.PARENT,
    ) -> _Resident:
        """A person; a mother or a father gets a woman's or a man's given name."""
        address, postcode, municipality = home
        if kind == ParentKind.PARENT:
            kind = self.rng.choice((ParentKind.MOTHER, ParentKind.FATHER))
        names = self.female_names if kind == ParentKind.MOTHER else self.male_names
        return _Resident(
            national_id=national_id.make(next(bodies)),
            given_name=self.rng.choice(names),
            family_name=family,
            birth_date=born,
            birth_place=self.rng.choice(MUNICIPALITIES)[0],
            address=address,
            postcode=postcode,
            municipality=municipality,
            civil_status=status,
        )

    def _household(self, bodies: Iterator[int], *, first: bool) -> _Household:
        rng, today = self.rng, self.today
        household = _Household(municipality=rng.randrange(len(MUNICIPALITIES)))
        home = self._address(household.municipality)
        family = rng.choice(self.family_names)
        roll = rng.random()
        kinds: list[ParentKind]
        if first or roll < 0.36:  # a married couple
            if first:
                head_born = add_years(today, -38) - dt.timedelta(days=rng.randint(0, 300))
                spouse_born = head_born + dt.timedelta(days=700)
            else:
                head_born = self._day(add_years(today, -90), add_years(today, -22))
                spouse_born = min(
                    head_born + dt.timedelta(days=rng.randint(-7 * 365, 7 * 365)),
                    add_years(today, -ADULT),
                )
            if rng.random() < 0.05:
                kinds = [ParentKind.PARENT, ParentKind.PARENT]
            else:
                kinds = rng.sample([ParentKind.MOTHER, ParentKind.FATHER], 2)
            household.people = [
                self._person(
                    bodies,
                    born=head_born,
                    family=family,
                    home=home,
                    status=CivilStatus.MARRIED,
                    kind=kinds[0],
                ),
                self._person(
                    bodies,
                    born=spouse_born,
                    family=rng.choice(self.family_names),
                    home=home,
                    status=CivilStatus.MARRIED,
                    kind=kinds[1],
                ),
            ]
            adult_from = add_years(max(head_born, spouse_born), ADULT)
            married_on = self._day(adult_from, min(today, add_years(adult_from, 15)))
            household.marriage = (0, 1, married_on)
            children = 2 if first else (rng.choice((1, 1, 2, 2, 3)) if rng.random() < 0.6 else 0)
        elif roll < 0.51:  # a single parent
            born = self._day(add_years(today, -75), add_years(today, -20))
            status = rng.choice(
                (
                    CivilStatus.SINGLE,
                    CivilStatus.DIVORCED,
                    CivilStatus.DIVORCED,
                    CivilStatus.WIDOWED,
                )
            )
            kind = rng.choices(
                (ParentKind.MOTHER, ParentKind.FATHER, ParentKind.PARENT), (14, 5, 1)
            )
            kinds = kind[:1]
            household.people = [
                self._person(
                    bodies, born=born, family=family, home=home, status=status, kind=kinds[0]
                )
            ]
            children = rng.choice((1, 1, 2))
        else:  # a single adult
            born = self._day(add_years(today, -95), add_years(today, -ADULT))
            status = CivilStatus.SINGLE
            if born < add_years(today, -30):
                status = rng.choices(
                    (CivilStatus.SINGLE, CivilStatus.DIVORCED, CivilStatus.WIDOWED),
                    (5, 3, 4 if born < add_years(today, -70) else 1),
                )[0]
            household.people = [
                self._person(bodies, born=born, family=family, home=home, status=status)
            ]
            kinds = []
            children = 0
        parents = list(range(len(household.people)))
        self._children(household, bodies, parents, kinds, children, family, home, first=first)
        self._homes_and_vehicles(household, parents, first=first)
        return household

    def _children(
        self,
        household: _Household,
        bodies: Iterator[int],
        parents: list[int],
        kinds: list[ParentKind],
        count: int,
        family: str,
        home: tuple[str, str, str],
        *,
        first: bool,
    ) -> None:
        if not count:
            return
        births = [household.people[index].birth_date for index in parents]
        low = max(add_years(born, PARENT_AGES[0]) for born in births)
        high = min([*(add_years(born, PARENT_AGES[1]) for born in births), self.today])
        if low > high:
            return
        if first:  # the demo resident's: one at school, one a few months old
            days = [max(low, add_years(self.today, -7)), self.today - dt.timedelta(days=150)]
        else:
            days = sorted(self._day(low, high) for _ in range(count))
        for born in days:
            grown = add_years(born, ADULT) <= self.today
            where = self._address(household.municipality) if grown else home
            child = self._person(
                bodies, born=born, family=family, home=where, status=CivilStatus.SINGLE
            )
            household.people.append(child)
            index = len(household.people) - 1
            for parent, kind in zip(parents, kinds, strict=True):
                household.parentage.append((parent, index, kind))
            if grown:
                self._homes_and_vehicles(household, [index], first=False, own_share=0.3)

    def _homes_and_vehicles(
        self, household: _Household, adults: list[int], *, first: bool, own_share: float = 0.6
    ) -> None:
        rng, today = self.rng, self.today
        people = household.people
        if first or rng.random() < own_share:
            start = max(add_years(people[index].birth_date, ADULT) for index in adults)
            if household.marriage is not None and adults == [0, 1]:
                start = max(start, household.marriage[2])
            household.homes.append(
                (adults, household.municipality, self._day(start, today), rng.randint(120, 1_500))
            )
        for index in adults:
            roll = rng.random()
            count = 1 if roll < 0.45 else 2 if roll < 0.55 else 0
            if first and index == 0:
                count = max(count, 1)
            grown_on = add_years(people[index].birth_date, ADULT)
            for _ in range(count):
                registered = self._day(add_years(today, -20), today)
                household.vehicles.append(
                    (index, registered, self._day(max(registered, grown_on), today))
                )

    def _households_write(self, batch: list[_Household]) -> None:
        tables = self.tables
        people = tables[Person]
        births: list[RegistryEvent] = []
        written = 0
        for household in batch:
            members = household.people
            for member in members:
                member.pk = people.add(
                    member.national_id,
                    member.given_name,
                    member.family_name,
                    member.birth_date,
                    member.birth_place,
                    member.address,
                    member.postcode,
                    member.municipality,
                    member.civil_status,
                )
                if add_years(member.birth_date, ADULT) <= self.today:
                    self.adult_pk.append(member.pk)
                    self.adult_born.append(member.birth_date.toordinal())
                    self.adult_body.append(int(member.national_id[:-1]))
            written += len(members)
            if household.marriage is not None and len(members) >= 2:
                a, b, married_on = household.marriage
                tables[Marriage].add(members[a].pk, members[b].pk, married_on)
            parents_of: dict[int, list[str]] = {}
            for parent, child, kind in household.parentage:
                if child >= len(members):
                    continue  # cut off by the requested count
                tables[Parentage].add(
                    members[parent].pk, members[child].pk, kind, members[child].birth_date
                )
                parents_of.setdefault(child, []).append(members[parent].national_id)
            for child, parents in parents_of.items():
                if members[child].birth_date >= self.recent:
                    births.append(
                        events.birth_registered(
                            child=members[child].national_id,
                            born=members[child].birth_date,
                            parents=parents,
                        )
                    )
            for holders, municipality, since, area in household.homes:
                if max(holders) < len(members):
                    parcel = self._parcel(municipality, LandUse.RESIDENTIAL, area)
                    for index in holders:
                        share = Fraction(1, len(holders))
                        tables[Ownership].add(
                            parcel,
                            members[index].pk,
                            None,
                            share.numerator,
                            share.denominator,
                            since,
                        )
            for keeper, registered, since in household.vehicles:
                if keeper < len(members):
                    vehicle = self._vehicle(registered)
                    tables[VehicleKeeper].add(vehicle, members[keeper].pk, None, since)
        self._events_write(births)
        self.filled.residents += written
        if self.progress:
            self.progress(written)

    def _events_write(self, made: list[RegistryEvent]) -> None:
        """Write the batch, with ``made`` (events built as the services build them)."""
        for event in made:
            self.tables[RegistryEvent].add(
                event.kind, event.subject, event.occurred_at, event.recorded_at, event.payload
            )
        for table in self.tables.values():
            table.write()

    # --- parcels and vehicles, for residents and companies alike ---

    def _parcel(self, municipality: int, use: LandUse, area: int) -> int:
        self.parcels_made[municipality] += 1
        number = self.parcels_made[municipality]
        name, code, _prefix = MUNICIPALITIES[municipality]
        self.filled.parcels += 1
        return self.tables[Parcel].add(
            f"{code}:{number // 10_000:03d}:{number % 10_000:04d}", name, area, use
        )

    def _vehicle(self, registered: dt.date) -> int:
        serial = self.filled.vehicles
        self.filled.vehicles += 1
        # A bijection of 0.._PLATES-1 (the factor is prime to it): plates that look random
        # and never repeat.
        plate = (serial * 7_919_993 + 1_234_567) % _PLATES
        letters = plate // 10_000
        make, model, maker, descriptor = self.rng.choice(MODELS)
        year = _YEAR_CODES[(registered.year - 1980) % len(_YEAR_CODES)]
        plant = _VIN_CHARS[serial // 1_000_000 % len(_VIN_CHARS)]
        return self.tables[Vehicle].add(
            f"{plate % 10_000:04d} "
            + "".join(_CONSONANTS[letters // 20**power % 20] for power in (2, 1, 0)),
            f"{maker}{descriptor}{year}{plant}{serial % 1_000_000:06d}",
            make,
            model,
            registered,
        )

    # --- companies ---

    def companies(self, count: int) -> None:
        if not self.adult_pk:
            return
        batch: list[_Company] = []
        for number in range(count):
            batch.append(self._company(number))
            if len(batch) == BATCH:
                self._companies_write(batch)
                batch = []
        if batch:
            self._companies_write(batch)

    def _company(self, number: int) -> _Company:
        rng, today = self.rng, self.today
        form, _weight, suffix = rng.choices(LEGAL_FORMS, cum_weights=self.form_weights)[0]
        activities = [rng.choice(self.activities)]
        if rng.random() < 0.3:
            extra = rng.choice(self.activities)
            if extra not in activities:
                activities.append(extra)
        size = (
            1
            if form == LegalForm.SOLE_TRADER
            else min(rng.choice((1, 2, 2, 3)), len(self.adult_pk))
        )
        members = rng.sample(range(len(self.adult_pk)), size)
        if form == LegalForm.SOLE_TRADER:
            roles = [BoardRole.PROPRIETOR]
        else:
            roles = [BoardRole.CHAIR if size > 1 else BoardRole.DIRECTOR]
            roles += [rng.choice((BoardRole.DIRECTOR, BoardRole.MEMBER)) for _ in members[1:]]
        start = max(
            add_years(today, -40),
            *(add_years(dt.date.fromordinal(self.adult_born[index]), ADULT) for index in members),
        )
        founded_on = self._day(start, today)
        dissolved_on = None
        if founded_on < today and rng.random() < 0.06:
            dissolved_on = self._day(founded_on + dt.timedelta(days=1), today)
        municipality = rng.randrange(len(MUNICIPALITIES))
        address, postcode, town = self._address(municipality)
        if form == LegalForm.SOLE_TRADER:
            given = rng.choice(rng.choice((self.female_names, self.male_names)))
            base = f"{given} {rng.choice(self.family_names)}, "
            base += TRADES[activities[0]]
        else:
            base = f"{TRADES[activities[0]]} {rng.choice(self.family_names)}{suffix}"
        seen = self.company_names.get(base, 0)
        self.company_names[base] = seen + 1
        name = base if not seen else f"{base} ({seen + 1})"
        code = company_code_make(1_000_000 + (number * 7_654_321 + 2_026) % _COMPANY_CODES)
        spec = _Company(
            company=_Firm(
                code=code,
                name=name,
                legal_form=form,
                founded_on=founded_on,
                dissolved_on=dissolved_on,
                address=address,
                postcode=postcode,
                municipality=town,
                activities=activities,
            ),
            municipality=municipality,
            board=list(zip(members, roles, strict=True)),
        )
        if dissolved_on is None:
            if rng.random() < 0.15:
                use, area = self._business_land(activities[0])
                spec.parcel = (use, area, self._day(founded_on, today))
            if rng.random() < 0.12:
                for _ in range(rng.randint(1, 3)):
                    registered = self._day(add_years(today, -15), today)
                    spec.vehicles.append(
                        (registered, self._day(max(registered, founded_on), today))
                    )
        return spec

    def _business_land(self, activity: str) -> tuple[LandUse, int]:
        if activity.startswith("01."):
            return LandUse.AGRICULTURAL, self.rng.randint(5_000, 200_000)
        if activity[:2] in {"03", "10", "41", "49", "52"}:
            return LandUse.INDUSTRIAL, self.rng.randint(1_000, 20_000)
        return LandUse.COMMERCIAL, self.rng.randint(100, 3_000)

    def _companies_write(self, batch: list[_Company]) -> None:
        tables = self.tables
        recent: list[RegistryEvent] = []
        for spec in batch:
            company = spec.company
            company.pk = tables[Company].add(
                company.code,
                company.name,
                company.legal_form,
                company.founded_on,
                company.dissolved_on,
                company.address,
                company.postcode,
                company.municipality,
                company.activities,
            )
            for index, role in spec.board:
                tables[BoardMember].add(
                    company.pk, self.adult_pk[index], role, company.founded_on, company.dissolved_on
                )
            if company.founded_on >= self.recent:
                recent.append(
                    events.company_founded(
                        code=company.code,
                        founded_on=company.founded_on,
                        legal_form=company.legal_form,
                        municipality=company.municipality,
                        activities=company.activities,
                    )
                )
                recent += [
                    events.board_changed(
                        code=company.code,
                        national_id=national_id.make(self.adult_body[index]),
                        role=role,
                        change="appointed",
                        on=company.founded_on,
                    )
                    for index, role in spec.board
                ]
            if spec.parcel is not None:
                use, area, since = spec.parcel
                parcel = self._parcel(spec.municipality, use, area)
                tables[Ownership].add(parcel, None, company.pk, 1, 1, since)
            for registered, since in spec.vehicles:
                tables[VehicleKeeper].add(self._vehicle(registered), None, company.pk, since)
        self._events_write(recent)
        self.filled.companies += len(batch)


def registries_generate(
    *, residents: int, seed: int, today: dt.date, progress: Progress | None = None
) -> RegistriesFilled:
    """Fill empty registries: ``residents`` people, their families, homes and vehicles,
    then the companies. Call it in a transaction."""
    generator = _Generator(seed=seed, today=today, progress=progress)
    generator.residents(residents)
    generator.companies(round(residents * COMPANIES_PER_RESIDENT))
    sequences_reset(list(TABLES))
    return generator.filled
