"""The ledger's pages: how it works, one entry with its proof, a resident's own entries."""

from __future__ import annotations

from django.db import connection, transaction
from django.test import Client

from tests import factories
from tests.ledger.conftest import Append
from ventanilla.ledger.pseudonyms import subject_reference
from ventanilla.ledger.services import ledger_append, ledger_checkpoint, verifier_key


def test_the_transparency_page_explains_the_ledger_and_publishes_its_key(
    client: Client, append: Append
) -> None:
    html = client.get("/en/transparency/").content.decode()
    assert "The ledger has not signed its first state yet." in html
    append(3)
    checkpoint = ledger_checkpoint()
    assert checkpoint is not None
    response = client.get("/en/transparency/")
    html = response.content.decode()
    assert response.status_code == 200
    assert verifier_key() in html
    assert checkpoint.note.split("\n")[2] in html  # the signed root hash
    assert "casework.case.transitioned" in html
    assert "An official took a workflow action on a case, or decided it." in html
    assert 'href="/en/transparency/entries/2/"' in html
    spanish = client.get("/es/transparency/").content.decode()
    assert "El registro de transparencia" in spanish


def test_an_entry_page_shows_the_entry_and_whether_it_is_proven(
    client: Client, append: Append
) -> None:
    append(4)
    html = client.get("/en/transparency/entries/1/").content.decode()
    assert "The ledger signs it into its public state within a few seconds." in html
    ledger_checkpoint()
    html = client.get("/en/transparency/entries/1/").content.decode()
    assert "This entry is proven to be in the ledger's signed state of 4 entries" in html
    assert "DL-2026-000001" in html
    assert "/api/v1/ledger/proof/inclusion?hash=" in html
    assert client.get("/en/transparency/entries/99/").status_code == 404


def test_an_entry_changed_in_the_database_is_shown_as_changed(
    client: Client, append: Append
) -> None:
    append(4)
    ledger_checkpoint()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_entry SET data = REPLACE(data, '\"ok\":true', '\"ok\":false') "
            "WHERE leaf_index = 2"
        )
    html = client.get("/en/transparency/entries/2/").content.decode()
    assert "This entry does not match the ledger's signed state: it has been changed." in html


def test_a_resident_sees_only_their_own_entries(client: Client, db: None) -> None:
    mine, theirs = factories.resident(), factories.resident()
    with transaction.atomic():
        for person, reference in ((mine, "DL-2026-000001"), (theirs, "DL-2026-000002")):
            ledger_append(
                kind="casework.case.opened",
                agency="treasury",
                subject=subject_reference(national_id=person.national_id),
                case_reference=reference,
                body={"service": "child-benefit", "actor": "system"},
            )
    response = client.get("/en/my/ledger/")
    assert response.status_code == 302
    client.force_login(mine)
    html = client.get("/en/my/ledger/").content.decode()
    assert "DL-2026-000001" in html
    assert "DL-2026-000002" not in html
    assert "An agency received an application and opened its case." in html
