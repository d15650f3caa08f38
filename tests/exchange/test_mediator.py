"""The information mediator: every call checked (access right, legal basis or consent),
the answer checked against its schema, and every call logged, refused ones too."""

from __future__ import annotations

import csv
import io
import json
import time
from typing import Any

import pytest
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone

from tests import factories
from ventanilla.casework.models import Case
from ventanilla.core.errors import (
    ExchangeInvalidResponseError,
    ExchangeNoLegalBasisError,
    ExchangeNotAllowedError,
    ExchangeProviderFailedError,
    ExchangeProviderTimeoutError,
    ExchangeSubjectUnknownError,
)
from ventanilla.exchange import providers
from ventanilla.exchange.models import Call, Consent, DataService, SeenRequest
from ventanilla.exchange.services import (
    access_right_grant,
    access_right_revoke,
    consent_grant,
    consent_revoke,
    exchange_call,
)
from ventanilla.identity.models import Agency
from ventanilla.ledger import merkle
from ventanilla.ledger.models import Entry
from ventanilla.ledger.pseudonyms import subject_reference
from ventanilla.ledger.services import ledger_checkpoint
from ventanilla.ledger.verify import ledger_verify
from ventanilla.registries.models import Person
from ventanilla.registries.schemas import SCHEMAS
from ventanilla.registries.services import person_birth_register

pytestmark = pytest.mark.django_db


def _call(mediator: dict[str, Any], national_id: str, **kwargs: Any) -> Any:
    return exchange_call(
        client=mediator["client"],
        service_code="population/person",
        national_id=national_id,
        **{"purpose": "benefit-assessment", **kwargs},
    )


def _ledger(call: Call) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(Entry.objects.get(pk=call.ledger_index).data)
    return record


def test_an_agency_with_an_open_case_about_the_person_gets_their_data(
    mediator: dict[str, Any],
    case: Case,
) -> None:
    national_id = case.applicant.national_id
    result = _call(mediator, national_id, case_reference=case.reference)
    assert result.data["national_id"] == national_id
    person = Person.objects.get(national_id=national_id)
    assert result.data["full_name"] == f"{person.given_name} {person.family_name}"
    assert result.data["birth_date"] == person.birth_date.isoformat()
    assert result.call.outcome == "completed"
    record = _ledger(result.call)
    assert record["type"] == "exchange.call.completed"
    assert record["subject"] == subject_reference(national_id=national_id)
    assert record["case"] == case.reference
    assert record["body"] == {
        "client": "TEST/GOV/treasury/benefits",
        "service": "TEST/GOV/registry/population/population/person",
        "purpose": "benefit-assessment",
        "outcome": "completed",
    }
    assert national_id not in Entry.objects.get(pk=result.call.ledger_index).data


@pytest.mark.django_db(transaction=True)
def test_the_call_log_commits_on_its_own_whole_or_not_at_all(
    mediator: dict[str, Any],
    case: Case,
) -> None:
    # Outside any transaction (as in a request), PostgreSQL writes the request id, the
    # ledger entry and the call in one statement; SQLite in one transaction.
    national_id = case.applicant.national_id
    done = _call(mediator, national_id, case_reference=case.reference, x_road_id="a" * 32)
    with pytest.raises(ExchangeNoLegalBasisError):
        _call(mediator, national_id, purpose="marketing", x_road_id="b" * 32)
    entries = Entry.objects.count()
    with pytest.raises(IntegrityError):  # a replayed request id: nothing of it is written
        _call(mediator, national_id, case_reference=case.reference, x_road_id="a" * 32)
    assert Entry.objects.count() == entries
    calls = list(Call.objects.order_by("pk"))
    assert [(c.outcome, c.reason) for c in calls] == [
        ("completed", ""),
        ("refused", "no_legal_basis"),
    ]
    assert calls[0].pk == done.call.pk and calls[0].ledger_index == done.call.ledger_index
    assert SeenRequest.objects.count() == 2
    for call in calls:
        entry = Entry.objects.get(pk=call.ledger_index)
        assert json.loads(entry.data)["index"] == entry.leaf_index
        assert entry.kind == f"exchange.call.{call.outcome}"
        assert bytes(entry.leaf_hash) == merkle.leaf_hash(entry.data.encode())
    assert ledger_checkpoint() is not None
    assert ledger_verify().ok


