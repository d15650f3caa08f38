"""Several services of a life event applied for together: shared answers asked once, all
sent at once (or none), one timeline across the agencies; fees paid one payment per
application with one card, and nothing sent until every fee is paid."""

from __future__ import annotations

import secrets
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.test import Client

from tests import factories
from tests.applications.test_fees import DECLINED_CARD, GOOD_CARD, TRANSACTION
from ventanilla.applications import bundles, services
from ventanilla.applications.enums import ApplicationStatus
from ventanilla.applications.models import Application, Bundle
from ventanilla.casework.models import Case
from ventanilla.catalogue.models import Event
from ventanilla.catalogue.services import catalogue_load
from ventanilla.core.errors import (
    ApplicationStateError,
    NotFoundError,
    PaymentDeclinedError,
    PaymentRequiredError,
)
from ventanilla.identity.models import User
from ventanilla.payments.enums import ChargeOutcome, DeclineReason, PaymentStatus
from ventanilla.payments.models import Payment
from ventanilla.payments.providers import ChargeResult, SandboxProvider
from ventanilla.payments.selectors import payment_reconcile

pytestmark = pytest.mark.django_db

HEALTH_CARD = """slug: health-card
version: 1
name: {en: Get a child's health card, es: Obtener la tarjeta sanitaria de un menor}
description: {en: A health card for a child., es: Una tarjeta sanitaria para un menor.}
eligibility: {en: Parents., es: Padres.}
output: {en: A card., es: Una tarjeta.}
competent_agency: registry
channels: [web]
cost: {amount: "0", currency: DMD}
processing_days: 3
legal_basis:
  - title: {en: Health Act, es: Ley de Sanidad}
transaction:
  form:
    schema:
      type: object
      required: [child_given_name, child_birth_date, address]
      properties:
        child_given_name: {type: string, minLength: 1, maxLength: 100}
        child_birth_date: {type: string, format: date}
        address: {type: string, minLength: 1, maxLength: 200}
        doctor: {type: string, maxLength: 100}
    pages:
      - slug: child
        title: {en: The child, es: El menor}
        fields: [child_given_name, child_birth_date]
      - slug: doctor
        title: {en: Family doctor, es: Médico de familia}
        fields: [doctor, address]
    ui:
      child_given_name: {label: {en: The child's given name, es: Nombre del menor}}
      child_birth_date: {label: {en: The child's date of birth, es: Fecha de nacimiento del menor}}
      address: {label: {en: Your address, es: Su dirección}, prefill: person.address}
      doctor: {label: {en: Family doctor (optional), es: Médico de familia (opcional)}}
  workflow:
    initial: received
    states:
      received: {label: {en: Received, es: Recibida}, deadline_days: 3}
      approved: {label: {en: Issued, es: Expedida}, final: true, outcome: approved}
    actions:
      - {slug: issue, label: {en: Issue, es: Expedir}, from: [received], to: approved, role: caseworker}
"""
CHILD = {"child_given_name": "Lola", "child_birth_date": "2026-03-27", "relationship": "parent"}


@pytest.fixture
def event(catalogue_dir: Path) -> Event:
    (catalogue_dir / "services" / "health-card.yaml").write_text(HEALTH_CARD)
    events = catalogue_dir / "events.yaml"
    events.write_text(
        events.read_text().replace(
            "[birth-certificate, child-benefit]", "[birth-certificate, child-benefit, health-card]"
        )
    )
    catalogue_load(directory=catalogue_dir)
    return Event.objects.get(slug="having-a-baby")


def test_only_services_applied_for_online_go_together(event: Event) -> None:
    assert [s.slug for s in bundles.bundle_services(event=event)] == [
        "child-benefit",
        "health-card",
    ]  # the test catalogue's birth certificate is not applied for online


