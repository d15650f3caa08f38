"""An agency's performance in the back office: its officials only, every number shown (small
ones marked), drill-down by month and channel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import formats, timezone

from tests import factories
from ventanilla.catalogue.models import PublicService
from ventanilla.identity.models import Agency
from ventanilla.insights.models import Fact, OfflineCount
from ventanilla.insights.services import facts_rollup_month

pytestmark = pytest.mark.django_db

BELOW = "Below the publishing threshold"


def _months() -> tuple[dt.date, dt.date]:
    """Last month's first day and today (this month)."""
    today = timezone.localdate()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1), today


def _fact(service: PublicService, day: dt.date, channel: str, **counts: int) -> None:
    Fact.objects.create(
        day=day, service=service, agency=service.competent_agency, channel=channel, **counts
    )


@pytest.fixture
def child_benefit(small_catalogue: Path) -> PublicService:
    """Last month 8 sent online (10 begun, 2 abandoned; one very satisfied, one
    dissatisfied) and 4 at the counter; this month 3 online and 2 by phone."""
    service = PublicService.objects.get(slug="child-benefit")
    last_month, today = _months()
    _fact(
        service,
        last_month,
        "web",
        started=10,
        submitted=8,
        abandoned=2,
        very_satisfied=1,
        dissatisfied=1,
    )
    _fact(service, last_month, "counter", submitted=4)
    _fact(service, today, "web", started=3, submitted=3)
    _fact(service, today, "phone", submitted=2)
    facts_rollup_month(month=last_month)
    facts_rollup_month(month=today.replace(day=1))
    return service


@pytest.fixture
def treasury_client(client: Client, child_benefit: PublicService) -> Client:
    official, _secret = factories.official(agency=Agency.objects.get(slug="treasury"))
    client.force_login(official)
    return client


def _kpi(page: str, label: str) -> str:
    """The value shown for the KPI ``label`` in the summary list."""
    return page.split(f"<dt>{label}</dt><dd>", 1)[1].split("</dd>", 1)[0].strip()


def test_officials_see_their_agencys_kpis_over_twelve_months(treasury_client: Client) -> None:
    response = treasury_client.get("/en/backoffice/treasury/performance/")

    assert response.status_code == 200
    page = response.content.decode()
    # 8 + 4 last month, 3 + 2 this month.
    assert "17 transactions from" in page
    assert "<strong>64.7%</strong>" in _kpi(page, "Digital take-up")  # 11 of 17
    assert "<strong>84.6%</strong>" in _kpi(page, "Completion rate")  # 11 sent, 2 abandoned
    assert "<strong>62.5%</strong>" in _kpi(page, "User satisfaction")  # (100 + 25) / 2
    by_service = page.split("By service", 1)[1].split("</table>", 1)[0]
    link = "/en/backoffice/treasury/performance/child-benefit/"
    assert f'<a href="{link}">Claim child benefit</a></th><td class="numeric">17</td>' in by_service
    assert BELOW not in by_service
    # Each month links to its drill-down; this month's 5 are shown, marked, not hidden.
    _last_month, today = _months()
    this = formats.date_format(today.replace(day=1), "YEAR_MONTH_FORMAT")
    by_month = page.split("By month", 1)[1].split("</table>", 1)[0]
    assert (
        f'<a href="/en/backoffice/treasury/performance/?month={today:%Y-%m}">{this}</a> '
        f'<strong class="tag">{BELOW}</strong></th><td class="numeric">5</td>'
    ) in by_month
    assert page.count("<svg") == 9
    assert "Too few to publish" not in page
    transactions = page.split('id="transactions-title"', 1)[1].split("</table>", 1)[0]
    assert f'<th scope="row">{this}</th><td class="numeric">5 <span class="hint">(' in transactions


def test_a_month_below_the_threshold_is_shown_and_marked(treasury_client: Client) -> None:
    _last_month, today = _months()

    page = treasury_client.get(
        f"/en/backoffice/treasury/performance/?month={today:%Y-%m}"
    ).content.decode()

    assert "5 transactions from" in page
    assert f'<strong class="tag">{BELOW}</strong>' in page.split("Key performance", 1)[0]
    assert "<strong>60.0%</strong>" in _kpi(page, "Digital take-up")  # 3 of 5


