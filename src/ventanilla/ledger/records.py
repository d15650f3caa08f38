"""The record types the ledger accepts. Each app registers the types it appends (in its
AppConfig.ready), with a sentence saying what an entry of that type means; the ledger
refuses any other type, so that every entry anyone reads has a documented meaning."""

from __future__ import annotations

from django.utils.functional import Promise

from ventanilla.core.errors import LedgerRecordTypeError

_types: dict[str, str | Promise] = {}


def record_type_register(name: str, meaning: str | Promise) -> None:
    """Register ``name`` (dotted: ``<app>.<thing>.<happened>``)."""
    parts = name.split(".")
    if len(parts) != 3 or not all(part.replace("_", "").isalnum() for part in parts):
        raise LedgerRecordTypeError(f"A record type reads app.thing.happened, not {name!r}.")
    _types[name] = meaning


def record_type_check(name: str) -> None:
    if name not in _types:
        raise LedgerRecordTypeError(
            f"{name!r} is not a registered ledger record type; register it with "
            "ventanilla.ledger.records.record_type_register first."
        )


def record_types() -> dict[str, str | Promise]:
    return dict(sorted(_types.items()))
