"""Each KPI on small hand-made histories, with the answer worked out here by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from tests.insights.conftest import DAY
from ventanilla.applications.models import Application
from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.services import catalogue_load
from ventanilla.insights.impact import Impact, impact
from ventanilla.insights.kpis import (
    ChannelShare,
    FactTotals,
    Kpi,
    ServiceChannel,
    channel_mix,
    cost_per_transaction,
    kpi_report,
    time_to_decision,
    totals_sum,
)
from ventanilla.insights.models import GovernmentMonthDecisionTime, MonthDecisionTime, MonthFact
from ventanilla.insights.performance import Burden, Handling, PerformanceSpec
from ventanilla.insights.selectors import (
    impact_for,
    kpi_report_for,
    kpi_reports_by_month,
    kpi_reports_by_service,
    maturity_counts,
    performance_for,
)
from ventanilla.insights.services import facts_fold_day

SERVICE = 7
NAMES = {SERVICE: "Child benefit", 8: "Passport"}
SPECS = {
    SERVICE: PerformanceSpec(
        unit_costs={
            "web": Decimal("1.50"),
            "api": Decimal("0.50"),
            "counter": Decimal("12.00"),
            "phone": Decimal("6.25"),
        }
    )
}
TARGETS = {"digital_take_up": 79.0, "completion_rate": 80.0, "satisfaction": 78.0}

# 40 transactions: 24 on the website, 6 through the API, 8 at the counter, 2 by phone.
TOTALS = FactTotals(
    counters={
        "started": 38,
        "submitted": 40,
        "abandoned": 6,
        "approved": 7,
        "rejected": 3,
        "within_deadline": 8,
        "missed_deadline": 2,
        "payments": 5,
        "evidence_fetched": 9,
        "evidence_asked": 3,
        "very_satisfied": 3,
        "satisfied": 4,
        "neither": 1,
        "dissatisfied": 1,
        "very_dissatisfied": 1,
    },
    payments_amount=Decimal("25.00"),
    by_service_channel=(
        ServiceChannel(SERVICE, "api", 6),
        ServiceChannel(SERVICE, "counter", 8),
        ServiceChannel(SERVICE, "phone", 2),
        ServiceChannel(SERVICE, "web", 24, evidence_fetched=9),
    ),
    # 3 decisions took 1 working day, 4 took 2, 2 took 5 and 1 took 12.
    decision_days={1: 3, 2: 4, 5: 2, 12: 1},
)


def _report(totals: FactTotals, specs: dict[int, PerformanceSpec] | None = None) -> dict[str, Kpi]:
    report = kpi_report(
        totals,
        specs=SPECS if specs is None else specs,
        names=NAMES,
        targets=TARGETS,
        min_published=10,
    )
    return report.kpis


def test_digital_take_up_is_web_and_api_out_of_every_channel() -> None:
    take_up = _report(TOTALS)["digital_take_up"]

    # (24 + 6) / 40 = 75.0%, not above the 79% target.
    assert (take_up.value, take_up.target, take_up.meets_target) == (
        Decimal("75.0"),
        Decimal("79.0"),
        False,
    )


def test_completion_rate_is_sent_out_of_sent_or_abandoned_online() -> None:
    completion = _report(TOTALS)["completion_rate"]

    # 30 sent online, 6 abandoned: 30 / 36 = 83.33…, 83.3% rounded, above 80%.
    assert (completion.value, completion.meets_target) == (Decimal("83.3"), True)


def test_satisfaction_is_the_weighted_score_of_the_answers() -> None:
    score = _report(TOTALS)["satisfaction"]

    # (3 * 100 + 4 * 75 + 1 * 50 + 1 * 25 + 1 * 0) / 10 answers = 675 / 10 = 67.5, below 78.
    assert (score.value, score.meets_target) == (Decimal("67.5"), False)


def test_cost_per_transaction_weighs_each_channel_by_its_unit_cost() -> None:
    cost = _report(TOTALS)["cost_per_transaction"]

    # (24 * 1.50 + 6 * 0.50 + 8 * 12.00 + 2 * 6.25) / 40 = (36 + 3 + 96 + 12.50) / 40 = 3.6875
    assert (cost.value, cost.unit, cost.reason) == (Decimal("3.69"), "money", "")


def test_a_missing_unit_cost_makes_the_cost_not_available_and_says_which() -> None:
    specs = {SERVICE: PerformanceSpec(unit_costs={"web": Decimal("1.50"), "api": Decimal("0.50")})}

    cost = cost_per_transaction(TOTALS, specs=specs, names=NAMES)

    assert cost.value is None
    assert not cost.available
    assert (
        cost.reason
        == "“Child benefit” declares no unit cost for the channel “At a service counter”."
    )


def test_a_service_without_figures_has_no_cost_per_transaction() -> None:
    cost = cost_per_transaction(TOTALS, specs={}, names=NAMES)

    assert (
        cost.reason
        == "“Child benefit” declares no unit cost for the channel “Through the API (for software)”."
    )


def test_time_to_decision_is_the_nearest_rank_median_and_90th_percentile() -> None:
    median, p90 = time_to_decision(TOTALS)

    # 10 decisions sorted: 1 1 1 2 2 2 2 5 5 12. The 5th is 2, the 9th is 5.
    assert (median.value, p90.value) == (Decimal(2), Decimal(5))
    assert median.unit == "working_days"


def test_one_decision_is_its_own_median_and_90th_percentile() -> None:
    median, p90 = time_to_decision(FactTotals(counters={}, decision_days={4: 1}))

    assert (median.value, p90.value) == (Decimal(4), Decimal(4))


def test_deadlines_and_once_only_are_shares() -> None:
    kpis = _report(TOTALS)

    # 8 of 10 decisions in time; 9 pieces of evidence fetched, 3 attached: 9 / 12.
    assert kpis["within_deadline"].value == Decimal("80.0")
    assert kpis["once_only_rate"].value == Decimal("75.0")


def test_the_channel_mix_lists_the_most_used_first() -> None:
    assert channel_mix(TOTALS) == [
        ChannelShare("web", 24, Decimal("60.0")),
        ChannelShare("counter", 8, Decimal("20.0")),
        ChannelShare("api", 6, Decimal("15.0")),
        ChannelShare("phone", 2, Decimal("5.0")),
    ]


def test_the_report_has_volumes_and_is_publishable_from_ten_transactions() -> None:
    report = kpi_report(TOTALS, specs=SPECS, names=NAMES, targets=TARGETS, min_published=10)

    assert report.transactions == 40
    assert report.publishable
    assert report.volumes == {
        "started": 38,
        "submitted": 40,
        "abandoned": 6,
        "approved": 7,
        "rejected": 3,
        "withdrawn": 0,
        "payments": 5,
    }
    assert report.payments_amount == Decimal("25.00")


def test_nine_transactions_are_too_few_to_publish() -> None:
    nine = FactTotals(
        counters={"submitted": 9}, by_service_channel=(ServiceChannel(SERVICE, "web", 9),)
    )

    report = kpi_report(nine, specs=SPECS, names=NAMES, targets=TARGETS, min_published=10)

    assert not report.publishable
    assert report.kpis["digital_take_up"].value == Decimal("100.0")


def test_a_period_with_nothing_says_why_each_kpi_is_not_available() -> None:
    kpis = _report(FactTotals(counters={}))

    assert {key: (kpi.value, kpi.reason) for key, kpi in kpis.items()} == {
        "cost_per_transaction": (None, "No transactions in this period."),
        "satisfaction": (None, "Nobody answered the satisfaction question in this period."),
        "completion_rate": (
            None,
            "No application was sent or abandoned online in this period.",
        ),
        "digital_take_up": (None, "No transactions in this period."),
        "decision_days_median": (None, "No decision was made in this period."),
        "decision_days_p90": (None, "No decision was made in this period."),
        "within_deadline": (None, "No decision was made in this period."),
        "once_only_rate": (None, "No evidence was fetched or attached in this period."),
    }
    assert kpis["satisfaction"].meets_target is None


PERFORMANCE = """
performance:
  unit_costs: {web: "2.00", api: "0.40", counter: "15.50"}
  resident:
    before: {minutes: 180, visits: 2, out_of_pocket: "8.00", documents: 2}
    after: {minutes: 20}
  agency:
    before: {minutes: 40, cost: "15.50"}
    after: {minutes: 10, cost: "2.00"}
  lookup_minutes: 45