def test_the_drill_down_by_service_month_and_channel(treasury_client: Client) -> None:
    last_month, _today = _months()
    base = "/en/backoffice/treasury/performance/child-benefit/"

    month = treasury_client.get(f"{base}?month={last_month:%Y-%m}").content.decode()
    web = treasury_client.get(f"{base}?month={last_month:%Y-%m}&channel=web").content.decode()
    counter = treasury_client.get(f"{base}?channel=counter").content.decode()

    assert "12 transactions from" in month  # 8 online and 4 at the counter
    assert "<strong>66.7%</strong>" in _kpi(month, "Digital take-up")  # 8 of 12
    assert "<strong>80.0%</strong>" in _kpi(month, "Completion rate")  # 8 of 10 begun
    assert f'<a href="{base}?month={last_month:%Y-%m}&amp;channel=counter">' in month
    assert "8 transactions from" in web
    assert "<strong>100.0%</strong>" in _kpi(web, "Digital take-up")
    assert "<strong>80.0%</strong>" in _kpi(web, "Completion rate")
    assert "4 transactions from" in counter
    assert "<strong>0.0%</strong>" in _kpi(counter, "Digital take-up")
    assert f'<strong class="tag">{BELOW}</strong>' in counter


def test_a_period_or_channel_that_is_not_offered_is_an_error(treasury_client: Client) -> None:
    response = treasury_client.get("/en/backoffice/treasury/performance/?month=2001-01&channel=fax")

    assert response.status_code == 400
    page = response.content.decode()
    assert '<div class="error-summary"' in page
    assert '<a href="#id_month">Choose the last twelve months or one of them.</a>' in page
    assert '<a href="#id_channel">Choose all channels or one of them.</a>' in page
    assert "17 transactions from" in page  # the default view, while the choice is put right


def test_another_agencys_officials_and_residents_are_refused(
    client: Client, child_benefit: PublicService
) -> None:
    assert client.get("/en/backoffice/treasury/performance/").status_code == 302  # sign in

    official, _secret = factories.official(agency=Agency.objects.get(slug="registry"))
    client.force_login(official)
    assert client.get("/en/backoffice/registry/performance/").status_code == 200
    other = client.get("/en/backoffice/treasury/performance/")
    assert other.status_code == 403
    assert "You are not an official of Test Treasury." in other.content.decode()
    assert client.get("/en/backoffice/treasury/performance/child-benefit/").status_code == 403
    # Another agency's service under one's own agency is not there at all.
    assert client.get("/en/backoffice/registry/performance/child-benefit/").status_code == 404
    assert client.get("/en/backoffice/nowhere/performance/").status_code == 404

    client.force_login(factories.resident())
    assert client.get("/en/backoffice/treasury/performance/").status_code == 403


def test_the_agency_page_links_to_its_performance(treasury_client: Client) -> None:
    page = treasury_client.get("/en/backoffice/treasury/").content.decode()
    assert 'href="/en/backoffice/treasury/performance/"' in page
    assert 'href="/en/backoffice/treasury/offline-counts/"' in page


COUNTS = "/en/backoffice/treasury/offline-counts/"


def test_an_official_records_a_days_count_and_recording_it_again_replaces_it(
    treasury_client: Client,
) -> None:
    day = timezone.localdate() - dt.timedelta(days=1)
    form = {"day": f"{day:%Y-%m-%d}", "service": "child-benefit", "channel": "counter"}

    first = treasury_client.post(COUNTS, {**form, "count": "7"})
    again = treasury_client.post(COUNTS, {**form, "count": "5"}, follow=True)

    assert first.status_code == 302
    assert first["Location"] == COUNTS
    counts = OfflineCount.objects.get()
    assert (counts.day, counts.channel, counts.count) == (day, "counter", 5)
    assert Fact.objects.get(day=day, channel="counter").submitted == 5  # the day folded again
    page = again.content.decode()
    date = formats.date_format(day, "DATE_FORMAT")
    assert (
        f"Recorded: 5 transactions of “Claim child benefit” (At a service counter) on {date}."
        in page
    )
    assert f'<td class="numeric">5</td><td>{counts.recorded_by}</td>' in page


