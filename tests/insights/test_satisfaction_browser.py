"""The satisfaction question in Chromium, without JavaScript needed; axe on each state."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from tests.browser.test_journey import CHROMIUM, _assert_accessible, page  # noqa: F401 - fixture
from tests.insights.conftest import ANSWERS, decided
from ventanilla.applications.services import application_file
from ventanilla.catalogue.models import PublicService

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed"),
]

PASSWORD = "a-long-test-password"


def test_a_resident_tells_how_satisfied_they_are_after_the_decision(page: Any) -> None:  # noqa: F811
    resident = factories.resident(email="rosa@test.example", password=PASSWORD)
    _application, case, _created = application_file(
        applicant=resident,
        service=PublicService.objects.get(slug="child-benefit"),
        answers={**ANSWERS, "address": "Calle Sol 3"},
    )
    assert case is not None
    decided(case, action="approve", on=timezone.now())
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill(resident.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Claim child benefit").click()

    page.get_by_role("link", name="Answer one question about this service").click()
    _assert_accessible(page, "satisfaction")
    page.get_by_role("button", name="Send feedback").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    _assert_accessible(page, "satisfaction-error")
    page.get_by_role("link", name="Select how satisfied you are.").click()
    page.get_by_label("Very satisfied").check()
    page.get_by_label("How could we improve this service? (optional)").fill("Clear letters.")
    page.get_by_role("button", name="Send feedback").click()

    assert page.get_by_role("heading", name="Thank you for your feedback").is_visible()
    _assert_accessible(page, "satisfaction-thanks")
