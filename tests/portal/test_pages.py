from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 60 * 1024
STYLESHEET = Path(finders.find("portal/ventanilla.css") or "")


@pytest.mark.parametrize(
    ("language", "path", "texts"),
    [
        ("en", "/en/", ["Life events", "Having a baby", "Search for a service"]),
        ("es", "/es/", ["Tener un bebé", "Buscar un servicio"]),
        (
            "en",
            "/en/events/having-a-baby/",
            ["Having a baby", "Test Registry", "Get a birth certificate"],
        ),
        (
            "es",
            "/es/events/having-a-baby/",
            ["Tener un bebé", "Registro de Prueba", "Obtener un certificado de nacimiento"],
        ),
        (
            "en",
            "/en/services/child-benefit/",
            [
                "Claim child benefit",
                "Parents living in Testland.",
                "Free",
                "Up to 10 working days",
                "Test Treasury",
                "Family Support Act",
            ],
        ),
        (
            "es",
            "/es/services/child-benefit/",
            [
                "Solicitar la prestación por hijo",
                "Gratuito",
                "Hasta 10 días hábiles",
                "Tesorería de Prueba",
            ],
        ),
        (
            "en",
            "/en/services/birth-certificate/",
            ["5.00 DMD", "Up to 2 working days", "Online", "At a service counter"],
        ),
        ("en", "/en/agencies/", ["Test Registry", "Test Treasury"]),
        (
            "es",
            "/es/agencies/registry/",
            ["Registro de Prueba", "Obtener un certificado de nacimiento"],
        ),
        ("en", "/en/search/?q=monthly", ["1 service found", "Claim child benefit"]),
        (
            "es",
            "/es/search/?q=pension",
            ["1 servicio encontrado", "Solicitar la prestación por hijo"],
        ),
    ],
)
def test_each_page_renders_in_its_language(
    client: Client, small_catalogue: Path, language: str, path: str, texts: list[str]
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    for text in texts:
        assert text in html
    assert len(response.content) + STYLESHEET.stat().st_size < PAGE_BUDGET


def test_the_language_switcher_links_to_the_same_page_in_spanish(
    client: Client, small_catalogue: Path
) -> None:
    html = client.get("/en/services/child-benefit/").content.decode()
    assert '<a href="/es/services/child-benefit/" lang="es" hreflang="es">Español</a>' in html
    html = client.get("/es/search/?q=pension").content.decode()
    assert 'href="/en/search/?q=pension" lang="en" hreflang="en">English</a>' in html


def test_the_root_redirects_to_the_browser_language(client: Client, small_catalogue: Path) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/es/"


def test_the_life_event_page_groups_services_by_agency_in_order(
    client: Client, small_catalogue: Path
) -> None:
    html = client.get("/en/events/having-a-baby/").content.decode()
    assert html.index("Test Registry") < html.index("Get a birth certificate")
    assert html.index("Get a birth certificate") < html.index("Test Treasury")
    assert html.index("Test Treasury") < html.index("Claim child benefit")


def test_evidence_the_state_holds_is_marked_as_not_needed(
    client: Client, small_catalogue: Path
) -> None:
    html = client.get("/en/services/child-benefit/").content.decode()
    assert "you do not need to bring this: Test Registry already holds it" in html


@pytest.mark.parametrize(
    "path", ["/en/events/no-such-event/", "/en/services/no-such-service/", "/es/agencies/nobody/"]
)
def test_an_unknown_page_is_a_helpful_404(client: Client, small_catalogue: Path, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert (
        "Page not found" in response.content.decode()
        or "Página no encontrada" in response.content.decode()
    )


def test_an_empty_search_asks_for_words(client: Client, small_catalogue: Path) -> None:
    html = client.get("/en/search/?q=").content.decode()
    assert "There is a problem" in html
    assert "Enter words to search for" in html
    assert 'aria-invalid="true"' in html


def test_an_overlong_search_is_refused_with_the_reason(
    client: Client, small_catalogue: Path
) -> None:
    response = client.get("/en/search/", {"q": "x" * 201})
    assert response.status_code == 400
    assert "Search words must be 200 characters or fewer" in response.content.decode()


def test_a_search_with_no_result_suggests_what_to_do(client: Client, small_catalogue: Path) -> None:
    html = client.get("/en/search/?q=zzzz").content.decode()
    assert "0 services found" in html
    assert "Try other words" in html


def test_pages_carry_security_headers(client: Client, small_catalogue: Path) -> None:
    response = client.get("/en/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("path", "max_queries"),
    [
        ("/en/", 3),
        ("/en/events/having-a-baby/", 4),
        ("/en/services/child-benefit/", 6),
        ("/en/agencies/registry/", 4),
        ("/en/search/?q=certificate", 4),
    ],
)
def test_pages_use_a_bounded_number_of_queries(
    client: Client,
    small_catalogue: Path,
    django_assert_max_num_queries,
    path: str,
    max_queries: int,
) -> None:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(max_queries):
        assert client.get(path).status_code == 200
