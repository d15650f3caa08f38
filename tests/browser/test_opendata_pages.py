"""The open-data pages in real Chromium, checked by axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

from typing import Any

import pytest

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
