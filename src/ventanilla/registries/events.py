"""Registry events: built here, written only by ``registries.services`` (one at a time, in
the transaction of their change) and by the demo's bulk load."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ventanilla.core.errors import RegistryEventKindError
from ventanilla.registries.enums import RegistryEventKind
from ventanilla.registries.models import RegistryEvent


def day_start(day: dt.date) -> dt.datetime:
    """The start of ``day`` in the current time zone: when a fact registered by date took
    effect."""
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())


def event_new(
    *, kind: RegistryEventKind, subject: str, on: dt.date, payload: dict[str, Any] | None = None
) -> RegistryEvent:
    """An unsaved event of a registered ``kind`` about ``subject`` (a national id number or a
    registry code), which took effect ``on``. Refuses an unregistered kind."""
    if kind not in RegistryEventKind.values:
        raise RegistryEventKindError(
            f"{kind!r} is not a registered registry event kind; add it to "
            "ventanilla.registries.enums.RegistryEventKind first."
        )
    return RegistryEvent(
        kind=RegistryEventKind(kind),
        subject=subject,
        occurred_at=day_start(on),
        payload=payload or {},
    )


# The events whose payloads the demo's bulk load writes too, built in one place.


def birth_registered(*, child: str, born: dt.date, parents: list[str]) -> RegistryEvent:
    return event_new(
        kind=RegistryEventKind.BIRTH_REGISTERED,
        subject=child,
        on=born,
        payload={"parents": parents},
    )


def company_founded(
    *, code: str, founded_on: dt.date, legal_form: str, municipality: str, activities: list[str]
) -> RegistryEvent:
    return event_new(
        kind=RegistryEventKind.COMPANY_FOUNDED,
        subject=code,
        on=founded_on,
        payload={"legal_form": legal_form, "municipality": municipality, "activities": activities},
    )


def board_changed(
    *, code: str, national_id: str, role: str, change: str, on: dt.date
) -> RegistryEvent:
    """``change`` is "appointed" or "resigned"."""
    return event_new(
        kind=RegistryEventKind.BOARD_CHANGED,
        subject=code,
        on=on,
        payload={"national_id": national_id, "role": role, "change": change},
    )
