"""The application pages, as a resident's browser uses them (no JavaScript)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from tests import factories
from ventanilla.applications import services
from ventanilla.applications.models import Application
from ventanilla.casework.models import Case
from ventanilla.catalogue.models import PublicService
from ventanilla.exchange.models import DataService

pytestmark = pytest.mark.django_db

CHILD = {"child_given_name": "Lola", "child_birth_date": "2026-03-27", "relationship": "parent"}
PAYMENT = {"bank_account": "DL12 3456 7890 1234 5678", "address": "Calle Mayor 1"}


@pytest.fixture
def resident_client(connected: DataService) -> Client:
    client = Client()
    client.force_login(factories.resident())
    return client


def test_the_service_page_offers_to_apply_online(resident_client: Client) -> None:
    html = resident_client.get("/en/services/child-benefit/").content.decode()
    assert 'href="/en/services/child-benefit/apply/"' in html
    assert "apply/" not in resident_client.get("/en/services/birth-certificate/").content.decode()


def test_a_resident_applies_page_by_page_and_sends(resident_client: Client) -> None:
    start = resident_client.get("/en/services/child-benefit/apply/")
    assert "You will answer 2 pages of questions." in start.content.decode()

    response = resident_client.post("/en/services/child-benefit/apply/")
    application = Application.objects.get()
    assert response["Location"] == f"/en/applications/{application.public_id}/details/"
    details = resident_client.get(response["Location"]).content.decode()
    assert "Calle Mayor 1" in details
    assert "From Test Registry (Population registry)" in details
    response = resident_client.post(response["Location"])
    assert response["Location"] == f"/en/applications/{application.public_id}/child/"

    page = resident_client.get(response["Location"]).content.decode()
    assert "Page 1 of 2" in page
    assert '<legend class="fieldset__legend">You are the child&#x27;s</legend>' in page

    response = resident_client.post(f"/en/applications/{application.public_id}/child/", CHILD)
    assert response["Location"] == f"/en/applications/{application.public_id}/payment/"
    page = resident_client.get(response["Location"]).content.decode()
    assert 'value="Calle Mayor 1"' in page  # filled in from the registry

    response = resident_client.post(f"/en/applications/{application.public_id}/payment/", PAYMENT)
    assert response["Location"] == f"/en/applications/{application.public_id}/check/"
    check = resident_client.get(response["Location"]).content.decode()
    assert "Check your answers before sending your application" in check
    assert "27 March 2026" in check and "Parent" in check
    assert f"/en/applications/{application.public_id}/child/?then=check" in check

    response = resident_client.post(f"/en/applications/{application.public_id}/check/")
    assert response["Location"] == f"/en/applications/{application.public_id}/"
    detail = resident_client.get(response["Location"]).content.decode()
    application.refresh_from_db()
    assert application.reference in detail
    assert "Your application has been sent." in detail
    assert "Received by Test Treasury" in detail
    assert "Decision expected by" in detail

    my = resident_client.get("/en/my/").content.decode()
    assert application.reference in my
    assert "Received" in my


def test_a_wrong_answer_shows_the_error_summary_linked_to_the_field(
    resident_client: Client,
) -> None:
    resident_client.post("/en/services/child-benefit/apply/")
    application = Application.objects.get()

    response = resident_client.post(
        f"/en/applications/{application.public_id}/payment/",
        {"bank_account": "nope", "address": "Calle Mayor 1"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_bank_account">“Bank account number (IBAN)” is not in the right' in html
    assert "<title>Error:" in html


def test_a_change_from_the_check_page_returns_to_it(resident_client: Client) -> None:
    resident_client.post("/en/services/child-benefit/apply/")
    application = Application.objects.get()

    response = resident_client.post(
        f"/en/applications/{application.public_id}/child/", {**CHILD, "then": "check"}
    )

    assert response["Location"] == f"/en/applications/{application.public_id}/check/"


def test_sending_an_unfinished_application_lists_what_is_missing(resident_client: Client) -> None:
    resident_client.post("/en/services/child-benefit/apply/")
    application = Application.objects.get()

    response = resident_client.post(f"/en/applications/{application.public_id}/check/")

    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#answer-bank_account">Enter “Bank account number (IBAN)”.</a>' in html
    assert not Case.objects.exists()


@pytest.mark.parametrize("suffix", ["", "check/", "child/"])
def test_another_residents_application_is_not_found(
    resident_client: Client, small_catalogue: Path, suffix: str
) -> None:
    owner = factories.resident()
    application = services.application_start(
        applicant=owner, service=PublicService.objects.get(slug="child-benefit")
    )

    response = resident_client.get(f"/en/applications/{application.public_id}/{suffix}")

    assert response.status_code == 404


def test_signing_in_is_needed(small_catalogue: Path) -> None:
    response = Client().get("/en/services/child-benefit/apply/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_a_draft_can_be_deleted_but_a_sent_one_cannot(resident_client: Client) -> None:
    resident_client.post("/en/services/child-benefit/apply/")
    application = Application.objects.get()

    response = resident_client.post(f"/en/applications/{application.public_id}/delete/")

    assert response["Location"] == "/en/my/"
    assert not Application.objects.exists()


def test_the_pages_speak_spanish(resident_client: Client) -> None:
    resident_client.post("/es/services/child-benefit/apply/")
    application = Application.objects.get()
    html = resident_client.get(f"/es/applications/{application.public_id}/child/").content.decode()
    assert "Sobre el menor" in html
    assert "Madre o padre" in html


@pytest.mark.django_db(transaction=True)
def test_the_same_submission_posted_twice_at_once_makes_one_application(
    small_catalogue: Path,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time; the race needs PostgreSQL")
    resident = factories.resident()
    application = services.application_start(
        applicant=resident, service=PublicService.objects.get(slug="child-benefit")
    )
    for fields, answers in ((list(CHILD), CHILD), (list(PAYMENT), PAYMENT)):
        services.application_answer(
            application=application, applicant=resident, fields=fields, answers=answers
        )
    barrier = threading.Barrier(4)
    references: list[str | None] = []

    def submit() -> None:
        try:
            barrier.wait()
            sent = services.application_submit(application=application, applicant=resident)
            references.append(sent.reference)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(references) == 4
    assert len(set(references)) == 1
    assert Case.objects.count() == 1


def test_an_empty_page_says_what_to_enter_for_each_question(resident_client: Client) -> None:
    resident_client.post("/en/services/child-benefit/apply/")
    application = Application.objects.get()

    html = resident_client.post(f"/en/applications/{application.public_id}/child/", {}).content
    text = html.decode().replace("&#x27;", "'")

    assert "Enter “The child's given name”." in text
    assert "Select an answer for “You are the child's”." in text
    assert '<a href="#id_relationship_0">' in text
    date = (
        resident_client.post(
            f"/en/applications/{application.public_id}/child/",
            {**CHILD, "child_birth_date": "31/02/2026"},
        )
        .content.decode()
        .replace("&#x27;", "'")
    )
    assert "“The child's date of birth” must be a real date, like 2026-03-27." in date
