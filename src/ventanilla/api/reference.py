"""The API reference that the portal's developer page shows, read from the OpenAPI document.

The page is server-rendered from the same document that ``/api/v1/openapi.json`` serves,
so it cannot drift from the API, and it needs no JavaScript or third-party assets (the
portal's content security policy allows neither).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils.translation import gettext_noop

from ventanilla.api.urls import api

_METHODS = ("get", "post", "put", "patch", "delete")
# Parameters that Ninja's pagination adds without a description.
_DESCRIPTIONS = {
    "limit": gettext_noop("How many items to return at most."),
    "offset": gettext_noop("How many items to skip from the start of the list."),
}


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    required: bool
    description: str
    type: str
    choices: tuple[str, ...] = ()
    default: str = ""


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    statuses: tuple[str, ...] = ()
    signed_in: bool = False


def _type(schema: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    for part in schema.get("allOf", []):
        if "enum" in part:
            return part.get("type", "string"), tuple(str(v) for v in part["enum"])
    if "enum" in schema:
        return schema.get("type", "string"), tuple(str(v) for v in schema["enum"])
    return schema.get("type", "string"), ()


def _parameter(raw: dict[str, Any]) -> Parameter:
    schema = raw.get("schema", {})
    type_, choices = _type(schema)
    default = schema.get("default")
    return Parameter(
        name=raw["name"],
        location=raw["in"],
        required=bool(raw.get("required")),
        description=(
            raw.get("description")
            or schema.get("description")
            or _DESCRIPTIONS.get(raw["name"], "")
        ),
        type=type_,
        choices=choices,
        default="" if default is None else str(default),
    )


@cache
def api_operations() -> tuple[Operation, ...]:
    """Every operation of /api/v1/, in the order the document lists them.

    Texts are in English, as in the document; the template translates them.
    """
    operations = []
    for path, item in api.get_openapi_schema()["paths"].items():
        for method in _METHODS:
            raw = item.get(method)
            if raw is None:
                continue
            operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=raw.get("summary", ""),
                    description=raw.get("description", ""),
                    parameters=tuple(_parameter(p) for p in raw.get("parameters", [])),
                    statuses=tuple(sorted(raw.get("responses", {}))),
                    signed_in=bool(raw.get("security")),
                )
            )
    return tuple(operations)
