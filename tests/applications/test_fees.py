"""A service with a fee: paid by card before it is sent, never sent unpaid, never charged
twice; refunded when rejected if the service says so; its document issued on approval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests import factories
from ventanilla.applications import services
from ventanilla.applications.enums import ApplicationStatus
from ventanilla.applications.models import Application
from ventanilla.casework.models import Case, IssuedDocument
from ventanilla.casework.services import case_transition
from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.services import catalogue_load
from ventanilla.core.errors import PaymentDeclinedError, PaymentRequiredError
from ventanilla.identity.services import api_token_create
from ventanilla.payments.enums import PaymentStatus
from ventanilla.payments.models import Payment

pytestmark = pytest.mark.django_db

GOOD_CARD, DECLINED_CARD = "4242 4242 4242 4242", "4000 0000 0000 0002"
ANSWERS = {"copies": 2}
TRANSACTION = """
transaction:
  form:
    schema:
      type: object
      required: [copies]
      properties:
        copies: {type: integer, minimum: 1, maximum: 5}
    pages:
      - {slug: copies, title: {en: Copies, es: Copias}, fields: [copies]}
    ui:
      copies: {label: {en: How many copies, es: Cuántas copias}}
  fee: {rule: "5.0 * double(answers.copies)", currency: DMD, refund_on_rejection: true}
  workflow:
    initial: received
    states:
      received: {label: {en: Received, es: Recibida}, deadline_days: 2}
      approved: {label: {en: Issued, es: Expedido}, final: true, outcome: approved}
      rejected: {label: {en: Refused, es: Denegado}, final: true, outcome: rejected}
    actions:
      - {slug: issue, label: {en: Issue, es: Expedir}, from: [received], to: approved, role: caseworker}
      - {slug: refuse, label: {en: Refuse, es: Denegar}, from: [received], to: rejected, role: caseworker, needs_reason: true}
  document:
    title: {en: Birth certificate, es: Certificado de nacimiento}
