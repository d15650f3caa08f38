"""Every workflow action, decision, note and document on a case is in the ledger, under
pseudonyms, and the case's timeline names each event's entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from tests import factories
from tests.casework.test_cases import APPROVER, CASEWORKER, case  # noqa: F401 - fixture
from ventanilla.casework.models import Case, CaseEvent
from ventanilla.casework.services import (
    case_assign,
    case_note_add,
    case_resident_answer,
    case_transition,
)
from ventanilla.identity.enums import Role
from ventanilla.ledger.models import Entry
from ventanilla.ledger.pseudonyms import official_reference, subject_reference, text_digest
from ventanilla.ledger.services import ledger_checkpoint
from ventanilla.ledger.verify import ledger_verify

pytestmark = pytest.mark.django_db


def _records(of: Case) -> list[dict[str, object]]:
    entries = Entry.objects.filter(case_reference=of.reference).order_by("pk")
    return [json.loads(entry.data) for entry in entries]


def test_each_event_of_a_case_has_its_own_ledger_entry(case: Case) -> None:  # noqa: F811
    official = factories.user()
    case_assign(case=case, official=official)
    case_note_add(case=case, official=official, text="Called the applicant's bank.")
    case = case_transition(case=case, action="start-review", actor=official, roles=CASEWORKER)
    case = case_transition(
        case=case,
        action="ask-for-information",
        actor=official,
        roles=CASEWORKER,
        reason="Send the birth certificate number.",
    )
    case = case_resident_answer(case=case, resident=case.applicant, message="It is 12345.")
    case = case_transition(
        case=case, action="approve", actor=official, roles=APPROVER, reason="All in order."
    )

    events = list(CaseEvent.objects.filter(case=case).order_by("at", "id"))
    assert all(event.ledger_index is not None for event in events)
    assert len({event.ledger_index for event in events}) == len(events)
    records = _records(case)
    assert [r["type"] for r in records] == [
        "casework.case.opened",
        "casework.case.assigned",
        "casework.case.note_added",
        "casework.case.transitioned",
        "casework.case.transitioned",
        "casework.case.resident_answered",
        "casework.case.transitioned",
        "documents.document.issued",
    ]
    decision = records[6]
    assert decision["agency"] == case.agency.slug
    assert decision["subject"] == subject_reference(national_id=case.applicant.national_id)
    assert decision["body"] == {
        "service": "child-benefit",
        "actor": official_reference(user_id=official.pk),
        "action": "approve",
        "from": "in-review",
        "to": "approved",
        "outcome": "approved",
        "reason_digest": text_digest("All in order."),
    }
    assert records[5]["body"]["actor"] == "applicant"


def test_the_ledger_holds_no_name_id_number_or_free_text(case: Case) -> None:  # noqa: F811
    official = factories.user()
    case_note_add(case=case, official=official, text="The applicant sounded worried.")
    case_transition(case=case, action="start-review", actor=official, roles=CASEWORKER)
    applicant = case.applicant
    data = " ".join(Entry.objects.values_list("data", flat=True))
    for personal in (
        applicant.national_id,
        applicant.email,
        applicant.display_name,
        official.email,
        "worried",
        "Lola",
        "DL12 3456",
    ):
        assert personal and personal not in data


def test_a_refused_action_writes_no_ledger_entry(case: Case) -> None:  # noqa: F811
    before = Entry.objects.count()
    with pytest.raises(Exception, match="approve"):
        case_transition(case=case, action="approve", actor=factories.user(), roles=CASEWORKER)
    assert Entry.objects.count() == before


def test_the_official_timeline_shows_each_events_ledger_entry(
    case: Case,  # noqa: F811
) -> None:
    official, _secret = factories.official(agency=case.agency, role=Role.CASEWORKER)
    case_transition(case=case, action="start-review", actor=official, roles=CASEWORKER)
    client = Client()
    client.force_login(official)
    html = client.get(f"/en/backoffice/{case.agency.slug}/cases/{case.reference}/").content.decode()
    for event in CaseEvent.objects.filter(case=case):
        assert f'href="/en/transparency/entries/{event.ledger_index}/"' in html
        assert f"Ledger entry {event.ledger_index}" in html
    ledger_checkpoint()
    assert ledger_verify().ok


def test_the_residents_timeline_links_to_the_ledger(
    case: Case,  # noqa: F811
    small_catalogue: Path,
) -> None:
    client = Client()
    client.force_login(case.applicant)
    application = case.applicant.applications.get(reference=case.reference)
    html = client.get(f"/en/applications/{application.public_id}/").content.decode()
    opened = CaseEvent.objects.get(case=case, kind="opened")
    assert f'href="/en/transparency/entries/{opened.ledger_index}/"' in html
