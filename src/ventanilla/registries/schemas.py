"""What the registries' selectors answer: a typed dict for Python and a JSON Schema
(draft 2020-12) for everyone else, side by side so that they change together.

The answers are plain JSON (dates as ``2026-03-27``), ready for the exchange to check
against these schemas and send. Check ``format`` with a format checker:
``Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)``.
"""

from __future__ import annotations

from typing import Any, TypedDict

from ventanilla.registries.enums import BoardRole, CivilStatus, LandUse, LegalForm, ParentKind

# --- the answers ---


class PersonRecord(TypedDict):
    national_id: str
    full_name: str
    given_name: str
    family_name: str
    birth_date: str
    birth_place: str
    address: str
    postcode: str
    municipality: str
    civil_status: str
    alive: bool


class RelativeRecord(TypedDict):
    """A parent or a child; ``kind`` is how the parent is one (mother, father, parent)."""

    national_id: str
    full_name: str
    given_name: str
    family_name: str
    birth_date: str
    alive: bool
    kind: str


class ChildrenRecord(TypedDict):
    children: list[RelativeRecord]


class ParentsRecord(TypedDict):
    parents: list[RelativeRecord]


class ActivityRecord(TypedDict):
    code: str
    label: str


class BoardSeatRecord(TypedDict):
    national_id: str
    full_name: str
    role: str
    since: str


class CompanyRecord(TypedDict):
    code: str
    name: str
    legal_form: str
    founded_on: str
    dissolved_on: str | None
    address: str
    postcode: str
    municipality: str
    activities: list[ActivityRecord]
    board: list[BoardSeatRecord]


class CompanySeatRecord(TypedDict):
    code: str
    name: str
    legal_form: str
    dissolved_on: str | None
    role: str
    since: str


class CompaniesRecord(TypedDict):
    companies: list[CompanySeatRecord]


class ParcelHoldingRecord(TypedDict):
    cadastral_number: str
    municipality: str
    area_m2: int
    land_use: str
    share: str
    since: str


class ParcelsRecord(TypedDict):
    parcels: list[ParcelHoldingRecord]


class VehicleKeptRecord(TypedDict):
    plate: str
    vin: str
    make: str
    model: str
    first_registered_on: str
    since: str


class VehiclesRecord(TypedDict):
    vehicles: list[VehicleKeptRecord]


# --- their JSON Schemas ---

Schema = dict[str, Any]

_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_BASE = "https://ventanilla.example/schemas/registries/"
_TEXT: Schema = {"type": "string"}
_NAME: Schema = {"type": "string", "minLength": 1}
_DATE: Schema = {"type": "string", "format": "date"}
_NATIONAL_ID: Schema = {"type": "string", "pattern": "^[0-9]{10}$"}
_COMPANY_CODE: Schema = {"type": "string", "pattern": "^[0-9]{8}$"}
_CIVIL_STATUS: Schema = {"enum": CivilStatus.values}
_PARENT_KIND: Schema = {"enum": ParentKind.values}
_LEGAL_FORM: Schema = {"enum": LegalForm.values}
_BOARD_ROLE: Schema = {"enum": BoardRole.values}
_LAND_USE: Schema = {"enum": LandUse.values}


