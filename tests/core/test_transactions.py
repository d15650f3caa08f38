from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from ventanilla.core.transactions import on_rollback

pytestmark = pytest.mark.django_db


def test_on_rollback_runs_when_the_savepoint_it_was_registered_in_rolls_back() -> None:
    undone: list[str] = []
    with transaction.atomic():
        on_rollback(lambda: undone.append("outer"))
        with pytest.raises(ValueError), transaction.atomic():
            on_rollback(lambda: undone.append("inner"))
            raise ValueError
        assert undone == ["inner"]
    assert undone == ["inner"]


def test_on_rollback_does_not_run_when_the_transaction_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    undone: list[str] = []
    with django_capture_on_commit_callbacks(execute=True) as hooks, transaction.atomic():
        on_rollback(lambda: undone.append("written"))
    assert len(hooks) == 1
    hooks.clear()
    assert undone == []
