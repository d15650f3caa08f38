from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """The registries refuse dates in the future: pin today, so that the dates the tests
    use stay in the past and the messages that name them stay the same."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    return TODAY