def _object(properties: Schema) -> Schema:
    """An object with exactly these properties, all of them required."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _document(name: str, title: str, body: Schema) -> Schema:
    return {"$schema": _DIALECT, "$id": f"{_BASE}{name}", "title": title, **body}


def _list_of(key: str, item: Schema) -> Schema:
    return _object({key: {"type": "array", "items": item}})


_RELATIVE = _object(
    {
        "national_id": _NATIONAL_ID,
        "full_name": _NAME,
        "given_name": _NAME,
        "family_name": _NAME,
        "birth_date": _DATE,
        "alive": {"type": "boolean"},
        "kind": _PARENT_KIND,
    }
)

POPULATION_PERSON_SCHEMA: Schema = _document(
    "population-person",
    "A person in the population registry",
    _object(
        {
            "national_id": _NATIONAL_ID,
            "full_name": _NAME,
            "given_name": _NAME,
            "family_name": _NAME,
            "birth_date": _DATE,
            "birth_place": _TEXT,
            "address": _NAME,
            "postcode": _NAME,
            "municipality": _NAME,
            "civil_status": _CIVIL_STATUS,
            "alive": {"type": "boolean"},
        }
    ),
)

POPULATION_CHILDREN_SCHEMA: Schema = _document(
    "population-children", "A person's children", _list_of("children", _RELATIVE)
)

POPULATION_PARENTS_SCHEMA: Schema = _document(
    "population-parents",
    "A person's parents",
    _object({"parents": {"type": "array", "items": _RELATIVE, "maxItems": 2}}),
)

BUSINESS_COMPANY_SCHEMA: Schema = _document(
    "business-company",
    "A company in the business registry, with its current board",
    _object(
        {
            "code": _COMPANY_CODE,
            "name": _NAME,
            "legal_form": _LEGAL_FORM,
            "founded_on": _DATE,
            "dissolved_on": {"oneOf": [_DATE, {"type": "null"}]},
            "address": _NAME,
            "postcode": _NAME,
            "municipality": _NAME,
            "activities": {
                "type": "array",
                "minItems": 1,
                "items": _object(
                    {"code": {"type": "string", "pattern": "^[0-9]{2}\\.[0-9]{2}$"}, "label": _NAME}
                ),
            },
            "board": {
                "type": "array",
                "items": _object(
                    {
                        "national_id": _NATIONAL_ID,
                        "full_name": _NAME,
                        "role": _BOARD_ROLE,
                        "since": _DATE,
                    }
                ),
            },
        }
    ),
)

BUSINESS_COMPANIES_OF_PERSON_SCHEMA: Schema = _document(
    "business-companies-of-person",
    "The companies on whose board a person sits",
    _list_of(
        "companies",
        _object(
            {
                "code": _COMPANY_CODE,
                "name": _NAME,
                "legal_form": _LEGAL_FORM,
                "dissolved_on": {"oneOf": [_DATE, {"type": "null"}]},
                "role": _BOARD_ROLE,
                "since": _DATE,
            }
        ),
    ),
)

PROPERTY_PARCELS_OF_OWNER_SCHEMA: Schema = _document(
    "property-parcels-of-owner",
    "The parcels a person or a company owns a share of",
    _list_of(
        "parcels",
        _object(
            {
                "cadastral_number": {
                    "type": "string",
                    "pattern": "^[0-9]{5}:[0-9]{3}:[0-9]{4}$",
                },
                "municipality": _NAME,
                "area_m2": {"type": "integer", "minimum": 1},
                "land_use": _LAND_USE,
                "share": {"type": "string", "pattern": "^[1-9][0-9]*/[1-9][0-9]*$"},
                "since": _DATE,
            }
        ),
    ),
)

VEHICLES_OF_KEEPER_SCHEMA: Schema = _document(
    "vehicles-of-keeper",
    "The vehicles a person or a company keeps",
    _list_of(
        "vehicles",
        _object(
            {
                "plate": {"type": "string", "pattern": "^[0-9]{4} [B-DF-HJ-NPR-TV-Z]{3}$"},
                "vin": {"type": "string", "pattern": "^[A-HJ-NPR-Z0-9]{17}$"},
                "make": _NAME,
                "model": _NAME,
                "first_registered_on": _DATE,
                "since": _DATE,
            }
        ),
    ),
)

# By the name of the selector that answers with it.
SCHEMAS: dict[str, Schema] = {
    "population_person": POPULATION_PERSON_SCHEMA,
    "population_children": POPULATION_CHILDREN_SCHEMA,
    "population_parents": POPULATION_PARENTS_SCHEMA,
    "business_company": BUSINESS_COMPANY_SCHEMA,
    "business_companies_of_person": BUSINESS_COMPANIES_OF_PERSON_SCHEMA,
    "property_parcels_of_owner": PROPERTY_PARCELS_OF_OWNER_SCHEMA,
    "vehicles_of_keeper": VEHICLES_OF_KEEPER_SCHEMA,
}

# The data service that answers with each schema, as the exchange names it.
SERVICE_SCHEMAS: dict[str, str] = {
    "population/person": "population_person",
    "population/children": "population_children",
    "population/parents": "population_parents",
    "business/company": "business_company",
    "business/companies-of-person": "business_companies_of_person",
    "property/parcels-of-owner": "property_parcels_of_owner",
    "vehicles/of-keeper": "vehicles_of_keeper",
}
# Those asked about a person by their national id number (the others by a company's code),
# so the ones an application can fetch about its applicant.
PERSON_SERVICES = frozenset(SERVICE_SCHEMAS) - {"business/company"}
