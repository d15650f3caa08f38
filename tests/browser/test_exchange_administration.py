"""The exchange's administration pages in Chromium, with axe-core on each: the central
digital office's view of the whole exchange, and an agency administrator's systems."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.browser.test_journey import _assert_accessible, page  # noqa: F401 - fixture
from ventanilla.core.errors import ExchangeNotAllowedError
from ventanilla.demo.services import demo_exchange_create
from ventanilla.exchange.models import Subsystem
from ventanilla.exchange.services import exchange_call
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def test_the_central_office_and_an_agency_administrator_work_the_exchange(
    page: Any,  # noqa: F811
) -> None:
    demo_exchange_create()
    with pytest.raises(ExchangeNotAllowedError):
        exchange_call(
            client=Subsystem.objects.get(code="income"),
            service_code="population/person",
            national_id=factories.person().national_id,
            purpose="income-check",
        )
    official, secret = factories.official(agency=Agency.objects.get(slug="digital-office"))
    factories.official_add_role(
        user=official, agency=Agency.objects.get(slug="social-security"), role=Role.AGENCY_ADMIN
    )
    official.set_password(PASSWORD)
    official.save()
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill(official.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(factories.totp_code(secret))
    page.get_by_role("button", name="Sign in").click()

    page.goto("/en/backoffice/")
    _assert_accessible(page, "backoffice-home-central-office")
    page.get_by_role("link", name="Data exchange across government").click()
    assert page.locator("h1").inner_text() == "Data exchange across government"
    assert page.get_by_role("row", name="The system that asked has no access").is_visible()
    _assert_accessible(page, "backoffice-exchange-government")
    page.get_by_label("Period").select_option("7")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_role("heading", name="Calls in the last 7 days").is_visible()
    _assert_accessible(page, "backoffice-exchange-government-7-days")

    page.goto("/en/backoffice/social-security/exchange/systems/")
    _assert_accessible(page, "backoffice-exchange-systems")
    page.get_by_label("Code").fill("benefits")
    page.get_by_role("button", name="Add the system").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    page.get_by_role("link", name="already has a system with the code benefits").click()
    assert page.evaluate("document.activeElement.id") == "code"
    _assert_accessible(page, "backoffice-exchange-systems-error")
    page.get_by_label("Code").fill("pensions")
    page.get_by_label("Name in English").fill("Pensions")
    page.get_by_role("button", name="Add the system").click()
    assert page.get_by_text("pensions is added.").is_visible()
    page.get_by_role("button", name="Switch off benefits").click()
    assert page.get_by_text("benefits is switched off").is_visible()
    _assert_accessible(page, "backoffice-exchange-systems-switched-off")