def test_a_system_without_an_access_right_is_refused_and_the_refusal_logged(
    mediator: dict[str, Any],
    case: Case,
) -> None:
    right = mediator["client"].rights.get()
    access_right_revoke(right=right)
    with pytest.raises(ExchangeNotAllowedError, match="has no access to population/person"):
        _call(mediator, case.applicant.national_id, case_reference=case.reference)
    call = Call.objects.get()
    assert (call.outcome, call.reason) == ("refused", "not_allowed")
    assert _ledger(call)["type"] == "exchange.call.refused"
    assert _ledger(call)["body"]["reason"] == "not_allowed"
    types = list(Entry.objects.filter(kind__startswith="exchange.right").values_list("kind"))
    assert types == [("exchange.right.granted",), ("exchange.right.revoked",)]


@pytest.mark.parametrize(
    "how",
    ["no case", "purpose not allowed", "closed case", "another person", "another agency"],
)
def test_a_call_without_a_legal_basis_is_refused(
    mediator: dict[str, Any],
    case: Case,
    how: str,
) -> None:
    national_id = case.applicant.national_id
    kwargs: dict[str, Any] = {"case_reference": case.reference}
    if how == "no case":
        kwargs = {}
    elif how == "purpose not allowed":
        kwargs["purpose"] = "marketing"
    elif how == "closed case":
        Case.objects.filter(pk=case.pk).update(closed_at=timezone.now())
    elif how == "another person":
        national_id = factories.resident().national_id
    elif how == "another agency":
        Case.objects.filter(pk=case.pk).update(agency=Agency.objects.get(slug="registry"))
    with pytest.raises(ExchangeNoLegalBasisError, match="No legal basis"):
        _call(mediator, national_id, **kwargs)
    call = Call.objects.get()
    assert (call.outcome, call.reason) == ("refused", "no_legal_basis")


def test_consent_allows_a_purpose_without_legal_basis_until_revoked_or_expired(
    mediator: dict[str, Any],
) -> None:
    person = factories.resident()
    consent = consent_grant(
        national_id=person.national_id, recipient=mediator["treasury"], purpose="loan-check"
    )
    assert _call(mediator, person.national_id, purpose="loan-check").call.outcome == "completed"
    consent_revoke(consent=consent, national_id=person.national_id)
    with pytest.raises(ExchangeNoLegalBasisError):
        _call(mediator, person.national_id, purpose="loan-check")
    expired = consent_grant(
        national_id=person.national_id, recipient=mediator["treasury"], purpose="loan-check"
    )
    Consent.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    with pytest.raises(ExchangeNoLegalBasisError):
        _call(mediator, person.national_id, purpose="loan-check")
    assert list(Call.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "completed",
        "refused",
        "refused",
    ]


def test_a_data_service_changed_between_two_calls_is_read_afresh(
    mediator: dict[str, Any],
    case: Case,
) -> None:
    """The mediator keeps the data services it resolved per process; a purpose taken off
    (or any other change to the row) applies to the very next call."""
    kwargs = {"case_reference": case.reference}
    assert _call(mediator, case.applicant.national_id, **kwargs).call.outcome == "completed"
    service = DataService.objects.get(code="population/person")
    service.purposes = [p for p in service.purposes if p != "benefit-assessment"]
    service.save(update_fields=["purposes"])
    with pytest.raises(ExchangeNoLegalBasisError):
        _call(mediator, case.applicant.national_id, **kwargs)
    service.purposes = [*service.purposes, "benefit-assessment"]
    service.save(update_fields=["purposes"])
    assert _call(mediator, case.applicant.national_id, **kwargs).call.outcome == "completed"


def test_an_unknown_person_is_a_failed_call_with_its_reason(mediator: dict[str, Any]) -> None:
    person = factories.resident()
    consent_grant(national_id="1234567890", recipient=mediator["treasury"], purpose="x")
    with pytest.raises(ExchangeSubjectUnknownError):
        _call(mediator, "1234567890", purpose="x")
    assert Call.objects.get().reason == "subject_unknown"
    assert person.national_id != "1234567890"


