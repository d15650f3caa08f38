"""Once-only: an application fetches what the registries know about its applicant through
the mediator, with the application as the legal basis; the applicant sees what came from
where, confirms or corrects it, and the case officer sees every correction."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from tests import factories
from ventanilla.applications import services
from ventanilla.applications.models import Application
from ventanilla.applications.selectors import application_prefill_summary
from ventanilla.casework.models import Case
from ventanilla.catalogue.models import PublicService
from ventanilla.core.errors import EligibilityError, ExchangeNoLegalBasisError
from ventanilla.exchange.enums import OWN_APPLICATION
from ventanilla.exchange.models import AccessRight, Call, DataService, Subsystem
from ventanilla.exchange.services import access_right_grant, access_right_revoke, exchange_call
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency, User
from ventanilla.identity.services import api_token_create
from ventanilla.ledger.pseudonyms import subject_reference

pytestmark = pytest.mark.django_db

CHILD = {"child_given_name": "Lola", "child_birth_date": "2026-03-27", "relationship": "parent"}
BANK = {"bank_account": "DL12 3456 7890 1234 5678"}


@pytest.fixture
def service(connected: DataService) -> PublicService:
    return PublicService.objects.get(slug="child-benefit")


def _start(service: PublicService, **person: object) -> tuple[User, Application]:
    resident = factories.resident(registry_person=factories.person(**person))
    return resident, services.application_start(applicant=resident, service=service)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _fill_and_send(application: Application, resident: User) -> Case:
    answers = {**CHILD, **BANK, **{k: application.answers[k] for k in application.answers}}
    services.application_answer(
        application=application, applicant=resident, fields=list(answers), answers=answers
    )
    sent = services.application_submit(application=application, applicant=resident)
    return Case.objects.get(reference=sent.reference)


def _officer() -> Client:
    official, _secret = factories.official(agency=Agency.objects.get(slug="treasury"))
    return _client(official)


def test_starting_fetches_the_applicants_record_through_the_mediator(
    service: PublicService,
) -> None:
    resident, application = _start(service, address="Calle Sol 3")

    call = Call.objects.select_related("client__member__agency", "service").get()
    assert (
        call.subject,
        call.purpose,
        call.application,
        call.applied_for,
        call.case_reference,
        call.outcome,
        call.client.code,
        call.client.member.agency.slug if call.client.member.agency else None,
        call.service.code,
    ) == (
        subject_reference(national_id=resident.national_id),
        OWN_APPLICATION,
        application.public_id,
        service,
        "",
        "completed",
        "applications",
        "treasury",
        "population/person",
    )
    assert call.ledger_index is not None
    assert application.answers == {"address": "Calle Sol 3"}
    assert application.prefilled == {"address": "Calle Sol 3"}
    evidence = application.evidence.get()
    assert (evidence.service_code, evidence.call, evidence.reason) == (
        "population/person",
        call,
        "",
    )
    assert evidence.data is not None
    assert evidence.data["national_id"] == resident.national_id


def test_the_resident_sees_the_look_up_for_their_application_in_their_data_tracker(
    service: PublicService,
) -> None:
    resident, application = _start(service)
    client = _client(resident)

    html = client.get("/en/my/data/").content.decode()
    lookups = json.loads(client.get("/en/my/data/lookups.json").content)["lookups"]

    assert "Your application for “Claim child benefit”" in html
    assert "own-application" in html
    assert [
        (row["purpose"], row["application"], row["applied_for"], row["outcome"], row["agency"])
        for row in lookups
    ] == [("own-application", str(application.public_id), "child-benefit", "completed", "treasury")]


def test_the_preview_shows_each_value_and_the_registry_it_came_from(
    service: PublicService,
) -> None:
    resident, application = _start(service, address="Calle Sol 3")
    client = _client(resident)

    response = client.get(f"/en/applications/{application.public_id}/details/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Check the details we already have" in html
    assert "<dt>Your address</dt>" in html
    assert "Calle Sol 3" in html
    assert "From Test Registry (Population registry)" in html
    assert f'href="/en/applications/{application.public_id}/details/change/#id_address"' in html
    assert 'href="/en/my/data/"' in html
    assert "Confirm and continue" in html
    assert "We could not get" not in html


def test_confirming_keeps_the_values_and_goes_on_to_the_first_question(
    service: PublicService,
) -> None:
    resident, application = _start(service, address="Calle Sol 3")

    response = _client(resident).post(f"/en/applications/{application.public_id}/details/")

    assert response["Location"] == f"/en/applications/{application.public_id}/child/"
    application.refresh_from_db()
    assert application.prefill_confirmed_at is not None
    assert application.answers == {"address": "Calle Sol 3"}
    assert application_prefill_summary(application=application).corrections == []


def test_a_correction_is_kept_and_the_case_officer_sees_it_flagged(
    service: PublicService,
) -> None:
    resident, application = _start(service, address="Calle Sol 3")
    client = _client(resident)
    url = f"/en/applications/{application.public_id}/details/change/"
    form = client.get(url).content.decode()
    assert 'value="Calle Sol 3"' in form
    assert "Test Registry has: Calle Sol 3" in form

    response = client.post(url, {"address": "Calle Luna 9"})

    assert response["Location"] == f"/en/applications/{application.public_id}/child/"
    application.refresh_from_db()
    assert application.answers == {"address": "Calle Luna 9"}
    assert application.prefilled == {"address": "Calle Sol 3"}
    assert application.prefill_confirmed_at is not None
    preview = client.get(f"/en/applications/{application.public_id}/details/").content.decode()
    assert "You changed it from “Calle Sol 3”" in preview

    case = _fill_and_send(application, resident)
    page = _officer().get(f"/en/backoffice/treasury/cases/{case.reference}/").content.decode()
    assert "Changed by the applicant" in page
    assert (
        "The applicant changed this from the registry value “Calle Sol 3” (Test Registry)." in page
    )
    _token, key = api_token_create(user=resident, name="tests")
    body = (
        Client()
        .get(f"/api/v1/applications/{case.reference}", headers={"Authorization": f"Bearer {key}"})
        .json()
    )
    assert body["prefilled"] == [
        {
            "field": "address",
            "data_service": "population/person",
            "registry": "Test Registry",
            "fetched": "Calle Sol 3",
            "answer": "Calle Luna 9",
            "corrected": True,
        }
    ]
    assert body["evidence"] == [
        {
            "data_service": "population/person",
            "registry": "Test Registry",
            "received": True,
            "reason": None,
            "ledger_index": Call.objects.get().ledger_index,
        }
    ]


def test_a_correction_that_breaks_the_form_shows_the_error_summary_and_changes_nothing(
    service: PublicService,
) -> None:
    resident, application = _start(service, address="Calle Sol 3")

    response = _client(resident).post(
        f"/en/applications/{application.public_id}/details/change/", {"address": "x" * 201}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert '<a href="#id_address">' in html
    application.refresh_from_db()
    assert application.answers == {"address": "Calle Sol 3"}
    assert application.prefill_confirmed_at is None


def test_without_an_access_right_the_application_starts_empty_and_says_why(
    service: PublicService,
) -> None:
    right = AccessRight.objects.get(client__code="applications")
    access_right_revoke(right=right)

    resident, application = _start(service, address="Calle Sol 3")

    assert (application.answers, application.prefilled) == ({}, {})
    call = Call.objects.get()
    assert (call.outcome, call.reason, call.application) == (
        "refused",
        "not_allowed",
        application.public_id,
    )
    evidence = application.evidence.get()
    assert (evidence.call, evidence.data, evidence.reason) == (call, None, "not_allowed")
    client = _client(resident)
    html = client.get(f"/en/applications/{application.public_id}/details/").content.decode()
    assert "We could not get some of your details" in html
    assert "The system that asked has no access to this data." in html
    assert "Type these yourself in the form:" in html and "<li>Your address</li>" in html
    assert ">Continue</button>" in html

    access_right_grant(service=right.service, client=right.client)
    client.post(f"/en/applications/{application.public_id}/details/", {"retry": "1"})

    application.refresh_from_db()
    assert application.answers == {"address": "Calle Sol 3"}
    assert Call.objects.filter(outcome="completed").count() == 1


def test_an_agency_without_an_applications_system_gets_nothing_and_asks_nobody(
    service: PublicService,
) -> None:
    AccessRight.objects.filter(client__code="applications").delete()
    Subsystem.objects.filter(code="applications").delete()

    _resident, application = _start(service)

    assert application.answers == {}
    assert application.evidence.get().reason == "not_connected"
    assert not Call.objects.exists()


def test_a_data_service_that_does_not_serve_applications_gives_no_legal_basis(
    service: PublicService, connected: DataService
) -> None:
    DataService.objects.filter(pk=connected.pk).update(purposes=["benefit-assessment"])

    _resident, application = _start(service)

    assert application.answers == {}
    assert Call.objects.get().reason == "no_legal_basis"


def test_an_application_is_a_legal_basis_only_for_its_applicant_at_its_agency(
    service: PublicService, connected: DataService
) -> None:
    resident, application = _start(service)
    treasury = Subsystem.objects.get(code="applications", member__agency__slug="treasury")
    registry = Subsystem.objects.create(
        member=connected.provider.member, code="applications", name={"en": "Applications"}
    )
    access_right_grant(service=connected, client=registry)

    for client, national_id in (
        (treasury, factories.resident().national_id),  # someone else
        (registry, resident.national_id),  # another agency
    ):
        with pytest.raises(ExchangeNoLegalBasisError):
            exchange_call(
                client=client,
                service_code="population/person",
                national_id=national_id,
                purpose=OWN_APPLICATION,
                application=str(application.public_id),
            )

    refused = Call.objects.filter(outcome="refused")
    assert list(refused.values_list("reason", "application")) == [("no_legal_basis", None)] * 2


def test_a_decided_application_is_no_longer_a_legal_basis(service: PublicService) -> None:
    resident, application = _start(service)
    case = _fill_and_send(application, resident)
    client = Subsystem.objects.get(code="applications")

    def fetch() -> object:
        return exchange_call(
            client=client,
            service_code="population/person",
            national_id=resident.national_id,
            purpose=OWN_APPLICATION,
            application=str(application.public_id),
        )

    assert fetch() is not None  # sent, its case open: still a basis
    Case.objects.filter(pk=case.pk).update(state="approved", outcome="approved")
    Case.objects.filter(pk=case.pk).update(closed_at=case.created_at)
    with pytest.raises(ExchangeNoLegalBasisError):
        fetch()


def test_eligibility_is_checked_on_the_record_the_mediator_fetched(
    service: PublicService,
) -> None:
    resident, application = _start(service, birth_date=dt.date(2015, 1, 1))

    with pytest.raises(EligibilityError, match="You must be 16 or older"):
        _fill_and_send(application, resident)


def test_without_the_record_the_age_rule_is_left_to_the_officer_who_is_told(
    service: PublicService,
) -> None:
    access_right_revoke(right=AccessRight.objects.get(client__code="applications"))
    resident, application = _start(service, birth_date=dt.date(2015, 1, 1))

    case = _fill_and_send(application, resident)

    page = _officer().get(f"/en/backoffice/treasury/cases/{case.reference}/").content.decode()
    assert "“A person&#x27;s name, birth and address” from Test Registry" in page
    assert "The system that asked has no access to this data." in page
    assert "The eligibility rules that use the population registry's record were not" in page


def test_an_application_made_through_the_api_fetches_through_the_mediator_too(
    service: PublicService,
) -> None:
    resident = factories.resident(registry_person=factories.person(address="Calle Sol 3"))
    _token, key = api_token_create(user=resident, name="tests")

    response = Client().post(
        "/api/v1/applications",
        {"service": "child-benefit", "answers": {**CHILD, **BANK}},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )

    body = response.json()
    assert response.status_code == 201
    assert body["answers"]["address"] == "Calle Sol 3"
    assert [(row["field"], row["corrected"]) for row in body["prefilled"]] == [("address", False)]
    call = Call.objects.get()
    assert (str(call.application), call.outcome) == (body["id"], "completed")


def test_an_api_application_that_is_refused_leaves_no_draft_but_its_look_up_is_logged(
    service: PublicService,
) -> None:
    resident = factories.resident(registry_person=factories.person())
    _token, key = api_token_create(user=resident, name="tests")

    response = Client().post(
        "/api/v1/applications",
        {"service": "child-benefit", "answers": {**CHILD}},  # no bank account
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )

    assert response.status_code == 422
    assert not Application.objects.exists()
    assert Call.objects.get().outcome == "completed"


def test_officials_are_not_offered_the_applications_systems_right(
    service: PublicService,
) -> None:
    """The applications system's right serves applications only: officials request
    evidence through their agency's own systems."""
    resident, application = _start(service)
    case = _fill_and_send(application, resident)
    official, _secret = factories.official(
        agency=Agency.objects.get(slug="treasury"), role=Role.CASEWORKER
    )

    page = _client(official).get(f"/en/backoffice/treasury/cases/{case.reference}/")

    assert "Your agency's systems have no access to a registry" in page.content.decode()