@pytest.mark.parametrize(
    ("form", "errors"),
    [
        (
            {},
            {
                "id_day": "Enter the day the transactions were made.",
                "id_service": "Select the service.",
                "id_channel_0": "Select the channel the transactions were made through.",
                "id_count": "Enter the number of transactions.",
            },
        ),
        (
            {"day": "27/10", "service": "birth-certificate", "channel": "web", "count": "-1"},
            {
                "id_day": "Enter the day as year, month and day, for example 2026-10-27.",
                "id_service": "Select one of your agency&#x27;s services.",
                "id_channel_0": "Select the channel the transactions were made through.",
                "id_count": "The number of transactions must be 0 or more.",
            },
        ),
        (
            {"day": "2999-01-01", "service": "child-benefit", "channel": "phone", "count": "3"},
            {"id_day": "A count cannot be for a day still to come."},
        ),
    ],
)
def test_a_wrong_count_is_sent_back_with_each_field_named(
    treasury_client: Client, form: dict[str, str], errors: dict[str, str]
) -> None:
    response = treasury_client.post(COUNTS, form)

    assert response.status_code == 400
    page = response.content.decode()
    summary = page.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    for anchor, message in errors.items():
        assert f'<li><a href="#{anchor}">{message}</a></li>' in summary
    assert summary.count("<li>") == len(errors)
    assert not OfflineCount.objects.exists()


IMPORT = "/en/backoffice/treasury/offline-counts/import/"


def _csv(text: str, name: str = "counts.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_an_official_imports_a_file_of_counts(treasury_client: Client) -> None:
    day = timezone.localdate() - dt.timedelta(days=2)
    text = (
        "day,service,channel,count\r\n"
        f"{day:%Y-%m-%d},child-benefit,counter,6\r\n"
        f"{day:%Y-%m-%d},child-benefit,post,1\r\n"
    )

    response = treasury_client.post(IMPORT, {"upload": _csv("\ufeff" + text)}, follow=True)

    assert response.redirect_chain == [(COUNTS, 302)]
    assert "Imported 2 counts; their days are counted again." in response.content.decode()
    facts = Fact.objects.filter(day=day).order_by("channel").values_list("channel", "submitted")
    assert list(facts) == [("counter", 6), ("post", 1)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "day,service,channel,count\n2026-04-06,child-benefit,counter,6\n"
            "2026-04-06,child-benefit,post,two\n",
            "Line 3, column count: “two” is not a whole number.",
        ),
        (
            "day,service,channel,count\n2026-04-06,child-benefit,counter,6\n"
            "2026-04-06,birth-certificate,counter,2\n",
            "Line 3, column service: Test Treasury has no service “birth-certificate”.",
        ),
        ("day,service,count\n", "The file must have the columns day, service, channel, count."),
    ],
)
def test_a_wrong_file_is_refused_whole_with_its_line_and_column_named(
    treasury_client: Client, text: str, message: str
) -> None:
    facts = Fact.objects.count()

    response = treasury_client.post(IMPORT, {"upload": _csv(text)})

    assert response.status_code == 400
    page = response.content.decode()
    summary = page.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert f'<li><a href="#id_upload">{message}</a></li>' in summary
    assert not OfflineCount.objects.exists()  # not even the good first line
    assert Fact.objects.count() == facts


def test_a_file_that_is_not_utf8_is_refused(treasury_client: Client) -> None:
    upload = SimpleUploadedFile("counts.csv", "día\n".encode("latin-1"))

    response = treasury_client.post(IMPORT, {"upload": upload})

    assert response.status_code == 400
    assert "The file must be a CSV file saved as UTF-8." in response.content.decode()


def test_another_agencys_official_cannot_record_its_counts(
    client: Client, child_benefit: PublicService
) -> None:
    official, _secret = factories.official(agency=Agency.objects.get(slug="registry"))
    client.force_login(official)
    day = f"{timezone.localdate():%Y-%m-%d}"

    recorded = client.post(
        COUNTS, {"day": day, "service": "child-benefit", "channel": "counter", "count": "3"}
    )
    imported = client.post(
        IMPORT, {"upload": _csv(f"day,service,channel,count\n{day},child-benefit,counter,3\n")}
    )

    assert (recorded.status_code, imported.status_code) == (403, 403)
    assert not OfflineCount.objects.exists()
