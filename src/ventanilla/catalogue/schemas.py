"""JSON Schemas of the catalogue's YAML files.

The catalogue is declared in a folder holding ``agencies.yaml``, ``evidence.yaml``,
``events.yaml`` and one file per public service under ``services/``. The vocabulary
follows SEMIC CPSV-AP (public service, competent authority, life/business event,
channel, cost, evidence, output, legal resource). Every human-readable text is a
mapping from language code to text and must be given in every shipped language.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema

from ventanilla.catalogue.enums import Channel, EventKind

SLUG = {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$", "maxLength": 80}
AMOUNT = {"type": "string", "pattern": r"^\d{1,7}(\.\d{1,2})?$"}
MINUTES = {"type": "integer", "minimum": 0, "maximum": 100_000}


def text(languages: list[str], *, max_length: int = 4000) -> dict[str, Any]:
    """A text given in each of ``languages`` (and possibly more)."""
    return {
        "type": "object",
        "required": languages,
        "propertyNames": {"pattern": "^[a-z]{2}$"},
        "additionalProperties": {"type": "string", "minLength": 1, "maxLength": max_length},
    }


def agencies_schema(languages: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["version", "agencies"],
        "additionalProperties": False,
        "properties": {
            "version": {"type": "integer", "minimum": 1},
            "agencies": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["slug", "name", "description"],
                    "additionalProperties": False,
                    "properties": {
                        "slug": SLUG,
                        "name": text(languages, max_length=200),
                        "description": text(languages),
                        "website": {"type": "string", "format": "uri", "maxLength": 300},
                        "email": {"type": "string", "format": "email", "maxLength": 254},
                        "phone": {"type": "string", "maxLength": 40},
                        "address": {"type": "string", "maxLength": 300},
                    },
                },
            },
        },
    }


def evidence_schema(languages: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["version", "evidence"],
        "additionalProperties": False,
        "properties": {
            "version": {"type": "integer", "minimum": 1},
            "evidence": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["slug", "name", "description"],
                    "additionalProperties": False,
                    "properties": {
                        "slug": SLUG,
                        "name": text(languages, max_length=200),
                        "description": text(languages),
                        "held_by": {**SLUG, "description": "agency whose registry holds it"},
                    },
                },
            },
        },
    }


def events_schema(languages: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["version", "events"],
        "additionalProperties": False,
        "properties": {
            "version": {"type": "integer", "minimum": 1},
            "events": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["slug", "kind", "name", "description", "services"],
                    "additionalProperties": False,
                    "properties": {
                        "slug": SLUG,
                        "kind": {"enum": list(EventKind.values)},
                        "name": text(languages, max_length=200),
                        "description": text(languages),
                        "services": {
                            "type": "array",
                            "minItems": 1,
                            "uniqueItems": True,
                            "items": SLUG,
                        },
                    },
                },
            },
        },
    }


def service_schema(languages: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": [
            "slug",
            "version",
            "name",
            "description",
            "eligibility",
            "output",
            "competent_agency",
            "channels",
            "cost",
            "processing_days",
            "legal_basis",
        ],
        "additionalProperties": False,
        "properties": {
            "slug": SLUG,
            "version": {"type": "integer", "minimum": 1},
            "name": text(languages, max_length=200),
            "description": text(languages),
            "eligibility": text(languages),
            "output": text(languages, max_length=300),
            "competent_agency": SLUG,
            "participating_agencies": {"type": "array", "uniqueItems": True, "items": SLUG},
            "channels": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": list(Channel.values)},
            },
            "cost": {
                "type": "object",
                "required": ["amount", "currency"],
                "additionalProperties": False,
                "properties": {
                    "amount": AMOUNT,
                    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                },
            },
            "processing_days": {"type": "integer", "minimum": 0, "maximum": 365},
            "evidence": {"type": "array", "uniqueItems": True, "items": SLUG},
            "legal_basis": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["title"],
                    "additionalProperties": False,
                    "properties": {
                        "title": text(languages, max_length=300),
                        "url": {"type": "string", "format": "uri", "maxLength": 300},
                    },
                },
            },
            # Checked in depth by ventanilla.catalogue.transactions.
            "transaction": {"type": "object"},
            "performance": performance_schema(),
            "keywords": {
                "type": "object",
                "propertyNames": {"pattern": "^[a-z]{2}$"},
                "additionalProperties": {
                    "type": "array",
                    "items": {"type": "string", "minLength": 1, "maxLength": 60},
                },
            },
        },
    }


def performance_schema() -> dict[str, Any]:
    """A service's optional ``performance`` section: what a transaction costs the agency
    through each channel (for cost per transaction), and the Standard Cost Model figures
    for impact accounting: the resident's burden and the agency's handling time per
    transaction before and after the service went digital, in the service's currency."""
    burden = {
        "type": "object",
        "required": ["minutes"],
        "additionalProperties": False,
        "properties": {
            "minutes": {**MINUTES, "description": "time spent on one transaction"},
            "visits": {"type": "integer", "minimum": 0, "maximum": 100},
            "out_of_pocket": {**AMOUNT, "description": "travel, copies, postage"},
            "documents": {
                "type": "integer",
                "minimum": 0,
                "maximum": 100,
                "description": "documents to obtain from elsewhere first",
            },
        },
    }
    handling = {
        "type": "object",
        "required": ["minutes"],
        "additionalProperties": False,
        "properties": {"minutes": MINUTES, "cost": AMOUNT},
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "unit_costs": {
                "type": "object",
                "description": "cost to the agency of one transaction, per channel",
                "propertyNames": {"enum": list(Channel.values)},
                "additionalProperties": AMOUNT,
            },
            "resident": {
                "type": "object",
                "required": ["before", "after"],
                "additionalProperties": False,
                "properties": {"before": burden, "after": burden},
            },
            "agency": {
                "type": "object",
                "required": ["before", "after"],
                "additionalProperties": False,
                "properties": {"before": handling, "after": handling},
            },
            "lookup_minutes": {
                **MINUTES,
                "description": "resident time one once-only look-up saves (getting the evidence)",
            },
        },
    }


def calendar_schema(languages: list[str]) -> dict[str, Any]:
    """``calendar.yaml``: public holidays, the same day each year or on one date."""
    return {
        "type": "object",
        "required": ["version"],
        "additionalProperties": False,
        "properties": {
            "version": {"type": "integer", "minimum": 1},
            "yearly": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["month", "day", "name"],
                    "additionalProperties": False,
                    "properties": {
                        "month": {"type": "integer", "minimum": 1, "maximum": 12},
                        "day": {"type": "integer", "minimum": 1, "maximum": 31},
                        "name": text(languages, max_length=200),
                    },
                },
            },
            "dates": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["date", "name"],
                    "additionalProperties": False,
                    "properties": {
                        # YAML reads 2026-04-03 as a date; checked when loaded.
                        "date": {},
                        "name": text(languages, max_length=200),
                    },
                },
            },
        },
    }


_REQUIRED = re.compile(r"^'(?P<name>[^']+)' is a required property$")
_UNEXPECTED = re.compile(r"\('(?P<name>[^']+)' was unexpected\)")


def error_path(error: jsonschema.ValidationError, base: str = "") -> str:
    """Where ``error`` is, as ``a.b[2].c``; a missing or unexpected property is named."""
    path = base
    for part in error.absolute_path:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    match = _REQUIRED.match(error.message) or _UNEXPECTED.search(error.message)
    if match:
        path = f"{path}.{match['name']}" if path else match["name"]
    return path
