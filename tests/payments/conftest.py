from __future__ import annotations

from typing import Any

import pytest

from tests.payments.helpers import OnceSlowProvider, RecordingProvider


@pytest.fixture(autouse=True)
def provider(settings: Any) -> type[RecordingProvider]:
    """Every payment test counts the provider's charges and refunds."""
    settings.VENTANILLA_PAYMENT_PROVIDER = "tests.payments.helpers.RecordingProvider"
    RecordingProvider.charges.clear()
    RecordingProvider.refunds.clear()
    OnceSlowProvider.timed_out = False
    return RecordingProvider
