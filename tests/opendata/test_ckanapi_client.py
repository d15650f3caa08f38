"""CKAN's own Python client, ckanapi, reads and searches this catalogue on a live server."""

from __future__ import annotations

from typing import Any

import ckanapi
import pytest

from ventanilla.opendata.models import Dataset


@pytest.mark.django_db(transaction=True)
def test_ckanapi_lists_searches_and_reads_datasets(
    live_server: Any, catalogue: dict[str, Dataset], publisher: Any
) -> None:
    _user, token = publisher
    site = ckanapi.RemoteCKAN(live_server.url, user_agent="ventanilla-tests/1.0")
    assert site.action.package_list() == [
        "companies-by-activity",
        "population-by-municipality",
        "registered-vehicles",
    ]
    found = site.action.package_search(fq="organization:statistics", rows=10)
    assert found["count"] == 2
    package = site.action.package_show(id="population-by-municipality")
    table = package["resources"][0]
    rows = site.action.datastore_search(
        resource_id=table["id"], filters={"municipality": "Villa Demo"}
    )
    assert [r["residents"] for r in rows["records"]] == [35, 210]
    assert site.action.organization_list() == ["statistics", "transport"]
    with pytest.raises(ckanapi.NotFound):
        site.action.package_show(id="no-such-dataset")
    with pytest.raises(ckanapi.ValidationError):
        site.action.package_search(rows=5000)
    with pytest.raises(ckanapi.NotAuthorized):
        site.action.package_create(name="sneaky", owner_org="statistics")

    writer = ckanapi.RemoteCKAN(live_server.url, apikey=token, user_agent="ventanilla-tests/1.0")
    created = writer.action.package_create(
        name="air-quality", title="Air quality", owner_org="statistics"
    )
    assert created["name"] == "air-quality"
    assert site.action.package_show(id="air-quality")["title"] == "Air quality"
