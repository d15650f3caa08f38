"""Public catalogue pages are rendered once per catalogue revision for visitors without a
session, and never served stale or to a signed-in visitor."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.test import Client

from tests import factories
from ventanilla.catalogue.services import catalogue_load

pytestmark = pytest.mark.django_db

SERVICE = "/en/services/child-benefit/"


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_cached_page_costs_one_query_and_reads_the_same(
    client: Client, small_catalogue: Path, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    first = client.get(SERVICE)
    with django_assert_num_queries(1):  # the catalogue revision
        again = client.get(SERVICE)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == "text/html; charset=utf-8"
    assert "Cookie" in again["Vary"]
    assert "default-src 'self'" in again["Content-Security-Policy"]


def test_each_language_has_its_own_page(client: Client, small_catalogue: Path) -> None:
    client.get("/en/events/having-a-baby/")
    html = client.get("/es/events/having-a-baby/").content.decode()
    assert '<html lang="es">' in html
    assert "Tener un bebé" in html


def test_a_catalogue_load_makes_cached_pages_stale(client: Client, small_catalogue: Path) -> None:
    assert "Claim child benefit" in client.get(SERVICE).content.decode()
    path = small_catalogue / "services" / "child-benefit.yaml"
    _rewrite(path, "version: 1", "version: 2")
    _rewrite(path, "en: Claim child benefit", "en: Get child benefit")

    catalogue_load(directory=small_catalogue)

    html = client.get(SERVICE).content.decode()
    assert "Get child benefit" in html
    assert "Claim child benefit" not in html
    assert "Get child benefit" in client.get("/en/events/having-a-baby/").content.decode()


def test_a_retired_service_is_gone_at_once(client: Client, small_catalogue: Path) -> None:
    assert client.get(SERVICE).status_code == 200
    (small_catalogue / "services" / "child-benefit.yaml").unlink()
    _rewrite(
        small_catalogue / "events.yaml", "[birth-certificate, child-benefit]", "[birth-certificate]"
    )

    catalogue_load(directory=small_catalogue)

    assert client.get(SERVICE).status_code == 404


def test_a_signed_in_resident_never_gets_the_anonymous_page(
    client: Client, small_catalogue: Path
) -> None:
    client.get(SERVICE)  # cached for visitors without a session
    client.force_login(factories.resident())

    html = client.get(SERVICE).content.decode()

    assert "Sign out" in html
    assert "My Ventanilla" in html


def test_a_waiting_message_is_shown_to_its_visitor_and_not_cached(
    client: Client, small_catalogue: Path
) -> None:
    client.get("/en/")
    request = HttpRequest()
    storage = CookieStorage(request)
    storage.add(constants.INFO, "You have signed out.")
    response = client.get("/en/")  # any response to carry the cookie
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value

    assert "You have signed out." in client.get("/en/").content.decode()
    del client.cookies["messages"]
    assert "You have signed out." not in client.get("/en/").content.decode()
    assert list(get_messages(request)) == []


def test_a_page_with_a_csrf_token_or_a_session_change_is_not_shared(db: None) -> None:
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import get_token
    from django.test import RequestFactory
    from django.utils import translation

    from ventanilla.portal.page_cache import public_page

    renders: list[str] = []

    @public_page
    def with_token(request: HttpRequest) -> HttpResponse:
        renders.append("token")
        return HttpResponse(get_token(request))

    @public_page
    def with_session(request: HttpRequest) -> HttpResponse:
        renders.append("session")
        request.session["seen"] = True
        return HttpResponse("hello")

    factory = RequestFactory()
    with translation.override("en"):
        for view, path in ((with_token, "/en/token/"), (with_session, "/en/session/")):
            for _ in range(2):
                request = factory.get(path)
                request.session = SessionStore()
                view(request)
    assert renders == ["token", "token", "session", "session"]