def test_a_shared_question_is_asked_once_and_answered_everywhere(event: Event) -> None:
    resident = factories.resident()
    bundle = bundles.bundle_start(
        applicant=resident, event=event, slugs=["child-benefit", "health-card"]
    )
    steps = bundles.bundle_steps(bundle=bundle)
    assert [(s.application.service.slug, s.page.slug) for s in steps] == [
        ("child-benefit", "child"),
        ("child-benefit", "payment"),
        ("health-card", "doctor"),  # its "child" page was asked already
    ]

    bundles.bundle_answer(bundle=bundle, applicant=resident, step=steps[0], answers=CHILD)

    health = Application.objects.get(bundle=bundle, service__slug="health-card")
    assert health.answers["child_given_name"] == "Lola"
    assert "relationship" not in health.answers  # not one of its questions


def test_sending_sends_all_or_none_and_opens_a_case_per_agency(event: Event) -> None:
    resident = factories.resident()
    bundle = bundles.bundle_start(
        applicant=resident, event=event, slugs=["child-benefit", "health-card"]
    )
    steps = bundles.bundle_steps(bundle=bundle)
    bundles.bundle_answer(bundle=bundle, applicant=resident, step=steps[0], answers=CHILD)

    with pytest.raises(ApplicationStateError) as raised:  # the bank account is missing
        bundles.bundle_submit(bundle=bundle, applicant=resident)
    assert raised.value.message.startswith("Claim child benefit: ")
    assert not Case.objects.exists()
    assert set(Application.objects.values_list("status", flat=True)) == {ApplicationStatus.DRAFT}

    bundles.bundle_answer(
        bundle=bundle,
        applicant=resident,
        step=steps[1],
        answers={"bank_account": "DL12 3456 7890 1234 5678", "address": "Calle Mayor 1"},
    )
    bundles.bundle_submit(bundle=bundle, applicant=resident)
    bundles.bundle_submit(bundle=bundle, applicant=resident)  # again: nothing more

    assert sorted(Case.objects.values_list("agency__slug", flat=True)) == ["registry", "treasury"]
    timeline = bundles.bundle_timeline(bundle=Bundle.objects.get())
    assert {entry.agency for entry in timeline} == {"Test Registry", "Test Treasury"}


def test_one_service_is_not_a_bundle(event: Event) -> None:
    with pytest.raises(ApplicationStateError, match="at least two"):
        bundles.bundle_start(applicant=factories.resident(), event=event, slugs=["health-card"])


def test_the_pages_walk_through_the_bundle(event: Event) -> None:
    factories.exchange_connect()
    resident = factories.resident(registry_person=factories.person(address="Calle Sol 3"))
    client = Client()
    client.force_login(resident)
    assert "Apply together" in client.get("/en/events/having-a-baby/").content.decode()

    response = client.post(
        "/en/events/having-a-baby/apply/", {"services": ["child-benefit", "health-card"]}
    )
    bundle = Bundle.objects.get()
    assert response["Location"] == f"/en/bundles/{bundle.public_id}/details/"
    details = client.get(response["Location"]).content.decode()
    assert details.count("Calle Sol 3") == 1  # both drafts ask it: shown once
    assert "Test Treasury and Test Registry asked the registries" in details
    response = client.post(response["Location"])
    assert response["Location"] == f"/en/bundles/{bundle.public_id}/1/"
    assert [a.answers for a in Application.objects.order_by("pk")] == [
        {"address": "Calle Sol 3"},
        {"address": "Calle Sol 3"},
    ]
    assert all(a.prefill_confirmed_at for a in Application.objects.all())
    client.post(f"/en/bundles/{bundle.public_id}/1/", CHILD)
    client.post(
        f"/en/bundles/{bundle.public_id}/2/",
        {"bank_account": "DL12 3456 7890 1234 5678", "address": "Calle Mayor 1"},
    )
    response = client.post(f"/en/bundles/{bundle.public_id}/3/", {"address": "Calle Mayor 1"})
    assert response["Location"] == f"/en/bundles/{bundle.public_id}/check/"
    check = client.get(response["Location"]).content.decode()
    assert "Claim child benefit" in check and "Get a child&#x27;s health card" in check
    assert "Fees" not in check and "Accept and send all" in check
    pay = client.get(f"/en/bundles/{bundle.public_id}/pay/")  # nothing to pay
    assert pay["Location"] == f"/en/bundles/{bundle.public_id}/check/"
    response = client.post(f"/en/bundles/{bundle.public_id}/check/")
    assert response["Location"] == f"/en/bundles/{bundle.public_id}/"
    page = client.get(response["Location"]).content.decode()
    assert "Received by Test Treasury" in page and "Received by Test Registry" in page

    stranger = Client()
    stranger.force_login(factories.resident())
    assert stranger.get(f"/en/bundles/{bundle.public_id}/").status_code == 404


