"""The open-data pages in real Chromium, checked by axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.browser.test_journey import _assert_accessible, page  # noqa: F401 - the fixture
from tests.opendata.conftest import agencies_make, catalogue_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "path",
    [
        "/en/data/",
        "/es/data/?organization=statistics",
        "/en/data/datasets/population-by-municipality/",
        "/es/data/datasets/registered-vehicles/",
        "/en/data/organisations/",
        "/es/data/organisations/statistics/",
    ],
)
def test_the_open_data_pages_pass_axe(page: Any, path: str) -> None:  # noqa: F811
    catalogue_make(agencies_make())
    page.goto(path)
    _assert_accessible(
        page, "opendata" + path.replace("/", "-").replace("?", "-").replace("=", "-")
    )


def test_an_official_publishes_a_dataset_in_the_back_office(page: Any) -> None:  # noqa: F811
    agencies = agencies_make()
    catalogue_make(agencies)
    official, secret = factories.official(agency=agencies["transport"])
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill(official.email)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(factories.totp_code(secret))
    page.get_by_role("button", name="Sign in").click()

    page.goto("/en/backoffice/transport/data/")
    _assert_accessible(page, "backoffice-data")
    page.get_by_role("link", name="Publish a dataset").click()
    page.get_by_role("button", name="Publish").click()
    _assert_accessible(page, "backoffice-data-errors")
    page.get_by_label("Short name for the address").fill("bus-stops")
    page.get_by_label("Title").fill("Bus stops")
    page.get_by_role("button", name="Publish").click()
    _assert_accessible(page, "backoffice-data-resource")
    page.get_by_label("Name").fill("Stops")
    page.get_by_label("Or a web address").fill("https://transport.demo.example/stops")
    page.get_by_role("button", name="Publish").click()
    _assert_accessible(page, "backoffice-data-dataset")
    assert page.get_by_role("cell", name="Stops", exact=True).is_visible()