"""


@pytest.fixture
def small_catalogue(db: None, catalogue_dir: Path) -> Path:
    """The small catalogue, child benefit declaring its performance figures."""
    path = catalogue_dir / "services" / "child-benefit.yaml"
    path.write_text(path.read_text() + PERFORMANCE)
    catalogue_load(directory=catalogue_dir)
    return catalogue_dir


@pytest.mark.django_db
def test_the_kpis_of_a_folded_day_come_from_its_facts(
    history: dict[str, Application], service: PublicService
) -> None:
    facts_fold_day(day=DAY)

    report = kpi_report_for(since=DAY, until=DAY, service=service)

    # The day of the history fixture: 1 sent on the website and 7 at the counter.
    assert report.transactions == 8
    assert not report.publishable
    values = {key: kpi.value for key, kpi in report.kpis.items()}
    assert values == {
        # (1 * 2.00 + 7 * 15.50) / 8 = 110.50 / 8 = 13.8125
        "cost_per_transaction": Decimal("13.81"),
        "satisfaction": Decimal("75.0"),  # one "satisfied"
        "completion_rate": Decimal("50.0"),  # 1 sent online, 1 abandoned
        "digital_take_up": Decimal("12.5"),  # 1 of 8
        "decision_days_median": Decimal(1),  # decisions took 1 and 4 working days
        "decision_days_p90": Decimal(4),
        "within_deadline": Decimal("50.0"),
        "once_only_rate": Decimal("100.0"),  # 1 fetched, none attached
    }
    assert kpi_report_for(since=DAY, until=DAY, agency=service.competent_agency) == report
    assert kpi_report_for(since=DAY, until=DAY) == report


def test_the_default_targets_are_the_issues() -> None:
    assert settings.VENTANILLA_INSIGHTS_TARGETS == {
        "digital_take_up": 79.0,
        "completion_rate": 80.0,
        "satisfaction": 78.0,
    }
    assert settings.VENTANILLA_INSIGHTS_MIN_PUBLISHED == 10


FIGURES = PerformanceSpec(
    resident_before=Burden(minutes=180, visits=2, out_of_pocket=Decimal("8.00"), documents=2),
    resident_after=Burden(minutes=20),
    agency_before=Handling(minutes=40, cost=Decimal("15.50")),
    agency_after=Handling(minutes=10, cost=Decimal("2.00")),
    lookup_minutes=45,
)


def test_impact_is_the_standard_cost_model_difference_times_digital_transactions() -> None:
    passport = ServiceChannel(8, "web", 10)
    totals = FactTotals(
        counters=TOTALS.counters, by_service_channel=(*TOTALS.by_service_channel, passport)
    )

    saved = impact(totals, specs={SERVICE: FIGURES}, names=NAMES)

    # Child benefit: 30 digital transactions (24 web + 6 API), 9 look-ups answered.
    assert saved == Impact(
        digital_transactions=40,  # with the passport's 10
        resident_hours_saved=Decimal("80.0"),  # 30 * (180 - 20) min = 4,800 min
        resident_money_saved=Decimal("240.00"),  # 30 * 8.00
        visits_avoided=60,  # 30 * 2
        documents_avoided=60,  # 30 * 2
        agency_hours_saved=Decimal("15.0"),  # 30 * (40 - 10) min = 900 min
        agency_money_saved=Decimal("405.00"),  # 30 * (15.50 - 2.00)
        once_only_hours_saved=Decimal("6.8"),  # 9 * 45 min = 405 min = 6.75 h
        not_counted=("Passport",),  # 10 digital transactions, no figures
    )


@pytest.mark.django_db
def test_the_impact_of_a_folded_day_comes_from_its_facts(
    history: dict[str, Application], service: PublicService
) -> None:
    facts_fold_day(day=DAY)

    saved = impact_for(since=DAY, until=DAY, agency=service.competent_agency)

    # One transaction on the website, one look-up answered: 160 min, 30 min and 45 min.
    assert (
        saved.resident_hours_saved,
        saved.resident_money_saved,
        saved.agency_hours_saved,
        saved.agency_money_saved,
        saved.once_only_hours_saved,
        saved.not_counted,
    ) == (Decimal("2.7"), Decimal("8.00"), Decimal("0.5"), Decimal("13.50"), Decimal("0.8"), ())


@pytest.mark.django_db
def test_whole_months_are_read_from_the_month_rows_and_agree_with_the_days(
    history: dict[str, Application], service: PublicService
) -> None:
    facts_fold_day(day=DAY)
    facts_fold_day(day=DAY)  # the month rebuilt again: the same rows

    april = kpi_report_for(since=DAY.replace(day=1), until=DAY.replace(day=30), service=service)

    assert MonthFact.objects.get(month=DAY.replace(day=1), channel="counter").submitted == 7
    assert MonthFact.objects.count() == 3
    assert sorted(MonthDecisionTime.objects.values_list("working_days", "decisions")) == [
        (1, 1),
        (4, 1),
    ]
    assert april == kpi_report_for(since=DAY, until=DAY, service=service)
    # Government-wide, time to decision comes from the month's histogram over everything.
    assert sorted(GovernmentMonthDecisionTime.objects.values_list("working_days", "decisions")) == [
        (1, 1),
        (4, 1),
    ]
    assert kpi_report_for(since=DAY.replace(day=1), until=DAY.replace(day=30)) == april


def test_totals_of_several_periods_sum_to_the_totals_of_all_of_them() -> None:
    march = FactTotals(
        counters={"submitted": 3, "approved": 1},
        payments_amount=Decimal("5.00"),
        by_service_channel=(ServiceChannel(SERVICE, "web", 2, 1), ServiceChannel(8, "web", 1)),
        decision_days={2: 1},
    )
    april = FactTotals(
        counters={"submitted": 4, "abandoned": 2},
        payments_amount=Decimal("2.50"),
        by_service_channel=(
            ServiceChannel(SERVICE, "counter", 1),
            ServiceChannel(SERVICE, "web", 3),
        ),
        decision_days={2: 2, 5: 1},
    )

    assert totals_sum([march, april]) == FactTotals(
        counters={"submitted": 7, "approved": 1, "abandoned": 2},
        payments_amount=Decimal("7.50"),
        by_service_channel=(
            ServiceChannel(SERVICE, "counter", 1),
            ServiceChannel(SERVICE, "web", 5, 1),
            ServiceChannel(8, "web", 1),
        ),
        decision_days={2: 3, 5: 1},
    )
    assert totals_sum([]) == FactTotals(counters={})


@pytest.mark.django_db
def test_a_pages_performance_in_one_go_is_what_each_selector_gives(
    history: dict[str, Application], service: PublicService
) -> None:
    facts_fold_day(day=DAY)
    since, until = DAY.replace(day=1) - dt.timedelta(days=40), DAY.replace(day=30)

    found = performance_for(since=since, until=until, by_service=True, maturity=True)

    assert found.report == kpi_report_for(since=since, until=until)
    assert found.impact == impact_for(since=since, until=until)
    assert found.months == kpi_reports_by_month(since=since, until=until)
    assert [month for month, _report in found.months] == [
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 1),
    ]
    assert found.services == kpi_reports_by_service(since=since, until=until)
    assert found.maturity == maturity_counts(since=since, until=until)
    # One channel: the counter's seven, and nothing the website or API did.
    counter = performance_for(since=since, until=until, service=service, channel="counter")
    assert counter.report.transactions == 7
    assert counter.report.kpis["digital_take_up"].value == Decimal("0.0")
    assert [m.transactions for _month, m in counter.months] == [0, 0, 7]
