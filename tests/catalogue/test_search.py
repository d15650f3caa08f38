from __future__ import annotations

from pathlib import Path

import pytest

from ventanilla.catalogue.selectors import service_search
from ventanilla.catalogue.services import catalogue_load

pytestmark = pytest.mark.django_db


def _slugs(query: str, language: str) -> list[str]:
    return [service.slug for service in service_search(query=query, language=language)]


def test_a_word_from_the_description_finds_the_service(small_catalogue: Path) -> None:
    assert _slugs("monthly payment", "en") == ["child-benefit"]


def test_an_accented_word_typed_without_accents_finds_the_service(small_catalogue: Path) -> None:
    assert _slugs("pension", "es") == ["child-benefit"]


def test_an_accented_query_finds_unaccented_text(small_catalogue: Path) -> None:
    assert _slugs("CERTIFICÁDO", "es") == ["birth-certificate"]


def test_a_word_prefix_matches(small_catalogue: Path) -> None:
    assert _slugs("certif", "en") == ["birth-certificate"]


def test_search_is_in_the_language_asked_for(small_catalogue: Path) -> None:
    assert _slugs("partida", "es") == ["birth-certificate"]
    assert _slugs("partida", "en") == []


def test_every_word_must_match(small_catalogue: Path) -> None:
    assert _slugs("birth payment", "en") == []


def test_common_words_are_ignored(small_catalogue: Path) -> None:
    assert _slugs("the certificate of a birth", "en") == ["birth-certificate"]
    assert _slugs("de la", "es") == []


def test_a_match_in_the_name_ranks_first(small_catalogue: Path) -> None:
    # "birth" is in one name and in the other's agency-free text only through evidence.
    assert _slugs("certificate", "en")[0] == "birth-certificate"


def test_punctuation_and_search_syntax_are_plain_words(small_catalogue: Path) -> None:
    assert _slugs('"child" AND (benefit*) ^', "en") == ["child-benefit"]
    assert _slugs("' -- ;", "en") == []


def test_a_retired_service_is_not_found(small_catalogue: Path) -> None:
    (small_catalogue / "services" / "child-benefit.yaml").unlink()
    events = small_catalogue / "events.yaml"
    events.write_text(events.read_text().replace(", child-benefit]", "]"))
    catalogue_load(directory=small_catalogue)
    assert _slugs("monthly", "en") == []


def test_a_reloaded_definition_is_searched_by_its_new_words(small_catalogue: Path) -> None:
    path = small_catalogue / "services" / "child-benefit.yaml"
    text = path.read_text().replace("version: 1", "version: 2")
    text = text.replace("monthly", "fortnightly").replace("Monthly", "Fortnightly")
    path.write_text(text)
    catalogue_load(directory=small_catalogue)
    assert _slugs("monthly", "en") == []
    assert _slugs("fortnightly", "en") == ["child-benefit"]
