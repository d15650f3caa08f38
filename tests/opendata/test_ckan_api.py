"""The CKAN Action API facade against CKAN's documented request and response shapes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.opendata.conftest import call
from ventanilla.opendata.models import Dataset, Resource, Row
from ventanilla.opendata.selectors import organization_id

pytestmark = pytest.mark.django_db


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    assert body["help"].startswith("http://testserver/api/3/action/help_show?name=")
    return body["result"]


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False
    assert "result" not in body
    return body["error"]


def test_status_show_and_site_read(client: Any) -> None:
    status = ok(call(client, "status_show"))
    assert status["site_url"] == "http://testserver"
    assert status["extensions"] == ["datastore"]
    assert ok(call(client, "site_read")) is True


def test_package_list_gives_every_name_in_order_and_pages(client: Any, catalogue: Any) -> None:
    assert ok(call(client, "package_list")) == [
        "companies-by-activity",
        "population-by-municipality",
        "registered-vehicles",
    ]
    assert ok(call(client, "package_list", limit=1, offset=1)) == ["population-by-municipality"]


def test_package_show_has_ckans_shape(
    client: Any, catalogue: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(6):
        package = ok(call(client, "package_show", id="population-by-municipality"))
    dataset = catalogue["population-by-municipality"]
    assert package["id"] == str(dataset.id)
    assert package["name"] == "population-by-municipality"
    assert package["title"] == "Population by municipality"
    assert package["license_id"] == "CC-BY-4.0"
    assert package["license_title"] == "Creative Commons Attribution 4.0"
    assert package["isopen"] is True
    assert package["private"] is False
    assert package["state"] == "active"
    assert package["type"] == "dataset"
    assert package["owner_org"] == str(organization_id(dataset.organization))
    assert package["organization"]["name"] == "statistics"
    assert package["organization"]["is_organization"] is True
    assert [t["name"] for t in package["tags"]] == ["municipalities", "population"]
    assert package["num_tags"] == 2
    assert [g["name"] for g in package["groups"]] == ["society"]
    assert package["num_resources"] == 1
    resource = package["resources"][0]
    assert resource["package_id"] == str(dataset.id)
    assert resource["datastore_active"] is True
    assert resource["format"] == "CSV"
    assert resource["url"] == f"http://testserver/opendata/resources/{resource['id']}/download"
    # by id too
    assert ok(call(client, "package_show", id=str(dataset.id)))["name"] == dataset.name


def test_package_show_of_an_unknown_dataset_is_a_not_found_error(client: Any, db: None) -> None:
    assert error(call(client, "package_show", id="nothing-here"), 404) == {
        "__type": "Not Found Error",
        "message": "Not found: There is no dataset “nothing-here”.",
    }


def test_a_missing_parameter_is_a_validation_error_naming_it(client: Any, db: None) -> None:
    assert error(call(client, "package_show"), 409) == {
        "__type": "Validation Error",
        "id": ["Missing value"],
    }


def test_an_unknown_action_is_a_bad_request(client: Any, db: None) -> None:
    assert error(call(client, "package_explode"), 400) == {
        "__type": "Bad Request",
        "message": "Bad request - Action name not known: package_explode",
    }


def test_package_search_words_filters_paging_and_facets(client: Any, catalogue: Any) -> None:
    result = ok(call(client, "package_search", q="municipality"))
    assert result["count"] == 1
    assert [p["name"] for p in result["results"]] == ["population-by-municipality"]

    result = ok(
        call(
            client,
            "package_search",
            fq="organization:statistics",
            sort="name asc",
            rows=1,
            start=1,
            **{"facet.field": json.dumps(["tags", "organization", "res_format"])},
        )
    )
    assert result["count"] == 2
    assert [p["name"] for p in result["results"]] == ["population-by-municipality"]
    assert result["facets"]["organization"] == {"statistics": 2}
    assert result["facets"]["res_format"] == {"CSV": 1}
    assert result["facets"]["tags"] == {
        "companies": 1,
        "economy": 1,
        "municipalities": 1,
        "population": 1,
    }
    assert result["search_facets"]["organization"] == {
        "title": "organization",
        "items": [{"name": "statistics", "display_name": "statistics", "count": 2}],
    }

    result = ok(call(client, "package_search", q="tags:transport"))
    assert [p["name"] for p in result["results"]] == ["registered-vehicles"]
    assert ok(call(client, "package_search", q="*:*"))["count"] == 3
    assert ok(call(client, "package_search", q="nothing-matches-this"))["count"] == 0


def test_package_search_refuses_too_many_rows_and_unknown_filters(
    client: Any, catalogue: Any
) -> None:
    assert error(call(client, "package_search", rows=1001), 409) == {
        "__type": "Validation Error",
        "rows": ["Must be 1000 or less"],
    }
    assert error(call(client, "package_search", rows="many"), 409)["rows"] == ["Invalid integer"]
    refused = error(call(client, "package_search", fq="colour:red"), 400)
    assert refused["__type"] == "Search Query Error"
    assert "“colour”" in refused["message"]
    assert error(call(client, "package_search", sort="colour desc"), 400)["__type"] == (
        "Search Query Error"
    )


def test_organizations_groups_tags_and_licences(client: Any, catalogue: Any) -> None:
    assert ok(call(client, "organization_list")) == ["statistics", "transport"]
    full = ok(call(client, "organization_list", all_fields="true"))
    assert [(o["name"], o["package_count"]) for o in full] == [("statistics", 2), ("transport", 1)]
    org = ok(call(client, "organization_show", id="transport", include_datasets="true"))
    assert org["title"] == "Transport Agency"
    assert [p["name"] for p in org["packages"]] == ["registered-vehicles"]
    assert ok(call(client, "organization_show", id=org["id"]))["name"] == "transport"
    assert ok(call(client, "group_list")) == ["economy", "society"]
    group = ok(call(client, "group_show", id="economy", include_datasets="true"))
    assert group["package_count"] == 1
    assert [p["name"] for p in group["packages"]] == ["companies-by-activity"]
    assert error(call(client, "group_show", id="weather"), 404)["__type"] == "Not Found Error"
    assert ok(call(client, "tag_list")) == [
        "companies",
        "economy",
        "municipalities",
        "population",
        "transport",
    ]
    assert ok(call(client, "tag_list", query="pop")) == ["population"]
    licences = ok(call(client, "license_list"))
    assert {"id": "CC0-1.0", "title": "Creative Commons CCZero"}.items() <= licences[2].items()


def test_resource_show(client: Any, catalogue: Any) -> None:
    link = Resource.objects.get(name="Vehicle statistics portal")
    shown = ok(call(client, "resource_show", id=str(link.id)))
    assert shown["url"] == "https://transport.demo.example/vehicles"
    assert shown["format"] == "HTML"
    assert shown["datastore_active"] is False
    assert error(call(client, "resource_show", id="not-an-id"), 404)["__type"] == (
        "Not Found Error"
    )


def _table_id(catalogue: Any) -> str:
    return str(catalogue["population-by-municipality"].resources.get().id)


def test_datastore_search_filters_sorts_pages_and_counts(client: Any, catalogue: Any) -> None:
    table = _table_id(catalogue)
    result = ok(call(client, "datastore_search", resource_id=table))
    assert result["total"] == 4
    assert result["fields"] == [
        {"id": "_id", "type": "int"},
        {"id": "municipality", "type": "text"},
        {"id": "age_band", "type": "text"},
        {"id": "residents", "type": "int"},
    ]
    assert result["records"][0] == {
        "_id": 1,
        "municipality": "Port Demo",
        "age_band": "0-17",
        "residents": 120,
    }
    result = ok(
        call(
            client,
            "datastore_search",
            resource_id=table,
            filters=json.dumps({"age_band": "18-64"}),
            sort="residents desc",
            fields="municipality,residents",
        )
    )
    assert result["total"] == 2
    assert result["records"] == [
        {"municipality": "Port Demo", "residents": 480},
        {"municipality": "Villa Demo", "residents": 210},
    ]
    result = ok(call(client, "datastore_search", resource_id=table, q="villa", limit=1, offset=1))
    assert result["total"] == 2
    assert [r["_id"] for r in result["records"]] == [4]
    assert result["_links"]["next"].endswith("&offset=2")
    # the numbers sort as numbers, not as text
    result = ok(call(client, "datastore_search", resource_id=table, sort="residents asc"))
    assert [r["residents"] for r in result["records"]] == [35, 120, 210, 480]


def test_datastore_search_errors_name_the_parameter(client: Any, catalogue: Any) -> None:
    table = _table_id(catalogue)
    assert error(call(client, "datastore_search"), 409)["resource_id"] == ["Missing value"]
    assert error(
        call(client, "datastore_search", resource_id=table, filters='{"colour": "red"}'), 409
    )["filters"] == ["The table has no column “colour”."]
    assert error(call(client, "datastore_search", resource_id=table, filters="{oops"), 409)[
        "filters"
    ] == ["Could not parse as valid JSON"]
    assert error(call(client, "datastore_search", resource_id=table, limit=32001), 409)[
        "limit"
    ] == ["Must be 32000 or less"]
    link = Resource.objects.get(name="Vehicle statistics portal")
    assert error(call(client, "datastore_search", resource_id=str(link.id)), 404)["__type"] == (
        "Not Found Error"
    )


def test_writes_need_post_and_an_officials_token(
    client: Any, catalogue: Any, publisher: Any
) -> None:
    assert error(call(client, "package_create", name="x"), 400)["message"] == (
        "Bad request - JSON Error: Invalid request. Please use POST method for your request"
    )
    refused = error(
        call(client, "package_create", method="post", name="new-data", owner_org="statistics"), 403
    )
    assert refused["__type"] == "Authorization Error"
    assert Dataset.objects.filter(name="new-data").count() == 0


def test_package_create_update_and_resource_create_with_a_token(
    client: Any, catalogue: Any, publisher: Any
) -> None:
    _user, token = publisher
    created = ok(
        call(
            client,
            "package_create",
            method="post",
            token=token,
            name="road-works",
            title="Road works",
            owner_org="statistics",
            tags=[{"name": "roads"}],
            groups=[{"name": "economy"}],
            resources=[{"name": "Map", "url": "https://maps.demo.example/works", "format": "html"}],
        )
    )
    assert created["name"] == "road-works"
    assert created["organization"]["name"] == "statistics"
    assert [t["name"] for t in created["tags"]] == ["roads"]
    assert created["resources"][0]["url"] == "https://maps.demo.example/works"

    updated = ok(
        call(
            client,
            "package_update",
            method="post",
            token=f"Bearer {token}",
            id="road-works",
            title="Road works 2027",
            notes="Planned works.",
        )
    )
    assert (updated["title"], updated["notes"], updated["tags"]) == (
        "Road works 2027",
        "Planned works.",
        [],
    )

    csv = SimpleUploadedFile("works.csv", b"street,closed_days\nCalle Mayor,3\nAvenida Sol,12\n")
    response = client.post(
        "/api/3/action/resource_create",
        {"package_id": "road-works", "name": "Works list", "upload": csv},
        HTTP_AUTHORIZATION=token,
    )
    resource = ok(response)
    assert resource["datastore_active"] is True
    rows = ok(call(client, "datastore_search", resource_id=resource["id"]))["records"]
    assert rows == [
        {"_id": 1, "street": "Calle Mayor", "closed_days": 3},
        {"_id": 2, "street": "Avenida Sol", "closed_days": 12},
    ]


def test_an_official_cannot_publish_for_another_agency(
    client: Any, catalogue: Any, publisher: Any
) -> None:
    _user, token = publisher
    refused = error(
        call(
            client,
            "package_create",
            method="post",
            token=token,
            name="buses",
            title="Buses",
            owner_org="transport",
        ),
        403,
    )
    assert (
        refused["message"]
        == "Access denied: Only officials of Transport Agency publish its datasets."
    )
    assert (
        error(
            call(
                client,
                "package_update",
                method="post",
                token=token,
                id="registered-vehicles",
                title="Mine now",
            ),
            403,
        )["__type"]
        == "Authorization Error"
    )
    assert Dataset.objects.get(name="registered-vehicles").title == "Registered vehicles"


def test_package_create_names_every_wrong_field_and_writes_nothing(
    client: Any, catalogue: Any, publisher: Any
) -> None:
    _user, token = publisher
    refused = error(
        call(
            client,
            "package_create",
            method="post",
            token=token,
            name="Population By Municipality",
            title="",
            owner_org="statistics",
            license_id="all-rights-reserved",
            groups=["weather"],
        ),
        409,
    )
    assert refused["__type"] == "Validation Error"
    assert set(refused) == {"__type", "name", "license_id", "groups"}  # no title: the name is
    assert refused["groups"] == ["There is no group “weather”."]
    taken = error(
        call(
            client,
            "package_create",
            method="post",
            token=token,
            name="companies-by-activity",
            title="Again",
            owner_org="statistics",
        ),
        409,
    )
    assert taken["name"] == ["That URL is already in use."]
    assert Dataset.objects.count() == 3


def test_a_bad_table_row_leaves_no_resource_behind(
    client: Any, catalogue: Any, publisher: Any
) -> None:
    _user, token = publisher
    refused = error(
        call(
            client,
            "resource_create",
            method="post",
            token=token,
            package_id="companies-by-activity",
            name="Companies",
            fields=[{"id": "activity", "type": "text"}, {"id": "count", "type": "int"}],
            records=[
                {"activity": "Bakeries", "count": 12},
                {"activity": "Shops", "count": "a few"},
            ],
        ),
        409,
    )
    assert refused["records"] == ["Row 2: “a few” is not a valid Whole number for “count”."]
    assert not Resource.objects.filter(name="Companies").exists()
    assert Row.objects.count() == 4
