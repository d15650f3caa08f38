"""Several services of a life event applied for together: shared answers asked once, all
sent at once (or none), one timeline across the agencies."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from tests import factories
from ventanilla.applications import bundles
from ventanilla.applications.enums import ApplicationStatus
from ventanilla.applications.models import Application, Bundle
from ventanilla.casework.models import Case
from ventanilla.catalogue.models import Event
from ventanilla.catalogue.services import catalogue_load
from ventanilla.core.errors import ApplicationStateError

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


def test_only_free_online_services_go_together(event: Event) -> None:
    assert [s.slug for s in bundles.bundle_services(event=event)] == [
        "child-benefit",
        "health-card",
    ]


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
    resident = factories.resident()
    client = Client()
    client.force_login(resident)
    assert "Apply together" in client.get("/en/events/having-a-baby/").content.decode()

    response = client.post(
        "/en/events/having-a-baby/apply/", {"services": ["child-benefit", "health-card"]}
    )
    bundle = Bundle.objects.get()
    assert response["Location"] == f"/en/bundles/{bundle.public_id}/1/"
    client.post(f"/en/bundles/{bundle.public_id}/1/", CHILD)
    client.post(
        f"/en/bundles/{bundle.public_id}/2/",
        {"bank_account": "DL12 3456 7890 1234 5678", "address": "Calle Mayor 1"},
    )
    response = client.post(f"/en/bundles/{bundle.public_id}/3/", {"address": "Calle Mayor 1"})
    assert response["Location"] == f"/en/bundles/{bundle.public_id}/check/"
    check = client.get(response["Location"]).content.decode()
    assert "Claim child benefit" in check and "Get a child&#x27;s health card" in check
    response = client.post(f"/en/bundles/{bundle.public_id}/check/")
    assert response["Location"] == f"/en/bundles/{bundle.public_id}/"
    page = client.get(response["Location"]).content.decode()
    assert "Received by Test Treasury" in page and "Received by Test Registry" in page

    stranger = Client()
    stranger.force_login(factories.resident())
    assert stranger.get(f"/en/bundles/{bundle.public_id}/").status_code == 404
