from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction

from ventanilla.ledger.models import Entry
from ventanilla.ledger.records import record_type_register
from ventanilla.ledger.services import ledger_append

record_type_register("tests.thing.happened", "A test recorded something.")

Append = Callable[[int], list[Entry]]


@pytest.fixture
def append(db: None) -> Append:
    """Append ``n`` test entries, one transaction each, as the platform does."""

    def append_many(n: int) -> list[Entry]:
        entries = []
        for number in range(n):
            with transaction.atomic():
                entries.append(
                    ledger_append(
                        kind="tests.thing.happened",
                        agency="civil-registry",
                        subject="0" * 32,
                        case_reference=f"DL-2026-{number:06d}",
                        body={"number": number, "ok": True, "note": None},
                    )
                )
        return entries

    return append_many
