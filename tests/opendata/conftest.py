from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from ventanilla.identity.models import Agency, User
from ventanilla.identity.services import api_token_create
from ventanilla.opendata.models import Dataset
from ventanilla.opendata.services import (
    DatasetFields,
    dataset_create,
    group_create,
    resource_create,
)
from ventanilla.opendata.tables import Table


def agencies_make() -> dict[str, Agency]:
    return {
        slug: Agency.objects.create(slug=slug, name={"en": title, "es": title})
        for slug, title in (("statistics", "Statistics Office"), ("transport", "Transport Agency"))
    }


@pytest.fixture
def agencies(db: None) -> dict[str, Agency]:
    return agencies_make()


@pytest.fixture
def publisher(agencies: dict[str, Agency]) -> tuple[User, str]:
    """An official of the statistics office and their API token."""
    account, _secret = factories.official(agency=agencies["statistics"], totp=False)
    return account, api_token_create(user=account, name="ckan")[1]


@pytest.fixture
def catalogue(agencies: dict[str, Agency]) -> dict[str, Dataset]:
    return catalogue_make(agencies)


def catalogue_make(agencies: dict[str, Agency]) -> dict[str, Dataset]:
    """Three datasets: two of statistics (one with a table), one of transport."""
    group_create(name="economy", title={"en": "Economy"})
    group_create(name="society", title={"en": "Society"})
    population = dataset_create(
        actor=None,
        organization=agencies["statistics"],
        fields=DatasetFields(
            name="population-by-municipality",
            title="Population by municipality",
            notes="Residents per municipality and age band.",
            tags=["population", "municipalities"],
            groups=["society"],
        ),
    )
    resource_create(
        actor=None,
        dataset=population,
        name="Population 2026",
        table=Table(
            fields=[
                {"id": "municipality", "type": "text"},
                {"id": "age_band", "type": "text"},
                {"id": "residents", "type": "int"},
            ],
            rows=[
                {"municipality": "Port Demo", "age_band": "0-17", "residents": 120},
                {"municipality": "Port Demo", "age_band": "18-64", "residents": 480},
                {"municipality": "Villa Demo", "age_band": "0-17", "residents": 35},
                {"municipality": "Villa Demo", "age_band": "18-64", "residents": 210},
            ],
        ),
    )
    companies = dataset_create(
        actor=None,
        organization=agencies["statistics"],
        fields=DatasetFields(
            name="companies-by-activity",
            title="Companies by activity",
            tags=["economy", "companies"],
            groups=["economy"],
            license_id="CC0-1.0",
        ),
    )
    vehicles = dataset_create(
        actor=None,
        organization=agencies["transport"],
        fields=DatasetFields(
            name="registered-vehicles", title="Registered vehicles", tags=["transport"]
        ),
    )
    resource_create(
        actor=None,
        dataset=vehicles,
        name="Vehicle statistics portal",
        url="https://transport.demo.example/vehicles",
        format="html",
    )
    return {d.name: d for d in (population, companies, vehicles)}


def call(
    client: Any, action: str, /, *, token: str = "", method: str = "get", **params: Any
) -> Any:
    headers = {"HTTP_AUTHORIZATION": token} if token else {}
    if method == "get":
        return client.get(f"/api/3/action/{action}", params, **headers)
    return client.post(
        f"/api/3/action/{action}", params, content_type="application/json", **headers
    )
