"""package_search answered from the worker's index of the catalogue: the index and the
answers it keeps follow every write at once, and the counts are exactly right."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from django.db import connection

from tests.opendata.conftest import call
from tests.opendata.test_ckan_api import error, ok
from ventanilla.identity.models import Agency
from ventanilla.opendata import search as search_index
from ventanilla.opendata.models import Dataset, Tag
from ventanilla.opendata.search import catalogue_generation
from ventanilla.opendata.services import (
    DatasetFields,
    dataset_create,
    dataset_update,
    resource_create,
)
from ventanilla.opendata.tables import Table

pytestmark = pytest.mark.django_db
generation_migration = importlib.import_module(
    "ventanilla.opendata.migrations.0002_add_catalogue_generation"
)


def names(result: dict[str, Any]) -> list[str]:
    return [p["name"] for p in result["results"]]


def search(client: Any, **params: Any) -> dict[str, Any]:
    return ok(call(client, "package_search", **params))  # type: ignore[no-any-return]


def test_a_new_dataset_is_found_at_once(client: Any, catalogue: Any, agencies: Any) -> None:
    assert search(client, q="bridges")["count"] == 0
    dataset_create(
        actor=None,
        organization=agencies["transport"],
        fields=DatasetFields(name="bridges", title="Bridges and their state", tags=["roads"]),
    )
    result = search(client, q="bridges", **{"facet.field": json.dumps(["tags"])})
    assert names(result) == ["bridges"]
    assert result["facets"] == {"tags": {"roads": 1}}
    assert search(client, fq="tags:roads")["count"] == 1
    assert search(client)["count"] == 4


def test_an_updated_dataset_is_found_by_its_new_words_and_tags_only(
    client: Any, catalogue: Any
) -> None:
    vehicles = catalogue["registered-vehicles"]
    assert names(search(client, q="vehicles")) == ["registered-vehicles"]
    before = ok(call(client, "package_show", id="registered-vehicles"))
    for title in ("Registered cars", "Registered boats"):
        dataset_update(
            actor=None,
            dataset=vehicles,
            fields=DatasetFields(name="registered-vehicles", title=title, tags=["boats", "ports"]),
        )
    assert search(client, q="cars")["count"] == 0
    assert names(search(client, q="boats")) == ["registered-vehicles"]
    assert search(client, fq="tags:transport")["count"] == 0
    assert names(search(client, fq="tags:ports tags:boats")) == ["registered-vehicles"]
    found = search(client, q="boats")["results"][0]
    assert found["title"] == "Registered boats"
    assert [t["name"] for t in found["tags"]] == ["boats", "ports"]
    shown = ok(call(client, "package_show", id="registered-vehicles"))
    assert shown["title"] == "Registered boats"
    assert shown["metadata_modified"] > before["metadata_modified"]


def test_a_deleted_dataset_is_gone_from_search_and_show(client: Any, catalogue: Any) -> None:
    assert search(client, q="companies")["count"] == 1
    Dataset.objects.filter(name="companies-by-activity").delete()
    assert search(client, q="companies")["count"] == 0
    assert search(client, **{"facet.field": json.dumps(["tags"])})["facets"]["tags"] == {
        "municipalities": 1,
        "population": 1,
        "transport": 1,
    }
    assert error(call(client, "package_show", id="companies-by-activity"), 404) == {
        "__type": "Not Found Error",
        "message": "Not found: There is no dataset “companies-by-activity”.",
    }


def test_a_new_resource_and_a_renamed_agency_show_in_the_kept_answers_at_once(
    client: Any, catalogue: Any, agencies: Any
) -> None:
    first = search(client, q="companies")["results"][0]
    assert first["num_resources"] == 0
    assert first["organization"]["title"] == "Statistics Office"
    resource_create(
        actor=None,
        dataset=catalogue["companies-by-activity"],
        name="Companies 2026",
        table=Table(fields=[{"id": "activity", "type": "text"}], rows=[{"activity": "Shops"}]),
    )
    Agency.objects.filter(slug="statistics").update(
        name={"en": "National Statistics Office", "es": "Instituto Nacional de Estadística"}
    )
    again = search(client, q="companies", **{"facet.field": json.dumps(["res_format"])})
    assert again["results"][0]["num_resources"] == 1
    assert again["results"][0]["resources"][0]["row_count"] == 1
    assert again["results"][0]["organization"]["title"] == "National Statistics Office"
    assert again["facets"] == {"res_format": {"CSV": 1}}


def test_the_answers_are_in_the_language_asked_for(
    client: Any, catalogue: Any, agencies: Any
) -> None:
    Agency.objects.filter(slug="transport").update(
        name={"en": "Transport Agency", "es": "Agencia de Transporte"}
    )
    path = "/api/3/action/package_search?q=vehicles"
    for language, title in (("en", "Transport Agency"), ("es", "Agencia de Transporte")):
        result = ok(client.get(path, HTTP_ACCEPT_LANGUAGE=language))
        assert result["results"][0]["organization"]["title"] == title


def facet_catalogue(agencies: dict[str, Agency]) -> None:
    """Five datasets whose tags and formats are counted by hand in the test below.

    name     agency      tags             formats
    alpha    statistics  water, air       CSV, JSON
    beta     statistics  water            CSV
    gamma    statistics  air, noise       -
    delta    transport   water, noise     JSON
    epsilon  transport   roads            CSV
    """
    layout = {
        "alpha": ("statistics", ["water", "air"], ["CSV", "JSON"]),
        "beta": ("statistics", ["water"], ["CSV"]),
        "gamma": ("statistics", ["air", "noise"], []),
        "delta": ("transport", ["water", "noise"], ["JSON"]),
        "epsilon": ("transport", ["roads"], ["CSV"]),
    }
    for name, (agency, tags, formats) in layout.items():
        dataset = dataset_create(
            actor=None,
            organization=agencies[agency],
            fields=DatasetFields(name=name, title=f"Survey {name}", notes="yearly", tags=tags),
        )
        for n, format_ in enumerate(formats):
            resource_create(
                actor=None,
                dataset=dataset,
                name=f"{name} {n}",
                url=f"https://data.demo.example/{name}/{n}",
                format=format_,
            )


@pytest.mark.parametrize("dense_share", [search_index.DENSE_SHARE, 0])
def test_facet_counts_match_the_hand_worked_answer(
    client: Any, agencies: Any, monkeypatch: Any, dense_share: int
) -> None:
    """Also with every value kept as the ordinals of its datasets (``dense_share`` 0), as
    a large catalogue keeps its rare values."""
    monkeypatch.setattr(search_index, "DENSE_SHARE", dense_share)
    facet_catalogue(agencies)
    fields = {"facet.field": json.dumps(["organization", "tags", "res_format", "license_id"])}

    everything = search(client, q="survey", **fields)
    assert everything["count"] == 5
    assert everything["facets"] == {
        "organization": {"statistics": 3, "transport": 2},
        "tags": {"water": 3, "air": 2, "noise": 2, "roads": 1},
        "res_format": {"CSV": 3, "JSON": 2},
        "license_id": {"CC-BY-4.0": 5},
    }
    # Most first, then by value: the order CKAN's search_facets keep.
    assert [i["name"] for i in everything["search_facets"]["tags"]["items"]] == [
        "water",
        "air",
        "noise",
        "roads",
    ]

    # Only the datasets matching count: water (alpha, beta, delta).
    water = search(client, fq="tags:water", **fields)
    assert water["count"] == 3
    assert water["facets"] == {
        "organization": {"statistics": 2, "transport": 1},
        "tags": {"water": 3, "air": 1, "noise": 1},
        "res_format": {"CSV": 2, "JSON": 2},
        "license_id": {"CC-BY-4.0": 3},
    }
    # Two values of one field must both hold (alpha and delta have water and a JSON file;
    # of those, only alpha also has a CSV one).
    both = search(client, fq="tags:water res_format:JSON res_format:CSV", sort="name asc")
    assert names(both) == ["alpha"]
    assert names(search(client, fq="tags:water tags:noise")) == ["delta"]
    # facet.limit keeps the first ones.
    limited = search(client, q="survey", **{"facet.field": '["tags"]', "facet.limit": 2})
    assert limited["facets"] == {"tags": {"water": 3, "air": 2}}
    assert names(search(client, fq="name:gamma", **fields)) == ["gamma"]


def test_words_filters_sorts_and_pages_together(client: Any, agencies: Any) -> None:
    facet_catalogue(agencies)
    assert names(search(client, q="survey", sort="name desc", rows=2, start=1)) == [
        "epsilon",
        "delta",
    ]
    assert names(search(client, q="SURVEY organization:transport", sort="title asc")) == [
        "delta",
        "epsilon",
    ]
    # The newest change first by default; a word can be part of a longer one ("year").
    assert names(search(client, q="year")) == ["epsilon", "delta", "gamma", "beta", "alpha"]
    assert search(client, q="survey nothing")["count"] == 0
    assert search(client, fq="tags:unknown")["count"] == 0


def test_a_search_after_the_first_is_two_queries(
    client: Any, catalogue: Any, django_assert_max_num_queries: Any
) -> None:
    fields = {"facet.field": json.dumps(["organization", "tags"])}
    search(client, q="population", **fields)
    # The generation, then nothing else: the index and the answers are kept.
    with django_assert_max_num_queries(2):
        search(client, q="population", **fields)


def test_answers_in_two_languages_are_kept_side_by_side(
    client: Any, catalogue: Any, django_assert_max_num_queries: Any
) -> None:
    path = "/api/3/action/package_search?q=population"
    for language in ("en", "es"):
        ok(client.get(path, HTTP_ACCEPT_LANGUAGE=language))
    for language in ("en", "es"):
        with django_assert_max_num_queries(2):
            ok(client.get(path, HTTP_ACCEPT_LANGUAGE=language))


def test_every_catalogue_table_has_the_triggers_that_set_the_generation(db: None) -> None:
    """A migration that rebuilds a table on SQLite drops its triggers: make them again."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            present = {row[0] for row in cursor.fetchall()}
        expected = {
            f"opendata_generation_{table}_{operation}"
            for table in generation_migration.TABLES
            for operation in generation_migration.OPERATIONS
        }
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = 'opendata_generation'"
            )
            present = {row[0] for row in cursor.fetchall()}
        expected = set(generation_migration.TABLES)
    assert expected <= present


def test_each_write_gives_the_catalogue_a_new_generation(agencies: Any) -> None:
    seen = [catalogue_generation()]
    dataset = dataset_create(
        actor=None,
        organization=agencies["statistics"],
        fields=DatasetFields(name="births", title="Births"),
    )
    seen.append(catalogue_generation())
    Dataset.tags.through.objects.create(dataset=dataset, tag=Tag.objects.create(name="babies"))
    seen.append(catalogue_generation())
    Agency.objects.filter(slug="statistics").update(slug="stats")
    seen.append(catalogue_generation())
    assert None not in seen
    assert len(set(seen)) == 4
