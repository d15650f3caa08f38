"""Statements on the driver's own cursor: the same answers and errors as Django's cursor,
and seen by whoever watches the queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from ventanilla.core import hotsql
from ventanilla.exchange.models import SeenRequest

pytestmark = pytest.mark.django_db

TABLE = SeenRequest._meta.db_table
INSERT = f"INSERT INTO {TABLE} (x_road_id, at) VALUES (%s, %s)"  # noqa: S608
SELECT = f"SELECT x_road_id, COUNT(*) FROM {TABLE} WHERE x_road_id = %s GROUP BY x_road_id"  # noqa: S608


def test_a_statement_runs_with_its_parameters_and_answers_its_first_row() -> None:
    hotsql.execute(INSERT, ["a-1", timezone.now().isoformat()])
    assert hotsql.fetch_one(SELECT, ["a-1"]) == ("a-1", 1)
    assert hotsql.fetch_one(SELECT, ["nobody"]) is None
    assert SeenRequest.objects.get().x_road_id == "a-1"


def test_a_broken_constraint_is_djangos_integrity_error_and_the_transaction_stays_usable() -> None:
    hotsql.execute(INSERT, ["a-1", timezone.now().isoformat()])
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic():
            hotsql.execute(INSERT, ["a-1", timezone.now().isoformat()])
        hotsql.execute(INSERT, ["a-2", timezone.now().isoformat()])
    assert sorted(SeenRequest.objects.values_list("x_road_id", flat=True)) == ["a-1", "a-2"]


def test_a_transaction_django_knows_is_broken_is_refused() -> None:
    hotsql.execute(INSERT, ["a-1", timezone.now().isoformat()])
    with pytest.raises(IntegrityError), transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic(savepoint=False):
            hotsql.execute(INSERT, ["a-1", timezone.now().isoformat()])
        # Django marks the transaction broken (no savepoint was there to roll back to)
        with pytest.raises(TransactionManagementError):
            hotsql.fetch_one(SELECT, ["a-1"])
        raise IntegrityError("roll back")


def test_watched_queries_go_through_djangos_cursor_and_are_counted(
    django_assert_num_queries: Any,
) -> None:
    with django_assert_num_queries(2) as captured:
        hotsql.execute(INSERT, ["a-1", timezone.now().isoformat()])
        assert hotsql.fetch_one(SELECT, ["a-1"]) == ("a-1", 1)
    assert TABLE in captured.captured_queries[1]["sql"]