def test_an_answer_that_breaks_the_schema_is_not_passed_on(
    mediator: dict[str, Any],
    case: Case,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(
        providers.LOCAL, "population/person", lambda nid: {"national_id": nid, "extra": "x"}
    )
    with pytest.raises(ExchangeInvalidResponseError, match="does not match"):
        _call(mediator, case.applicant.national_id, case_reference=case.reference)
    call = Call.objects.get()
    assert (call.outcome, call.reason) == ("failed", "invalid_response")
    assert "extra" not in Entry.objects.get(pk=call.ledger_index).data


@pytest.mark.parametrize(
    "schema",
    [
        {"type": 12},  # not a schema
        {"$ref": "https://schemas.example/elsewhere.json"},  # never fetched from the network
    ],
    ids=["broken", "remote-ref"],
)
def test_a_service_whose_schema_cannot_be_used_passes_nothing_on(
    mediator: dict[str, Any], case: Case, schema: dict[str, Any]
) -> None:
    DataService.objects.filter(pk=mediator["service"].pk).update(response_schema=schema)
    with pytest.raises(ExchangeProviderFailedError, match="schema of population/person"):
        _call(mediator, case.applicant.national_id, case_reference=case.reference)
    call = Call.objects.get()
    assert (call.outcome, call.reason) == ("failed", "provider_failed")
    # Mended, the next call is checked against the new schema (not a stale validator).
    DataService.objects.filter(pk=mediator["service"].pk).update(
        response_schema=SCHEMAS["population_person"]
    )
    result = _call(mediator, case.applicant.national_id, case_reference=case.reference)
    assert result.call.outcome == "completed"


def test_a_failing_provider_is_retried_once_then_reported(
    mediator: dict[str, Any],
    case: Case,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts: list[int] = []
    real = providers.LOCAL["population/person"]

    def flaky(national_id: str) -> dict[str, Any]:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("registry restarting")
        return real(national_id)

    monkeypatch.setitem(providers.LOCAL, "population/person", flaky)
    assert _call(mediator, case.applicant.national_id, case_reference=case.reference).data
    assert len(attempts) == 2

    def broken(national_id: str) -> dict[str, Any]:
        raise ConnectionError("registry down")

    monkeypatch.setitem(providers.LOCAL, "population/person", broken)
    with pytest.raises(ExchangeProviderFailedError):
        _call(mediator, case.applicant.national_id, case_reference=case.reference)
    assert Call.objects.order_by("-pk").first().reason == "provider_failed"  # type: ignore[union-attr]


def test_a_provider_slower_than_the_service_allows_times_out_without_data(
    mediator: dict[str, Any],
    case: Case,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    DataService.objects.filter(pk=mediator["service"].pk).update(timeout_seconds=0.01)
    real = providers.LOCAL["population/person"]

    def slow(national_id: str) -> dict[str, Any]:
        time.sleep(0.05)
        return real(national_id)

    monkeypatch.setitem(providers.LOCAL, "population/person", slow)
    with pytest.raises(ExchangeProviderTimeoutError):
        _call(mediator, case.applicant.national_id, case_reference=case.reference)
    assert Call.objects.get().reason == "provider_timeout"


def test_the_data_tracker_shows_a_resident_exactly_their_own_look_ups(
    mediator: dict[str, Any],
    case: Case,
) -> None:
    mine = case.applicant
    _call(mediator, mine.national_id, case_reference=case.reference)
    with pytest.raises(ExchangeNoLegalBasisError):
        _call(mediator, mine.national_id)
    other = factories.resident()
    consent_grant(national_id=other.national_id, recipient=mediator["treasury"], purpose="y")
    _call(mediator, other.national_id, purpose="y")

    client = Client()
    assert client.get("/en/my/data/").status_code == 302
    client.force_login(mine)
    html = client.get("/en/my/data/").content.decode()
    assert html.count("<tr>") == 3  # the header and my two look-ups
    assert case.reference in html
    assert "No open case of the agency about you, and no consent from you." in html
    downloaded = json.loads(client.get("/en/my/data/lookups.json").content)["lookups"]
    assert [row["outcome"] for row in downloaded] == ["refused", "completed"]
    assert {row["data_service"] for row in downloaded} == {"population/person"}
    rows = list(csv.DictReader(io.StringIO(client.get("/en/my/data/lookups.csv").content.decode())))
    assert [row["case"] for row in rows] == ["", case.reference]
    assert rows[1]["ledger_entry"] == f"/en/transparency/entries/{rows[1]['ledger_index']}/"

    client.force_login(other)
    other_rows = json.loads(client.get("/en/my/data/lookups.json").content)["lookups"]
    assert [row["purpose"] for row in other_rows] == ["y"]


def test_a_registry_beyond_the_person_answers_through_the_mediator_too(
    mediator: dict[str, Any], case: Case
) -> None:
    """population/children: the benefits system fetches the applicant's children."""
    parent = Person.objects.get(national_id=case.applicant.national_id)
    child = person_birth_register(
        given_name="Lola",
        family_name=parent.family_name,
        birth_date=parent.birth_date.replace(year=parent.birth_date.year + 30),
        parents=[(parent.national_id, "mother")],
    )
    children = DataService.objects.create(
        provider=mediator["service"].provider,
        code="population/children",
        name={"en": "Children"},
        response_schema=SCHEMAS["population_children"],
        purposes=["benefit-assessment"],
    )
    access_right_grant(service=children, client=mediator["client"])
    result = exchange_call(
        client=mediator["client"],
        service_code="population/children",
        national_id=parent.national_id,
        purpose="benefit-assessment",
        case_reference=case.reference,
    )
    assert [c["national_id"] for c in result.data["children"]] == [child.national_id]
