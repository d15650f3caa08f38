"""The performance pages in Chromium: axe-clean, charts beside their tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from tests.browser.test_journey import CHROMIUM, _assert_accessible, page  # noqa: F401 - fixture
from ventanilla.catalogue.models import PublicService
from ventanilla.insights.models import Fact
from ventanilla.insights.services import facts_rollup_month

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed"),
]


def test_the_performance_pages_are_accessible(page: Any) -> None:  # noqa: F811
    service = PublicService.objects.get(slug="passport")
    today = timezone.localdate()
    for back, (web, counter) in enumerate([(40, 12), (35, 15), (3, 2)]):
        day = (today.replace(day=1) - dt.timedelta(days=31 * back)).replace(day=2)
        for channel, n in (("web", web), ("counter", counter)):
            Fact.objects.create(
                day=min(day, today),
                service=service,
                agency=service.competent_agency,
                channel=channel,
                submitted=n,
                started=n,
                approved=n,
                within_deadline=n - 1,
                missed_deadline=1,
                satisfied=2,
                very_satisfied=1,
            )

    for back in range(3):
        facts_rollup_month(
            month=(today.replace(day=1) - dt.timedelta(days=31 * back)).replace(day=1)
        )
    page.goto("/en/performance/")
    assert page.get_by_role("heading", name="How public services perform").is_visible()
    _assert_accessible(page, "performance")
    page.get_by_role("link", name=service.local_name).click()
    assert page.get_by_role("img", name="Digital take-up per month (%)").is_visible()
    _assert_accessible(page, "performance-service")


def test_the_back_office_performance_pages_are_accessible(page: Any) -> None:  # noqa: F811
    service = PublicService.objects.get(slug="passport")
    today = timezone.localdate()
    for channel, n in (("web", 6), ("counter", 2)):  # below the threshold: shown, marked
        Fact.objects.create(
            day=today,
            service=service,
            agency=service.competent_agency,
            channel=channel,
            submitted=n,
            started=n,
            satisfied=1,
        )
    facts_rollup_month(month=today.replace(day=1))
    official, secret = factories.official(agency=service.competent_agency)
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill(official.email)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(factories.totp_code(secret))
    page.get_by_role("button", name="Sign in").click()

    agency = service.competent_agency.slug
    page.goto(f"/en/backoffice/{agency}/")
    page.get_by_role(
        "link", name="Performance: your services' indicators by month and channel"
    ).click()
    assert page.get_by_role("heading", name="How your services perform").is_visible()
    _assert_accessible(page, "backoffice-performance")
    page.get_by_role("link", name=service.local_name).click()
    page.get_by_label("Channel").select_option("counter")
    page.get_by_role("button", name="Show").click()
    assert "channel=counter" in page.url
    _assert_accessible(page, "backoffice-performance-service-counter")
    page.goto(f"/en/backoffice/{agency}/offline-counts/")
    _assert_accessible(page, "backoffice-offline-counts")
    page.get_by_role("button", name="Record the count").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    _assert_accessible(page, "backoffice-offline-counts-errors")
