"""Datasets the platform publishes by itself: counts under 10 suppressed, refreshes that
change nothing add no version."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from tests.opendata.conftest import call
from ventanilla.catalogue.models import PublicService
from ventanilla.identity.models import Agency
from ventanilla.insights.services import offline_count_record
from ventanilla.opendata.models import Dataset, ResourceVersion
from ventanilla.opendata.publishing import (
    KPI_COLUMNS,
    PUBLICATIONS,
    companies_table,
    kpis_table,
    population_table,
    publication_refresh,
    publications_refresh,
)

pytestmark = pytest.mark.django_db


def _years_ago(years: int, days: int = 0) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


@pytest.fixture
def publishers(db: None) -> None:
    for slug in ("civil-registry", "business-registry", "digital-office"):
        Agency.objects.create(slug=slug, name={"en": slug.replace("-", " ").title()})


def test_population_is_counted_by_band_and_small_counts_are_suppressed(db: None) -> None:
    for _n in range(12):
        factories.person(municipality="Port Demo", birth_date=_years_ago(40))
    for _n in range(3):
        factories.person(municipality="Port Demo", birth_date=_years_ago(10))
    factories.person(municipality="Villa Demo", birth_date=_years_ago(18))  # 18 today: an adult
    rows = list(population_table().rows)
    assert rows == [
        {"municipality": "Port Demo", "age_band": "0-17", "residents": None, "suppressed": True},
        {"municipality": "Port Demo", "age_band": "18-34", "residents": None, "suppressed": True},
        {"municipality": "Port Demo", "age_band": "35-64", "residents": 12, "suppressed": False},
        {"municipality": "Port Demo", "age_band": "65+", "residents": None, "suppressed": True},
        {"municipality": "Villa Demo", "age_band": "0-17", "residents": None, "suppressed": True},
        {"municipality": "Villa Demo", "age_band": "18-34", "residents": None, "suppressed": True},
        {"municipality": "Villa Demo", "age_band": "35-64", "residents": None, "suppressed": True},
        {"municipality": "Villa Demo", "age_band": "65+", "residents": None, "suppressed": True},
    ]


def test_companies_are_counted_by_main_activity(db: None) -> None:
    board = [factories.person()]
    for _n in range(10):
        factories.company(activities=["56.10", "55.10"], board=board)
    factories.company(activities=["62.01"], board=board)
    rows = {r["activity_code"]: r for r in companies_table().rows}
    assert rows["56.10"]["companies"] == 10
    assert rows["56.10"]["suppressed"] is False
    assert rows["56.10"]["activity"] == "Restaurants and mobile food service activities"
    assert (rows["62.01"]["companies"], rows["62.01"]["suppressed"]) == (None, True)
    assert (rows["55.10"]["companies"], rows["55.10"]["suppressed"]) == (None, True)


def test_publishing_twice_without_a_change_adds_no_version(
    client: Any, publishers: None, demo_catalogue: None
) -> None:
    for _n in range(11):
        factories.person(municipality="Port Demo", birth_date=_years_ago(30))
    assert publications_refresh() == 5
    assert set(Dataset.objects.values_list("origin", flat=True)) == {p.origin for p in PUBLICATIONS}
    versions = ResourceVersion.objects.count()
    assert publications_refresh() == 0
    assert ResourceVersion.objects.count() == versions

    factories.person(municipality="Port Demo", birth_date=_years_ago(30))
    population = next(p for p in PUBLICATIONS if p.origin == "registries.population")
    assert publication_refresh(population) is True
    dataset = Dataset.objects.get(origin="registries.population")
    assert dataset.organization.slug == "civil-registry"
    resource = dataset.resources.get()
    assert list(resource.versions.values_list("number", flat=True)) == [1, 2]

    rows = call(
        client, "datastore_search", resource_id=str(resource.id),
        filters='{"age_band": "18-34"}',
    ).json()["result"]["records"]  # fmt: skip
    assert rows == [
        {"_id": 2, "municipality": "Port Demo", "age_band": "18-34", "residents": 12,
         "suppressed": False},
    ]  # fmt: skip


def test_the_services_catalogue_is_published_as_a_table_and_as_cpsv_ap(
    client: Any, publishers: None, demo_catalogue: None
) -> None:
    services = next(p for p in PUBLICATIONS if p.origin == "catalogue.services")
    assert publication_refresh(services) is True
    dataset = Dataset.objects.get(origin="catalogue.services")
    assert dataset.organization.slug == "digital-office"
    table = dataset.resources.get(kind="table")
    rows = call(
        client, "datastore_search", resource_id=str(table.id),
        filters='{"service": "business-registration"}',
    ).json()["result"]["records"]  # fmt: skip
    assert len(rows) == 1
    assert rows[0]["agency"] == "business-registry"
    assert rows[0]["applies_online"] is True
    cpsv = dataset.resources.get(kind="file")
    body = b"".join(client.get(f"/opendata/resources/{cpsv.id}/download").streaming_content)
    assert b"cpsv:PublicService" in body
    assert b"business-registration" in body
    assert publication_refresh(services) is False


def test_service_kpis_are_published_by_month_and_small_months_suppressed(
    publishers: None, demo_catalogue: None
) -> None:
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    day = last_month.replace(day=10)
    births = PublicService.objects.get(slug="birth-certificate")
    deaths = PublicService.objects.get(slug="death-certificate")
    offline_count_record(day=day, service=births, channel="counter", count=12)
    offline_count_record(day=day, service=deaths, channel="counter", count=3)
    rows = {
        (r["month"], r["service"]): r
        for r in kpis_table().rows
        if r["month"] == last_month.strftime("%Y-%m")
    }
    births_row = rows[(last_month.strftime("%Y-%m"), "birth-certificate")]
    assert births_row["transactions"] == 12
    assert births_row["suppressed"] is False
    assert births_row["digital_take_up"] == 0  # all twelve at the counter
    deaths_row = rows[(last_month.strftime("%Y-%m"), "death-certificate")]
    assert deaths_row["suppressed"] is True
    assert deaths_row["transactions"] is None
    assert all(deaths_row[key] is None for key in KPI_COLUMNS)


def test_a_publisher_that_does_not_exist_is_skipped(db: None) -> None:
    assert publications_refresh() == 0
    assert Dataset.objects.count() == 0
