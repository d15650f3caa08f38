"""Anyone can check an issued document from its QR code; only its holder downloads it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests import factories
from tests.casework.test_documents import approved_case
from ventanilla.casework.models import IssuedDocument
from ventanilla.casework.services import document_issue, document_revoke
from ventanilla.ledger.models import Entry
from ventanilla.ledger.services import ledger_checkpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(small_catalogue: Path) -> IssuedDocument:
    return document_issue(case=approved_case())


def _url(document: IssuedDocument, language: str = "en") -> str:
    return f"/{language}/verify/{document.number}/"


def _upload(content: bytes, name: str = "document.pdf") -> dict[str, SimpleUploadedFile]:
    return {"pdf": SimpleUploadedFile(name, content, content_type="application/pdf")}


def test_a_genuine_document_says_who_issued_it_when_and_to_whom_masked(
    document: IssuedDocument, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    ledger_checkpoint()
    # The document, then the ledger: its entry, the latest checkpoint, one tile.
    with django_assert_max_num_queries(4):
        response = Client().get(_url(document))

    html = response.content.decode()
    assert response.status_code == 200
    assert "This document is genuine" in html
    assert "Test Treasury issued it, and it is valid." in html
    assert "Child benefit award" in html
    assert document.number in html
    assert "J*** N****" in html
    assert "Núñez" not in html
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
    assert (
        f"The document's fingerprint was written into the transparency ledger when it was "
        f"issued (entry {document.ledger_index}), and that entry is proven to be in the "
        "ledger's signed state of"
    ) in html
    assert f'href="/en/transparency/entries/{document.ledger_index}/"' in html


def test_the_ledger_entry_of_a_document_holds_its_fingerprint_and_no_personal_data(
    document: IssuedDocument,
) -> None:
    entry = Entry.objects.get(leaf_index=document.ledger_index)
    record = json.loads(entry.data)
    assert record["type"] == "documents.document.issued"
    assert record["body"]["document_sha256"] == document.sha256
    assert document.holder_name not in entry.data
    assert document.number not in entry.data
    assert document.case.applicant.national_id not in entry.data


def test_a_document_not_yet_under_a_checkpoint_says_it_soon_will_be(
    document: IssuedDocument,
) -> None:
    html = Client().get(_url(document)).content.decode()
    assert "This document is genuine" in html
    assert "The ledger signs it into its public state within a few seconds." in html


def test_a_document_whose_record_was_changed_is_not_confirmed(document: IssuedDocument) -> None:
    """Someone with database access swaps in the fingerprint of a forged PDF: the ledger
    still holds the original, so the page refuses to confirm either."""
    ledger_checkpoint()
    forged = hashlib.sha256(b"%PDF-1.4 forged").hexdigest()
    IssuedDocument.objects.filter(pk=document.pk).update(sha256=forged)

    response = Client().post(_url(document), _upload(b"%PDF-1.4 forged"))
    html = response.content.decode()

    assert "We cannot confirm this document" in html
    assert "This document is genuine" not in html
    assert "This file is exactly the document we issued." not in html


def test_a_revoked_document_says_so_and_offers_no_check(document: IssuedDocument) -> None:
    document_revoke(document=document, actor=factories.user(), reason="Issued by mistake.")

    html = Client().get(_url(document)).content.decode()

    assert "This document has been revoked" in html
    assert "Test Treasury issued it, then withdrew it. It is no longer valid." in html
    assert "This document is genuine" not in html
    assert 'type="file"' not in html
    assert "Issued by mistake." not in html


def test_an_unknown_number_is_404(small_catalogue: Path) -> None:
    response = Client().get("/en/verify/DOC-2026-0000-0000/")

    assert response.status_code == 404
    assert "There is no document with the number DOC-2026-0000-0000." in (response.content.decode())


def test_the_original_file_is_confirmed_unchanged(document: IssuedDocument) -> None:
    response = Client().post(_url(document), _upload(bytes(document.pdf)))

    assert response.status_code == 200
    assert "This file is exactly the document we issued." in response.content.decode()


def test_a_file_changed_by_one_byte_is_not_the_document(document: IssuedDocument) -> None:
    changed = bytearray(bytes(document.pdf))
    changed[len(changed) // 2] ^= 0x01

    response = Client().post(_url(document), _upload(bytes(changed)))

    html = response.content.decode()
    assert response.status_code == 200
    assert "This file is not the document we issued: it has been changed." in html
    assert "This file is exactly the document we issued." not in html


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "Select the PDF file of the document."),
        (_upload(b"", "empty.pdf"), "Select the PDF file of the document."),
        (_upload(b"GIF89a not a pdf", "photo.pdf"), "The selected file must be a PDF."),
        (
            _upload(b"%PDF-" + b"0" * (5 * 1024 * 1024), "big.pdf"),
            "The selected file must be smaller than 5 MB.",
        ),
    ],
)
def test_a_missing_wrong_or_too_large_file_shows_the_error_summary(
    document: IssuedDocument, files: dict[str, SimpleUploadedFile], message: str
) -> None:
    response = Client().post(_url(document), files)

    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert f'<a href="#pdf">{message}</a>' in html
    assert 'aria-invalid="true"' in html
    assert "<title>Error:" in html


def test_a_check_without_the_csrf_token_is_refused(document: IssuedDocument) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(_url(document), _upload(bytes(document.pdf)))

    assert response.status_code == 403


def test_the_page_reads_in_spanish(document: IssuedDocument) -> None:
    html = Client().get(_url(document, "es")).content.decode()

    assert '<html lang="es">' in html
    assert "Resolución de concesión de la prestación por hijo" in html
    assert "Tesorería de Prueba" in html
    assert "Estado" in html

    error = Client().post(_url(document, "es"), {}).content.decode()
    assert "Hay un problema" in error


def test_the_applicant_downloads_the_pdf_as_issued(document: IssuedDocument) -> None:
    client = Client()
    client.force_login(document.case.applicant)

    response = client.get(f"/en/documents/{document.number}/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{document.number}.pdf"'
    assert response.content == bytes(document.pdf)


def test_another_resident_gets_404_for_the_download(document: IssuedDocument) -> None:
    client = Client()
    client.force_login(factories.resident())

    assert client.get(f"/en/documents/{document.number}/download/").status_code == 404
    assert client.get("/en/documents/DOC-2026-0000-0000/download/").status_code == 404


def test_the_download_asks_an_anonymous_visitor_to_sign_in(document: IssuedDocument) -> None:
    url = f"/en/documents/{document.number}/download/"

    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/en/accounts/login/?next={url}"