# Fees. The birth certificate costs 5.00 DMD a copy (Test Registry), child benefit is free
# (Test Treasury) and the passport costs 25.00 DMD (Test Interior).
LOW_FUNDS_CARD = "4000 0000 0000 0077"  # 15.00 DMD on it: see LowFundsProvider
PASSPORT = """slug: passport
version: 1
name: {en: Apply for a passport, es: Solicitar el pasaporte}
description: {en: A passport., es: Un pasaporte.}
eligibility: {en: Citizens., es: Ciudadanos.}
output: {en: A passport., es: Un pasaporte.}
competent_agency: interior
channels: [web]
cost: {amount: "25.00", currency: DMD}
processing_days: 10
legal_basis:
  - title: {en: Passports Act, es: Ley de Pasaportes}
transaction:
  form:
    schema:
      type: object
      required: [height_cm]
      properties:
        height_cm: {type: integer, minimum: 40, maximum: 250}
    pages:
      - {slug: height, title: {en: Your height, es: Su estatura}, fields: [height_cm]}
    ui:
      height_cm: {label: {en: Your height in centimetres, es: Su estatura en centímetros}}
  fee: {amount: "25.00", currency: DMD, refund_on_rejection: false}
  workflow:
    initial: received
    states:
      received: {label: {en: Received, es: Recibida}, deadline_days: 10}
      approved: {label: {en: Issued, es: Expedido}, final: true, outcome: approved}
    actions:
      - {slug: issue, label: {en: Issue, es: Expedir}, from: [received], to: approved, role: caseworker}
"""
INTERIOR = """  - slug: interior
    name: {en: Test Interior, es: Interior de Prueba}
    description: {en: Issues passports., es: Expide pasaportes.}
"""
EVERY_ANSWER = {
    **CHILD,
    "copies": 2,
    "bank_account": "DL12 3456 7890 1234 5678",
    "address": "Calle Mayor 1",
    "height_cm": 170,
}
PAID_SERVICES = ["birth-certificate", "passport"]


class LowFundsProvider(SandboxProvider):
    """The sandbox, plus a card with 15.00 on it: its charges go through while the money
    lasts and are then declined for insufficient funds, as a real card can be part-way
    through several payments."""

    balance: ClassVar[Decimal] = Decimal("15.00")

    def charge(
        self, *, amount: Decimal, currency: str, card_number: str, idempotency_key: str
    ) -> ChargeResult:
        if card_number != LOW_FUNDS_CARD.replace(" ", ""):
            return super().charge(
                amount=amount,
                currency=currency,
                card_number=card_number,
                idempotency_key=idempotency_key,
            )
        with self._lock:
            if idempotency_key not in self._charges:
                enough = amount <= LowFundsProvider.balance
                if enough:
                    LowFundsProvider.balance -= amount
                self._charges[idempotency_key] = ChargeResult(
                    provider_reference=f"sbx_ch_{secrets.token_hex(12)}",
                    outcome=ChargeOutcome.SUCCEEDED if enough else ChargeOutcome.DECLINED,
                    decline_reason=None if enough else DeclineReason.INSUFFICIENT_FUNDS,
                )
            return self._charges[idempotency_key]