"""


@pytest.fixture
def service(catalogue_dir: Path) -> PublicService:
    path = catalogue_dir / "services" / "birth-certificate.yaml"
    path.write_text(path.read_text() + TRANSACTION)
    catalogue_load(directory=catalogue_dir)
    return PublicService.objects.get(slug="birth-certificate")


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _draft(service: PublicService) -> Application:
    resident = factories.resident()
    application = services.application_start(applicant=resident, service=service)
    return services.application_answer(
        application=application, applicant=resident, fields=["copies"], answers=ANSWERS
    )


def test_the_fee_follows_the_answers(service: PublicService) -> None:
    assert str(services.application_fee(application=_draft(service))) == "10.00"


def test_an_unpaid_application_is_not_sent(service: PublicService) -> None:
    application = _draft(service)
    with pytest.raises(PaymentRequiredError) as raised:
        services.application_submit(application=application, applicant=application.applicant)
    assert raised.value.message == "Pay the fee of 10.00 DMD before you send the application."
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert not Case.objects.exists()


def test_a_declined_card_leaves_the_application_unsent(service: PublicService) -> None:
    application = _draft(service)
    with pytest.raises(PaymentDeclinedError):
        services.application_pay(
            application=application,
            applicant=application.applicant,
            card_number=DECLINED_CARD,
            attempt="1",
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert Payment.objects.get().status == PaymentStatus.DECLINED


def test_paying_then_sending_charges_once_even_when_retried(service: PublicService) -> None:
    application = _draft(service)
    for _ in range(2):  # a double click
        services.application_pay(
            application=application,
            applicant=application.applicant,
            card_number=GOOD_CARD,
            attempt="same",
        )
    sent = services.application_submit(application=application, applicant=application.applicant)
    assert sent.status == ApplicationStatus.SUBMITTED
    payment = Payment.objects.get()
    assert (payment.status, str(payment.amount)) == (PaymentStatus.CAPTURED, "10.00")


def test_paying_a_draft_already_paid_returns_its_payment_and_charges_nothing(
    service: PublicService,
) -> None:
    application = _draft(service)
    first = services.application_pay(
        application=application, applicant=application.applicant, card_number=GOOD_CARD, attempt="1"
    )

    again = services.application_pay(  # another attempt, even with a card that is declined
        application=application,
        applicant=application.applicant,
        card_number=DECLINED_CARD,
        attempt="2",
    )

    assert again == first
    assert list(Payment.objects.values_list("status", "idempotency_key")) == [
        (PaymentStatus.CAPTURED, f"application:{application.public_id}:1")
    ]


def test_paying_again_after_the_answers_changed_the_fee_is_refused(service: PublicService) -> None:
    application = _draft(service)
    services.application_pay(
        application=application, applicant=application.applicant, card_number=GOOD_CARD, attempt="1"
    )
    services.application_answer(
        application=application,
        applicant=application.applicant,
        fields=["copies"],
        answers={"copies": 3},
    )

    with pytest.raises(PaymentRequiredError) as raised:
        services.application_pay(
            application=application,
            applicant=application.applicant,
            card_number=GOOD_CARD,
            attempt="2",
        )

    assert raised.value.message == (
        "Your answers changed the fee after you paid. Contact the agency: you will not be "
        "charged twice."
    )
    assert Payment.objects.count() == 1


def test_the_pay_page_takes_the_card_and_sends(service: PublicService) -> None:
    application = _draft(service)
    client = Client()
    client.force_login(application.applicant)
    check = client.get(f"/en/applications/{application.public_id}/check/").content.decode()
    assert "10.00 DMD" in check and "Accept and pay" in check
    assert client.post(f"/en/applications/{application.public_id}/check/")["Location"] == (
        f"/en/applications/{application.public_id}/pay/"
    )

    declined = client.post(
        f"/en/applications/{application.public_id}/pay/",
        {"card_number": DECLINED_CARD, "attempt": "a"},
    )
    assert declined.status_code == 400
    assert "Your card was declined." in declined.content.decode()

    paid = client.post(
        f"/en/applications/{application.public_id}/pay/",
        {"card_number": GOOD_CARD, "attempt": "b"},
    )
    assert paid["Location"] == f"/en/applications/{application.public_id}/"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_the_api_pays_with_a_card_and_refuses_without_one(service: PublicService) -> None:
    _token, key = api_token_create(user=factories.resident(), name="t")
    client = Client()
    auth = {"Authorization": f"Bearer {key}"}
    body = {"service": "birth-certificate", "answers": ANSWERS}

    unpaid = client.post(
        "/api/v1/applications", body, content_type="application/json", headers=auth
    )
    assert unpaid.status_code == 422
    assert unpaid.json()["detail"][0]["loc"] == ["body", "payment", "card_number"]

    declined = client.post(
        "/api/v1/applications",
        {**body, "payment": {"card_number": DECLINED_CARD}},
        content_type="application/json",
        headers={**auth, "Idempotency-Key": "d"},
    )
    assert declined.status_code == 402
    assert not Application.objects.exists()

    paid = client.post(
        "/api/v1/applications",
        {**body, "payment": {"card_number": GOOD_CARD}},
        content_type="application/json",
        headers={**auth, "Idempotency-Key": "p"},
    )
    assert paid.status_code == 201
    assert Payment.objects.filter(status=PaymentStatus.CAPTURED).count() == 1


def test_approval_issues_the_document_and_rejection_refunds(
    service: PublicService, django_capture_on_commit_callbacks: Any
) -> None:
    approved, rejected = _draft(service), _draft(service)
    official = factories.user()
    cases = []
    for application in (approved, rejected):
        services.application_pay(
            application=application,
            applicant=application.applicant,
            card_number=GOOD_CARD,
            attempt="x",
        )
        sent = services.application_submit(application=application, applicant=application.applicant)
        cases.append(Case.objects.get(reference=sent.reference))

    case_transition(case=cases[0], action="issue", actor=official, roles={"caseworker"})
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(
            case=cases[1],
            action="refuse",
            actor=official,
            roles={"caseworker"},
            reason="No record.",
        )

    document = IssuedDocument.objects.get()
    assert document.case == cases[0]
    assert bytes(document.pdf).startswith(b"%PDF")
    statuses = dict(Payment.objects.values_list("reference", "status"))
    assert statuses[f"application:{rejected.public_id}"] == PaymentStatus.REFUNDED
    assert statuses[f"application:{approved.public_id}"] == PaymentStatus.CAPTURED
    client = Client()
    client.force_login(approved.applicant)
    detail = client.get(f"/en/applications/{approved.public_id}/").content.decode()
    assert f"/en/documents/{document.number}/download/" in detail
    assert "Your document was issued" in detail


def test_deleting_a_paid_draft_refunds_its_fee(
    service: PublicService, django_capture_on_commit_callbacks: Any
) -> None:
    paid, unpaid = _draft(service), _draft(service)
    services.application_pay(
        application=paid, applicant=paid.applicant, card_number=GOOD_CARD, attempt="x"
    )
    client = Client()
    client.force_login(paid.applicant)
    check = client.get(f"/en/applications/{paid.public_id}/check/").content.decode()
    assert "Delete this draft and get the fee back" in check

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/applications/{paid.public_id}/delete/")
        services.application_delete_draft(application=unpaid, applicant=unpaid.applicant)

    assert response["Location"] == "/en/my/"
    assert dict(Payment.objects.values_list("reference", "status")) == {
        f"application:{paid.public_id}": PaymentStatus.REFUNDED
    }
    assert not Application.objects.filter(pk__in=[paid.pk, unpaid.pk]).exists()
