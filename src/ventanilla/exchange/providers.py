"""Who answers a data service: in-process providers (this node's own registries), each a
function from the subject's identifier to the answer. Remote providers (another node, or
an X-Road security server) come in behind the same signature as adapters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from ventanilla.core.errors import ExchangeSubjectUnknownError
from ventanilla.registries.selectors import person_get

Provider = Callable[[str], dict[str, Any]]

PERSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": [
        "national_id",
        "full_name",
        "given_name",
        "family_name",
        "birth_date",
        "address",
        "postcode",
        "municipality",
    ],
    "properties": {
        "national_id": {"type": "string", "pattern": "^[0-9]{10}$"},
        "full_name": {"type": "string", "minLength": 1},
        "given_name": {"type": "string", "minLength": 1},
        "family_name": {"type": "string", "minLength": 1},
        "birth_date": {"type": "string", "format": "date"},
        "birth_place": {"type": "string"},
        "address": {"type": "string"},
        "postcode": {"type": "string"},
        "municipality": {"type": "string"},
    },
}


def population_person(national_id: str) -> dict[str, Any]:
    person = person_get(national_id=national_id)
    if person is None:
        raise ExchangeSubjectUnknownError(_("The population registry has no such person."))
    return {
        "national_id": person.national_id,
        "full_name": f"{person.given_name} {person.family_name}",
        "given_name": person.given_name,
        "family_name": person.family_name,
        "birth_date": person.birth_date.isoformat(),
        "birth_place": person.birth_place,
        "address": person.address,
        "postcode": person.postcode,
        "municipality": person.municipality,
    }


# Data service code -> the function that answers it on this node.
LOCAL: dict[str, Provider] = {"population/person": population_person}