@pytest.fixture
def fee_event(catalogue_dir: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Event:
    settings.VENTANILLA_PAYMENT_PROVIDER = f"{__name__}.LowFundsProvider"
    monkeypatch.setattr(LowFundsProvider, "balance", Decimal("15.00"))
    certificate = catalogue_dir / "services" / "birth-certificate.yaml"
    certificate.write_text(certificate.read_text() + TRANSACTION)  # 5.00 DMD a copy
    (catalogue_dir / "services" / "passport.yaml").write_text(PASSPORT)
    agencies = catalogue_dir / "agencies.yaml"
    agencies.write_text(agencies.read_text() + INTERIOR)
    events = catalogue_dir / "events.yaml"
    events.write_text(
        events.read_text().replace(
            "[birth-certificate, child-benefit]", "[birth-certificate, child-benefit, passport]"
        )
    )
    catalogue_load(directory=catalogue_dir)
    return Event.objects.get(slug="having-a-baby")


def _answered_bundle(event: Event, resident: User | None = None) -> Bundle:
    resident = resident or factories.resident()
    bundle = bundles.bundle_start(
        applicant=resident, event=event, slugs=["birth-certificate", "child-benefit", "passport"]
    )
    for step in bundles.bundle_steps(bundle=bundle):
        bundles.bundle_answer(bundle=bundle, applicant=resident, step=step, answers=EVERY_ANSWER)
    return bundle


def _pay(bundle: Bundle, card: str, attempt: str) -> Bundle:
    return bundles.bundle_pay(
        bundle=bundle, applicant=bundle.applicant, card_number=card, attempt=attempt
    )


def _nothing_sent(bundle: Bundle) -> None:
    bundle.refresh_from_db()
    assert bundle.submitted_at is None
    assert (
        list(bundle.applications.values_list("status", "reference"))
        == [(ApplicationStatus.DRAFT, None)] * bundle.applications.count()
    )
    assert not Case.objects.exists()


def _captured(service: str) -> list[Payment]:
    application = Application.objects.get(service__slug=service)
    return list(
        Payment.objects.filter(
            reference=services.payment_reference(application), status=PaymentStatus.CAPTURED
        )
    )


def test_services_with_a_fee_go_together_with_free_ones(fee_event: Event) -> None:
    assert [s.slug for s in bundles.bundle_services(event=fee_event)] == [
        "birth-certificate",
        "child-benefit",
        "passport",
    ]


def test_the_fees_are_listed_service_by_service_with_their_total(fee_event: Event) -> None:
    fees = bundles.bundle_fees(bundle=_answered_bundle(fee_event))

    assert [(f.application.service.slug, f.amount, f.due) for f in fees.rows] == [
        ("birth-certificate", Decimal("10.00"), True),
        ("child-benefit", Decimal(0), False),
        ("passport", Decimal("25.00"), True),
    ]
    assert (fees.total_text, fees.paid_text, fees.due_text) == ("35.00 DMD", "", "35.00 DMD")


def test_a_bundle_with_fees_is_paid_and_sent_one_case_per_service_at_its_agency(
    fee_event: Event,
) -> None:
    bundle = _pay(_answered_bundle(fee_event), GOOD_CARD, "a")

    assert bundle.submitted_at is not None
    sent = {a.service.slug: a for a in bundle.applications.select_related("service")}
    assert {a.status for a in sent.values()} == {ApplicationStatus.SUBMITTED}
    cases = {c.reference: c for c in Case.objects.select_related("agency")}
    assert len(cases) == 3
    assert sorted((a.service.slug, cases[a.reference].agency.slug) for a in sent.values()) == [
        ("birth-certificate", "registry"),
        ("child-benefit", "treasury"),
        ("passport", "interior"),
    ]
    references = [services.payment_reference(sent[slug]) for slug in PAID_SERVICES]
    report = payment_reconcile(references=references)
    assert (report.without_capture, report.captured_more_than_once) == ([], [])
    assert sorted(Payment.objects.values_list("reference", "amount", "status")) == sorted(
        [
            (references[0], Decimal("10.00"), PaymentStatus.CAPTURED),
            (references[1], Decimal("25.00"), PaymentStatus.CAPTURED),
        ]
    )
    assert cases[sent["passport"].reference].payment_reference == references[1]


def test_a_declined_card_sends_nothing_and_takes_nothing(fee_event: Event) -> None:
    bundle = _answered_bundle(fee_event)

    with pytest.raises(PaymentDeclinedError) as raised:
        _pay(bundle, DECLINED_CARD, "a")

    assert raised.value.message == "Your card was declined. Try another card or contact your bank."
    _nothing_sent(bundle)
    assert list(Payment.objects.values_list("status", flat=True)) == [PaymentStatus.DECLINED]
    assert bundles.bundle_fees(bundle=bundle).due_text == "35.00 DMD"


def test_a_card_declined_part_way_sends_nothing_and_keeps_the_fee_it_paid(
    fee_event: Event,
) -> None:
    bundle = _answered_bundle(fee_event)

    with pytest.raises(PaymentDeclinedError, match="not enough money"):
        _pay(bundle, LOW_FUNDS_CARD, "a")  # 10.00 goes through, then 25.00 does not

    _nothing_sent(bundle)
    assert [p.amount for p in _captured("birth-certificate")] == [Decimal("10.00")]
    assert _captured("passport") == []
    fees = bundles.bundle_fees(bundle=bundle)
    assert (fees.paid_text, fees.due_text) == ("10.00 DMD", "25.00 DMD")
    assert [f.application.service.slug for f in fees.rows if f.due] == ["passport"]


def test_a_retry_after_a_decline_charges_only_what_is_still_due(fee_event: Event) -> None:
    bundle = _answered_bundle(fee_event)
    with pytest.raises(PaymentDeclinedError):
        _pay(bundle, LOW_FUNDS_CARD, "a")
    (first,) = _captured("birth-certificate")

    _pay(bundle, GOOD_CARD, "b")

    bundle.refresh_from_db()
    assert bundle.submitted_at is not None
    assert _captured("birth-certificate") == [first]  # not charged again
    assert Payment.objects.filter(reference=first.reference).count() == 1
    (passport,) = _captured("passport")
    assert (passport.amount, passport.card_last4) == (Decimal("25.00"), "4242")
    assert Case.objects.count() == 3


def test_sending_with_a_fee_unpaid_is_refused_and_changes_nothing(fee_event: Event) -> None:
    bundle = _answered_bundle(fee_event)
    with pytest.raises(PaymentRequiredError) as raised:
        bundles.bundle_submit(bundle=bundle, applicant=bundle.applicant)
    assert raised.value.message == (
        "Get a birth certificate: pay its fee of 10.00 DMD before you send your applications."
    )

    certificate = Application.objects.get(service__slug="birth-certificate")
    services.application_pay(
        application=certificate, applicant=bundle.applicant, card_number=GOOD_CARD, attempt="a"
    )
    with pytest.raises(PaymentRequiredError) as raised:
        bundles.bundle_submit(bundle=bundle, applicant=bundle.applicant)

    assert raised.value.message == (
        "Apply for a passport: pay its fee of 25.00 DMD before you send your applications."
    )
    _nothing_sent(bundle)
    assert len(_captured("birth-certificate")) == 1


def test_wrong_answers_are_refused_before_any_fee_is_taken(fee_event: Event) -> None:
    resident = factories.resident()
    bundle = bundles.bundle_start(
        applicant=resident, event=fee_event, slugs=["birth-certificate", "passport"]
    )
    steps = bundles.bundle_steps(bundle=bundle)
    bundles.bundle_answer(bundle=bundle, applicant=resident, step=steps[0], answers=EVERY_ANSWER)

    with pytest.raises(ApplicationStateError) as raised:  # the passport's page is unanswered
        _pay(bundle, GOOD_CARD, "a")

    assert raised.value.message == (
        "Apply for a passport: Some answers are missing or wrong. Check them before you send."
    )
    assert not Payment.objects.exists()
    _nothing_sent(bundle)


def test_an_abandoned_bundle_stays_unsubmitted(fee_event: Event) -> None:
    bundle = _answered_bundle(fee_event)
    client = Client()
    client.force_login(bundle.applicant)

    response = client.post(f"/en/bundles/{bundle.public_id}/check/")
    assert response["Location"] == f"/en/bundles/{bundle.public_id}/pay/"
    assert client.get(response["Location"]).status_code == 200  # and the resident leaves

    _nothing_sent(bundle)
    assert not Payment.objects.exists()


def test_another_resident_cannot_see_or_pay_the_bundle(fee_event: Event) -> None:
    bundle = _answered_bundle(fee_event)
    stranger = Client()
    stranger.force_login(factories.resident())

    url = f"/en/bundles/{bundle.public_id}/pay/"
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"card_number": GOOD_CARD, "attempt": "a"}).status_code == 404
    with pytest.raises(NotFoundError):
        bundles.bundle_pay(
            bundle=bundle, applicant=factories.resident(), card_number=GOOD_CARD, attempt="a"
        )
    _nothing_sent(bundle)
    assert not Payment.objects.exists()


