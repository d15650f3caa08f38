"""The fold: a day's facts, counted from the records, the same every time it runs."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from tests.insights.conftest import at, decided, fee, sent
from ventanilla.applications import services as applications
from ventanilla.applications.models import Application
from ventanilla.catalogue.enums import Channel
from ventanilla.catalogue.models import PublicService
from ventanilla.core.errors import ValidationError
from ventanilla.exchange.enums import CallOutcome
from ventanilla.exchange.models import Call, DataService, Member, Subsystem
from ventanilla.insights.enums import SatisfactionAnswer
from ventanilla.insights.models import (
    DecisionTime,
    Fact,
    FoldRun,
    OfflineCount,
    SatisfactionResponse,
)
from ventanilla.insights.services import (
    facts_fold_day,
    facts_fold_recent,
    offline_count_record,
    offline_counts_import,
)

pytestmark = pytest.mark.django_db

# Monday 6 April 2026. Friday 3 April is Good Friday in the test calendar, a holiday.
DAY = dt.date(2026, 4, 6)
COUNTERS = (
    "started",
    "submitted",
    "abandoned",
    "approved",
    "rejected",
    "withdrawn",
    "within_deadline",
    "missed_deadline",
    "payments",
    "evidence_fetched",
    "evidence_asked",
    "very_satisfied",
    "satisfied",
    "neither",
    "dissatisfied",
    "very_dissatisfied",
)


def _call(reference: str, *, on: dt.datetime, outcome: str = CallOutcome.COMPLETED) -> None:
    member, _ = Member.objects.get_or_create(
        instance="DEMO", member_class="GOV", member_code="civil-registry"
    )
    subsystem, _ = Subsystem.objects.get_or_create(
        member=member, code="registry", defaults={"name": {"en": "Registry"}}
    )
    data, _ = DataService.objects.get_or_create(
        code="population/person",
        defaults={"provider": subsystem, "name": {"en": "Person"}, "response_schema": {}},
    )
    Call.objects.create(
        at=on,
        client=subsystem,
        service=data,
        subject="pseudonym",
        purpose="benefits",
        case_reference=reference,
        outcome=outcome,
    )


def _facts() -> dict[str, dict[str, Any]]:
    rows = Fact.objects.filter(day=DAY).order_by("channel")
    return {
        row.channel: {
            **{name: getattr(row, name) for name in COUNTERS if getattr(row, name)},
            **({"payments_amount": row.payments_amount} if row.payments_amount else {}),
        }
        for row in rows
    }


@pytest.fixture
def history(service: PublicService) -> dict[str, Application]:
    """What happened around Monday 6 April, worked out by hand in the test below."""
    # Sent on Thursday 2 April by the API, approved Monday 6 April by the date given:
    # 1 working day (Friday is Good Friday).
    early, case = sent(service, on=at(dt.date(2026, 4, 2), 10), expected=DAY)
    decided(case, action="approve", on=at(DAY, 11))
    SatisfactionResponse.objects.create(
        application=early, answer=SatisfactionAnswer.SATISFIED, answered_at=at(DAY, 12)
    )
    # Sent Monday 30 March by the API, due Wednesday 1 April, rejected Monday 6 April:
    # 31 March, 1 and 2 April and 6 April are 4 working days; the deadline was missed.
    _late, case = sent(service, on=at(dt.date(2026, 3, 30), 9), expected=dt.date(2026, 4, 1))
    decided(case, action="reject", on=at(DAY, 15))
    # Begun and sent on the website that Monday, its fee paid, one piece of evidence
    # fetched from a registry (and one look-up refused, which does not count).
    today, _case = sent(service, on=at(DAY, 9), channel=Channel.WEB)
    fee(today, amount="5.00", on=at(DAY, 9))
    _call(today.reference or "", on=at(DAY, 9))
    _call(today.reference or "", on=at(DAY, 9), outcome=CallOutcome.REFUSED)
    # A draft begun that Monday, and one last touched 30 days before: abandoned.
    resident = factories.resident()
    begun = applications.application_start(applicant=resident, service=service)
    Application.objects.filter(pk=begun.pk).update(created_at=at(DAY, 14))
    left = applications.application_start(applicant=factories.resident(), service=service)
    Application.objects.filter(pk=left.pk).update(
        created_at=at(dt.date(2026, 3, 1), 8), updated_at=at(dt.date(2026, 3, 7), 18)
    )
    # Seven at the counter, as the official counted them.
    OfflineCount.objects.create(
        day=DAY, service=service, channel="counter", count=7, recorded_at=at(DAY, 17)
    )
    return {"early": early, "today": today}


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
            "Line 3: there is no service “x”.",
        ),
        (
            "day,service,channel,count\n6/4/2026,child-benefit,counter,7\n",
            "Line 2: the day must be YYYY-MM-DD and the count a whole number.",
        ),
        (
            "day,service,channel,count\n2026-04-06,child-benefit,kiosk,7\n",
            "Line 2: “kiosk” is not a channel counted by hand: use one of counter, phone, post.",
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
