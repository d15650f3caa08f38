"""The fold: a day's facts, counted from the records, the same every time it runs."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from tests.insights.conftest import DAY
from ventanilla.applications.models import Application
from ventanilla.catalogue.models import PublicService
from ventanilla.core.errors import ValidationError
from ventanilla.insights.models import (
    COUNTERS,
    DecisionTime,
    Fact,
    FoldRun,
    OfflineCount,
)
from ventanilla.insights.services import (
    facts_fold_day,
    facts_fold_recent,
    offline_count_record,
    offline_counts_import,
)

pytestmark = pytest.mark.django_db


def _facts() -> dict[str, dict[str, Any]]:
    rows = Fact.objects.filter(day=DAY).order_by("channel")
    return {
        row.channel: {
            **{name: getattr(row, name) for name in COUNTERS if getattr(row, name)},
            **({"payments_amount": row.payments_amount} if row.payments_amount else {}),
        }
        for row in rows
    }


def test_a_day_is_folded_into_one_row_per_service_agency_and_channel(
    history: dict[str, Application], service: PublicService
) -> None:
    report = facts_fold_day(day=DAY)

    assert _facts() == {
        "api": {
            "approved": 1,
            "rejected": 1,
            "within_deadline": 1,
            "missed_deadline": 1,
            "satisfied": 1,
        },
        "counter": {"submitted": 7},
        "web": {
            "started": 2,
            "submitted": 1,
            "abandoned": 1,
            "payments": 1,
            "payments_amount": Decimal("5.00"),
            "evidence_fetched": 1,
        },
    }
    assert set(Fact.objects.values_list("agency_id", flat=True)) == {service.competent_agency_id}
    times = DecisionTime.objects.filter(day=DAY).values_list("channel", "working_days", "decisions")
    assert sorted(times) == [("api", 1, 1), ("api", 4, 1)]
    assert (report.facts, report.decision_times) == (3, 2)


def test_folding_a_day_again_gives_the_same_rows(history: dict[str, Application]) -> None:
    facts_fold_day(day=DAY)
    first = list(Fact.objects.order_by("channel").values(*COUNTERS, "channel", "payments_amount"))
    first_times = list(DecisionTime.objects.order_by("working_days").values("working_days"))

    facts_fold_day(day=DAY)

    assert (
        list(Fact.objects.order_by("channel").values(*COUNTERS, "channel", "payments_amount"))
        == first
    )
    assert list(DecisionTime.objects.order_by("working_days").values("working_days")) == first_times
    assert Fact.objects.count() == 3
    assert FoldRun.objects.get(day=DAY).folded_at is not None


def test_a_fold_that_fails_leaves_the_day_as_it_was_and_can_be_run_again(
    history: dict[str, Application], monkeypatch: pytest.MonkeyPatch
) -> None:
    facts_fold_day(day=DAY)
    before = list(Fact.objects.order_by("channel").values(*COUNTERS, "channel"))

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(DecisionTime.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        facts_fold_day(day=DAY)
    assert list(Fact.objects.order_by("channel").values(*COUNTERS, "channel")) == before

    monkeypatch.undo()
    facts_fold_day(day=DAY)
    assert list(Fact.objects.order_by("channel").values(*COUNTERS, "channel")) == before
    assert DecisionTime.objects.filter(day=DAY).count() == 2


def test_a_day_with_nothing_recorded_has_no_rows(history: dict[str, Application]) -> None:
    report = facts_fold_day(day=dt.date(2026, 4, 4))

    assert (report.facts, report.decision_times) == (0, 0)
    assert not Fact.objects.exists()


def test_the_worker_folds_yesterday_and_today_then_catches_up_from_the_last_day_it_folded(
    history: dict[str, Application],
) -> None:
    assert [r.day for r in facts_fold_recent(today=DAY)] == [dt.date(2026, 4, 5), DAY]

    later = DAY + dt.timedelta(days=3)
    assert [r.day for r in facts_fold_recent(today=later)] == [
        DAY,
        dt.date(2026, 4, 7),
        dt.date(2026, 4, 8),
        later,
    ]
    assert _facts()["counter"] == {"submitted": 7}


def test_an_official_records_an_offline_count_and_the_day_is_folded_again(
    service: PublicService,
) -> None:
    official = factories.user()
    day = timezone.localdate() - dt.timedelta(days=1)

    offline_count_record(day=day, service=service, channel="phone", count=4, actor=official)
    offline_count_record(day=day, service=service, channel="phone", count=5, actor=official)

    assert Fact.objects.get(day=day, channel="phone").submitted == 5
    assert OfflineCount.objects.get().recorded_by == official


@pytest.mark.parametrize(
    ("channel", "count", "days_ahead", "message"),
    [
        ("web", 3, 0, "“web” is not a channel counted by hand: use one of counter, phone, post."),
        ("counter", -1, 0, "A count must be 0 or more."),
        ("counter", 3, 1, "A count cannot be for a day still to come."),
    ],
)
def test_a_wrong_offline_count_is_refused(
    service: PublicService, channel: str, count: int, days_ahead: int, message: str
) -> None:
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    with pytest.raises(ValidationError) as raised:
        offline_count_record(day=day, service=service, channel=channel, count=count)
    assert raised.value.message == message
    assert not OfflineCount.objects.exists()


def test_offline_counts_are_imported_from_csv_and_their_days_folded(
    service: PublicService,
) -> None:
    file = io.StringIO(
        "day,service,channel,count\n"
        "2026-04-06,child-benefit,counter,7\n"
        "2026-04-06,child-benefit,post,2\n"
        "2026-04-07,child-benefit,phone,3\n"
    )

    assert offline_counts_import(file=file) == 3

    facts = Fact.objects.order_by("day", "channel").values_list("day", "channel", "submitted")
    assert list(facts) == [
        (DAY, "counter", 7),
        (DAY, "post", 2),
        (dt.date(2026, 4, 7), "phone", 3),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("day,service,count\n", "The file must have the columns day, service, channel, count."),
        (
            "day,service,channel,count\n2026-04-06,child-benefit,counter,7\n2026-04-06,x,post,2\n",
            "Line 3, column service: there is no service “x”.",
        ),
        (
            "day,service,channel,count\n6/4/2026,child-benefit,counter,7\n",
            "Line 2, column day: “6/4/2026” is not a day written YYYY-MM-DD.",
        ),
        (
            "day,service,channel,count\n2026-04-06,child-benefit,counter,7\n"
            "2026-04-06,child-benefit,post,two\n",
            "Line 3, column count: “two” is not a whole number.",
        ),
        (
            "day,service,channel,count\n2026-04-06,child-benefit,counter,-2\n",
            "Line 2, column count: A count must be 0 or more.",
        ),
        (
            "day,service,channel,count\n2026-04-06,child-benefit,kiosk,7\n",
            "Line 2, column channel: “kiosk” is not a channel counted by hand: use one of "
            "counter, phone, post.",
        ),
    ],
)
def test_a_wrong_csv_names_its_line_and_records_nothing(
    service: PublicService, text: str, message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        offline_counts_import(file=io.StringIO(text))
    assert raised.value.message == message
    assert not OfflineCount.objects.exists()
    assert not Fact.objects.exists()