def test_a_draft_of_a_bundle_is_checked_and_paid_with_its_bundle(fee_event: Event) -> None:
    bundle = _answered_bundle(fee_event)
    certificate = Application.objects.get(service__slug="birth-certificate")
    client = Client()
    client.force_login(bundle.applicant)

    for page in ("check", "pay"):
        response = client.post(
            f"/en/applications/{certificate.public_id}/{page}/",
            {"card_number": GOOD_CARD, "attempt": "a"},
        )
        assert response["Location"] == f"/en/bundles/{bundle.public_id}/check/"
    _nothing_sent(bundle)
    assert not Payment.objects.exists()


def test_the_pages_take_the_fees_say_what_is_paid_and_send_the_bundle(fee_event: Event) -> None:
    bundle = _answered_bundle(fee_event)
    client = Client()
    client.force_login(bundle.applicant)
    base = f"/en/bundles/{bundle.public_id}"

    check = client.get(f"{base}/check/").content.decode()
    assert "10.00 DMD" in check and "25.00 DMD" in check and "35.00 DMD" in check
    assert "Accept and pay" in check
    assert client.post(f"{base}/check/")["Location"] == f"{base}/pay/"
    assert "Pay 35.00 DMD and send all" in client.get(f"{base}/pay/").content.decode()

    declined = client.post(f"{base}/pay/", {"card_number": LOW_FUNDS_CARD, "attempt": "a"})

    assert declined.status_code == 400
    page = declined.content.decode()
    assert '<li><a href="#card_number">Your card was declined because there is not enough' in page
    assert 'aria-invalid="true"' in page
    (receipt,) = _captured("birth-certificate")
    assert f"paid (receipt {receipt.receipt_number})" in page
    assert (
        "Nothing has been sent yet. You have paid 10.00 DMD: it stays with your applications "
        "and you will not be charged it again. Pay the 25.00 DMD still due to send them."
    ) in page
    assert "Pay 25.00 DMD and send all" in page

    paid = client.post(f"{base}/pay/", {"card_number": GOOD_CARD, "attempt": "b"})

    assert paid["Location"] == f"{base}/"
    sent = client.get(paid["Location"]).content.decode()
    for agency in ("Test Registry", "Test Treasury", "Test Interior"):
        assert f"Received by {agency}" in sent
    assert client.get(f"{base}/pay/")["Location"] == f"{base}/"


def test_a_correction_in_a_bundle_goes_to_every_draft_that_was_given_the_value(
    event: Event,
) -> None:
    factories.exchange_connect()
    resident = factories.resident(registry_person=factories.person(address="Calle Sol 3"))
    client = Client()
    client.force_login(resident)
    client.post("/en/events/having-a-baby/apply/", {"services": ["child-benefit", "health-card"]})
    bundle = Bundle.objects.get()
    url = f"/en/bundles/{bundle.public_id}/details/change/"
    assert "Test Registry has: Calle Sol 3" in client.get(url).content.decode()

    response = client.post(url, {"address": "Calle Luna 9"})

    assert response["Location"] == f"/en/bundles/{bundle.public_id}/1/"
    drafts = Application.objects.order_by("pk")
    assert [(a.answers, a.prefilled) for a in drafts] == [
        ({"address": "Calle Luna 9"}, {"address": "Calle Sol 3"})
    ] * 2
    assert all(a.prefill_confirmed_at for a in drafts)
