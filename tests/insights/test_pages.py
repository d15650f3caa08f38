"""The public performance pages: KPIs, charts with their tables, CSV, and small numbers kept
back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from ventanilla.catalogue.models import PublicService
from ventanilla.insights.models import Fact
from ventanilla.insights.services import facts_rollup_month

pytestmark = pytest.mark.django_db


def _facts(service: PublicService, **by_channel: int) -> dt.date:
    """Transactions of ``service`` today, per channel; returns today."""
    today = timezone.localdate()
    for channel, submitted in by_channel.items():
        Fact.objects.create(
            day=today,
            service=service,
            agency=service.competent_agency,
            channel=channel,
            submitted=submitted,
            started=submitted if channel == "web" else 0,
            satisfied=2 if channel == "web" else 0,
        )
    facts_rollup_month(month=today.replace(day=1))
    return today


def test_the_service_page_shows_its_kpis_and_each_chart_beside_its_table(
    service: PublicService,
) -> None:
    today = _facts(service, web=12, counter=4)

    response = Client().get(reverse("insights:service", args=[service.slug]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "16 transactions from" in page
    assert "<strong>75.0%</strong>" in page  # digital take-up: 12 of 16
    assert "Not above the target of 79%" in page
    assert "Not available" in page  # no unit costs in the small catalogue
    assert (
        "“Claim child benefit” declares no unit cost for the channel “At a service counter”."
        in page
    )
    # Transactions, then each of the eight KPIs month by month, each beside its table.
    assert page.count("<svg") == 9
    assert page.count('<table class="table chart__table">') == 9
    month = formats.date_format(today.replace(day=1), "YEAR_MONTH_FORMAT")
    tables = {
        chart: page.split(f'id="{chart}-title"', 1)[1].split("</table>", 1)[0]
        for chart in (
            "transactions",
            "cost-per-transaction",
            "satisfaction",
            "completion-rate",
            "digital-take-up",
            "decision-days-median",
            "within-deadline",
        )
    }

    def cell(chart: str) -> str:
        return tables[chart].split(f'<th scope="row">{month}</th><td class="numeric">', 1)[1]

    assert cell("transactions").startswith("16</td>")
    assert cell("digital-take-up").startswith("75</td>")  # 12 of 16
    assert cell("satisfaction").startswith("75</td>")  # two "satisfied", 75 each
    assert cell("completion-rate").startswith("100</td>")  # 12 sent online, none abandoned
    assert cell("cost-per-transaction").startswith("Not available</td>")  # no unit costs
    assert cell("decision-days-median").startswith("Not available</td>")  # no decisions
    assert cell("within-deadline").startswith("Not available</td>")
    assert "Cost per transaction (DMD)" in tables["cost-per-transaction"]
    # This month's bar in the four charts that have a number, nothing else.
    assert page.count("<rect ") == 4
    assert reverse("insights:service-csv", args=[service.slug]) in page


def test_a_period_with_fewer_than_ten_transactions_is_not_published(
    service: PublicService,
) -> None:
    _facts(service, web=6, counter=3)

    page = Client().get(reverse("insights:service", args=[service.slug])).content.decode()

    assert "Fewer than 10 transactions in these twelve months: too few to publish." in page
    assert "Key performance indicators" not in page
    assert "66.7" not in page  # 6 of 9
    assert ">9<" not in page
    assert "<rect " not in page
    assert page.count("Too few to publish") == 9 * 12  # every month of the nine charts' tables


def test_the_csv_gives_each_month_and_keeps_small_months_back(service: PublicService) -> None:
    today = _facts(service, web=12, counter=4)

    response = Client().get(reverse("insights:service-csv", args=[service.slug]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="performance-child-benefit.csv"'
    )
    lines = response.content.decode().splitlines()
    assert lines[0] == (
        "month,transactions,cost_per_transaction,satisfaction,completion_rate,"
        "digital_take_up,decision_days_median,decision_days_p90,within_deadline,"
        "once_only_rate,note"
    )
    assert len(lines) == 13
    assert lines[-1] == f"{today:%Y-%m},16,,75.0,100.0,75.0,,,,,"
    assert lines[1].endswith(",,,,,,,,,,too few to publish")


def test_the_government_page_lists_services_and_keeps_small_ones_back(
    service: PublicService,
) -> None:
    _facts(service, web=12, counter=4)
    other = PublicService.objects.get(slug="birth-certificate")
    _facts(other, counter=3)

    response = Client().get(reverse("insights:performance"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "19 transactions from" in page
    child = reverse("insights:service", args=[service.slug])
    assert f'<a href="{child}">Claim child benefit</a></th>\n  <td class="numeric">16</td>' in page
    by_service = page.split("By service", 1)[1]
    assert by_service.count("Too few to publish") == 1  # the birth certificate's 3
    assert page.count("Too few to publish") == 1 + 2 * 11  # and the 11 empty months


def test_an_unknown_service_has_no_performance_page(service: PublicService) -> None:
    assert Client().get(reverse("insights:service", args=["no-such"])).status_code == 404


def test_the_government_page_costs_the_same_queries_however_many_services(
    service: PublicService, django_assert_max_num_queries: Any
) -> None:
    _facts(service, web=12, counter=4)
    Client().get(reverse("insights:performance"))  # definitions read once per process
    # Six sums (per month and per service), the services, their definitions, the currency.
    with django_assert_max_num_queries(9) as one:
        Client().get(reverse("insights:performance"))
    _facts(PublicService.objects.get(slug="birth-certificate"), web=11, counter=2)

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = Client().get(reverse("insights:performance"))

    assert "29 transactions from" in response.content.decode()
