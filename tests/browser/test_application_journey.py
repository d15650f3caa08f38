"""A resident claims child benefit in Chromium and an official decides; axe on every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.browser.test_journey import _assert_accessible, page  # noqa: F401 - fixture
from ventanilla.casework.models import IssuedDocument
from ventanilla.exchange.models import ConsentPurpose, Member
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency
from ventanilla.ledger.services import ledger_checkpoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _exchange(page: Any) -> None:  # noqa: F811
    """The population registry answers through the mediator, so applications pre-fill."""
    factories.exchange_connect(registry=Agency.objects.get(slug="civil-registry"))


def _sign_in(page: Any, email: str) -> None:  # noqa: F811
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_resident_claims_child_benefit_and_an_official_decides(page: Any) -> None:  # noqa: F811
    resident = factories.resident(
        email="lucia@test.example",
        password=PASSWORD,
        registry_person=factories.person(address="Calle Sol 3"),
    )
    _sign_in(page, resident.email)
    page.goto("/en/services/child-benefit/")
    page.get_by_role("button", name="Apply online").click()
    _assert_accessible(page, "apply-start")
    page.get_by_role("button", name="Start now").click()

    assert page.get_by_role("heading", name="Check the details we already have").is_visible()
    assert page.get_by_text("From Civil Registry Office (Population registry)").is_visible()
    _assert_accessible(page, "apply-details")
    page.get_by_role("link", name="Change Your address").click()
    assert page.get_by_label("Your address").input_value() == "Calle Sol 3"
    _assert_accessible(page, "apply-details-change")
    page.get_by_label("Your address").fill("Calle Luna 9")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("button", name="Continue").click()  # nothing answered yet
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    _assert_accessible(page, "apply-page-errors")
    page.get_by_label("The child's given name").fill("Lola")
    page.get_by_label("The child's date of birth").fill("2026-03-27")
    page.get_by_label("Parent").check()
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_label("Your address").input_value() == "Calle Luna 9"
    page.get_by_label("Bank account number (IBAN)").fill("DL12 3456 7890 1234 5678")
    _assert_accessible(page, "apply-page")
    page.get_by_role("button", name="Continue").click()

    _assert_accessible(page, "apply-check")
    page.get_by_role("button", name="Accept and send").click()
    reference = page.locator(".panel__body strong").inner_text()
    assert reference.startswith("DL-")
    _assert_accessible(page, "apply-sent")

    agency = Agency.objects.get(slug="social-security")
    official, secret = factories.official(agency=agency, role=Role.CASEWORKER)
    factories.official_add_role(user=official, agency=agency, role=Role.APPROVER)
    official.set_password(PASSWORD)
    official.save()
    page.context.clear_cookies()
    _sign_in(page, official.email)
    page.get_by_label("Code").fill(factories.totp_code(secret))
    page.get_by_role("button", name="Sign in").click()

    page.goto("/en/backoffice/social-security/cases/")
    _assert_accessible(page, "backoffice-queue")
    page.get_by_role("link", name=reference).click()
    assert page.get_by_text(
        "The applicant changed this from the registry value “Calle Sol 3”"
    ).is_visible()
    _assert_accessible(page, "backoffice-case")
    page.get_by_role("button", name="Start review").click()
    page.get_by_role("button", name="Approve").click()
    assert page.locator(".tag").first.inner_text() == "Approved"

    page.context.clear_cookies()
    _sign_in(page, resident.email)
    page.get_by_role("link", name="Claim child benefit").click()
    assert page.get_by_text("Approved").first.is_visible()
    _assert_accessible(page, "apply-decided")


def test_a_resident_registers_a_business_pays_and_downloads_the_certificate(
    page: Any,  # noqa: F811
) -> None:
    resident = factories.resident(email="marta@test.example", password=PASSWORD)
    _sign_in(page, resident.email)
    page.goto("/en/services/business-registration/")
    page.get_by_role("button", name="Apply online").click()
    page.get_by_role("button", name="Start now").click()
    page.get_by_role("link", name="Change Address of the business").click()
    page.get_by_label("Address of the business").fill("")
    page.get_by_role("button", name="Save and continue").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    _assert_accessible(page, "apply-details-change-errors")
    page.get_by_role("link", name="Back").click()
    page.get_by_role("button", name="Confirm and continue").click()

    page.get_by_label("Business name").fill("Panadería Marta")
    page.get_by_label("Sole trader (self-employed)").check()
    page.get_by_label("Restaurant, bar or food").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Date the business starts trading").fill("2026-12-01")
    page.get_by_label("How many employees will it have at the start?").fill("2")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # the email is optional

    assert page.get_by_text("50.00 DMD").first.is_visible()
    page.get_by_role("button", name="Accept and pay").click()
    _assert_accessible(page, "pay")
    page.get_by_label("Card number").fill("4000 0000 0000 0002")
    page.get_by_role("button", name="Pay 50.00 DMD and send").click()
    assert page.get_by_text("Your card was declined.").first.is_visible()
    _assert_accessible(page, "pay-declined")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_role("button", name="Pay 50.00 DMD and send").click()
    reference = page.locator(".panel__body strong").inner_text()

    agency = Agency.objects.get(slug="business-registry")
    official, secret = factories.official(agency=agency, role=Role.APPROVER)
    official.set_password(PASSWORD)
    official.save()
    page.context.clear_cookies()
    _sign_in(page, official.email)
    page.get_by_label("Code").fill(factories.totp_code(secret))
    page.get_by_role("button", name="Sign in").click()
    page.goto("/en/backoffice/business-registry/cases/")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Register the business").click()

    page.context.clear_cookies()
    _sign_in(page, resident.email)
    page.get_by_role("link", name="Register a business").click()
    _assert_accessible(page, "business-registered")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Certificate of business registration (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")

    ledger_checkpoint()  # what the worker does within seconds
    page.goto(f"/en/verify/{IssuedDocument.objects.get().number}/")
    assert page.get_by_text("This document is genuine").is_visible()
    _assert_accessible(page, "verify")
    page.get_by_role("link", name="See the ledger entry and its proof").click()
    assert page.get_by_text("This entry is proven to be in the ledger's signed state").is_visible()
    _assert_accessible(page, "ledger-entry")
    page.goto("/en/my/ledger/")
    assert page.get_by_role("cell", name="An approved case issued a document").count() == 1
    _assert_accessible(page, "my-ledger")
    page.goto("/en/my/data/")
    assert page.get_by_role("heading", name="Who looked at your data").is_visible()
    _assert_accessible(page, "my-data")
    bank = Member.objects.create(
        instance="DEMO", member_class="COM", member_code="demobank", name={"en": "Demobank"}
    )
    ConsentPurpose.objects.create(recipient=bank, code="loan", name={"en": "A loan"})
    page.goto("/en/my/consents/")
    _assert_accessible(page, "my-consents")
    page.get_by_role("button", name="Give my consent").click()
    assert page.get_by_text("Choose what you agree to.").first.is_visible()
    _assert_accessible(page, "my-consents-error")


def test_a_resident_applies_for_three_services_of_a_life_event_as_a_bundle_and_pays_once(
    page: Any,  # noqa: F811
) -> None:
    resident = factories.resident(email="luis@test.example", password=PASSWORD)
    _sign_in(page, resident.email)
    page.goto("/en/events/having-a-baby/")
    page.get_by_role("link", name="Apply together").click()
    assert page.get_by_text("Some of these services have a fee.").is_visible()
    _assert_accessible(page, "bundle-start")
    page.get_by_role("button", name="Start now").click()

    assert page.get_by_role("heading", name="Check the details we already have").is_visible()
    _assert_accessible(page, "bundle-details")
    page.get_by_role("button", name="Confirm and continue").click()
    page.get_by_label("My child's").check()  # the birth certificate (5.00 DMD a copy)
    page.get_by_label("Full name on the birth record").fill("Lola García")
    page.get_by_label("Date of birth").fill("2026-03-27")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("How many copies?").fill("2")
    page.get_by_label("Claiming benefits").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("The child's given name").fill("Lola")  # child benefit, and the card
    page.get_by_label("The child's date of birth").fill("2026-03-27")
    page.get_by_label("Parent").check()
    _assert_accessible(page, "bundle-step")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Bank account number (IBAN)").fill("DL12 3456 7890 1234 5678")
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_text("10.00 DMD").first.is_visible()
    _assert_accessible(page, "bundle-check")
    page.get_by_role("button", name="Accept and pay").click()
    _assert_accessible(page, "bundle-pay")
    page.get_by_label("Card number").fill("4000 0000 0000 0002")
    page.get_by_role("button", name="Pay 10.00 DMD and send all").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.get_by_role("link", name="Your card was declined.").is_visible()
    _assert_accessible(page, "bundle-pay-declined")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_role("button", name="Pay 10.00 DMD and send all").click()
    assert page.get_by_text("Received by Civil Registry Office").is_visible()
    assert page.get_by_text("Received by Social Security Institute").is_visible()
    assert page.get_by_text("Received by National Health Service").is_visible()
    _assert_accessible(page, "bundle-sent")
