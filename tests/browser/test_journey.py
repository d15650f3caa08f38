"""A resident's first journey in real Chromium, with axe-core checking WCAG 2.2 AA."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from ventanilla.catalogue.services import catalogue_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SCREENSHOTS = Path(__file__).parent.parent / "screenshots"

if not CHROMIUM:
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser journey: install Debian's chromium")
    pytestmark.append(pytest.mark.skip(reason="Debian's chromium is not installed"))


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    catalogue_load(directory=settings.VENTANILLA_CATALOGUE_DIR)
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the live
    # server happen in its own thread, so Django's async guard has nothing to protect here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            # axe-core is injected as a script: the pages' strict CSP would refuse it.
            context = browser.new_context(base_url=live_server.url, bypass_csp=True)
            yield context.new_page()
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _assert_accessible(page: Any, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, f"{name}:\n{results.generate_report()}"


def test_a_resident_finds_a_service_by_life_event_and_reads_it_in_spanish(page: Any) -> None:
    page.goto("/en/")
    assert page.locator("h1").inner_text().startswith("Public services of Demoland")
    _assert_accessible(page, "home")

    page.get_by_role("link", name="Having a baby").click()
    assert page.locator("h1").inner_text() == "Having a baby"
    _assert_accessible(page, "life-event")

    page.get_by_role("link", name="Get a birth certificate").first.click()
    assert "/en/services/" in page.url
    title = page.locator("h1").inner_text()
    _assert_accessible(page, "service")

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()
    assert "/es/services/" in page.url
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text() != title
    assert page.get_by_text("Qué necesita").count() >= 1
    _assert_accessible(page, "service-es")


def test_the_search_box_works_without_javascript(live_server: Any) -> None:
    from playwright.sync_api import sync_playwright

    catalogue_load(directory=settings.VENTANILLA_CATALOGUE_DIR)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            context = browser.new_context(
                base_url=live_server.url, java_script_enabled=False, bypass_csp=True
            )
            page = context.new_page()
            page.goto("/es/")
            page.get_by_label("Buscar un servicio").fill("defuncion")
            page.get_by_role("button", name="Buscar").click()
            assert "/es/search/?q=defuncion" in page.url
            assert page.get_by_role("link", name="defunción").count() >= 1
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.mark.parametrize(
    "path",
    [
        "/en/agencies/",
        "/es/agencies/civil-registry/",
        "/en/search/?q=certificate",
        "/en/search/?q=",
        "/es/developers/",
        "/en/accounts/login/",
        "/es/accounts/signup/",
        "/en/no-such-page/",
        "/es/status/",
        "/en/transparency/",
        "/es/transparency/",
    ],
)
def test_every_other_public_page_passes_axe(page: Any, path: str) -> None:
    page.goto(path)
    _assert_accessible(page, path.strip("/").replace("/", "-").replace("?q=", "-q-") or "root")
