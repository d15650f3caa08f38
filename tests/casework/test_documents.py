"""An approved case issues a PDF with a random number and a QR code to its verification page."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest

from tests import factories
from ventanilla.applications import services as applications
from ventanilla.casework import documents
from ventanilla.casework.documents import document_render_pdf, holder_name_masked
from ventanilla.casework.enums import EventKind
from ventanilla.casework.models import Case, IssuedDocument
from ventanilla.casework.selectors import (
    document_for_applicant,
    document_get_public,
    document_verify,
)
from ventanilla.casework.services import case_transition, document_issue, document_revoke
from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.services import catalogue_load
from ventanilla.core.errors import DocumentIssueError, NotFoundError, ValidationError

pytestmark = pytest.mark.django_db

ANSWERS = {
    "child_given_name": "Lola",
    "child_birth_date": "2026-03-27",
    "relationship": "parent",
    "bank_account": "DL12 3456 7890 1234 5678",
    "address": "Calle Mayor 1",
}
NUMBER = re.compile(r"^DOC-\d{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
RENDER: dict[str, Any] = {
    "number": "DOC-2026-7K3F-9QXA",
    "title": "Resolución de concesión de la prestación por hijo",
    "holder_name": "José Núñez",
    "lines": [("Nombre del menor", "Lola"), ("Usted es del menor", "Madre o padre")],
    "issued_at": dt.datetime(2026, 3, 27, 9, 30, tzinfo=dt.UTC),
    "agency_name": "Tesorería de Prueba",
    "verify_url": "https://ventanilla.test.example/es/verify/DOC-2026-7K3F-9QXA/",
    "language": "es",
    "body": "Se concede la prestación desde el mes siguiente al nacimiento.",
}


def open_case(*, language: str = "en") -> Case:
    """A case of child benefit from José Núñez, just received."""
    resident = factories.resident(
        registry_person=factories.person(given_name="José", family_name="Núñez")
    )
    _application, case, _created = applications.application_file(
        applicant=resident,
        service=PublicService.objects.get(slug="child-benefit"),
        answers=ANSWERS,
    )
    assert case is not None
    resident.language = language  # as if they had applied in it
    resident.save(update_fields=["language"])
    return case


def approved_case(*, language: str = "en") -> Case:
    case = open_case(language=language)
    official = factories.user()
    case_transition(case=case, action="start-review", actor=official, roles={"caseworker"})
    return case_transition(case=case, action="approve", actor=official, roles={"approver"})


def test_an_approved_case_issues_a_pdf_with_a_random_number(small_catalogue: Path) -> None:
    case = approved_case()

    document = document_issue(case=case)

    assert NUMBER.match(document.number), document.number
    assert document.holder_name == "José Núñez"
    assert document.title == {
        "en": "Child benefit award",
        "es": "Resolución de concesión de la prestación por hijo",
    }
    pdf = bytes(document.pdf)
    assert pdf.startswith(b"%PDF")
    assert document.number.encode() in pdf
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert document.revoked_at is None
    event = case.events.last()
    assert (event.kind, event.actor, event.reason) == (
        EventKind.DOCUMENT_ISSUED,
        None,
        document.number,
    )


def test_the_qr_code_encodes_the_public_verification_url_in_the_holders_language(
    small_catalogue: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.VENTANILLA_PUBLIC_URL = "https://ventanilla.test.example"
    encoded: list[str] = []
    real = documents.qr_drawing

    def spy(value: str, *, size: float) -> Any:
        encoded.append(value)
        return real(value, size=size)

    monkeypatch.setattr(documents, "qr_drawing", spy)

    document = document_issue(case=approved_case(language="es"))

    assert encoded == [f"https://ventanilla.test.example/es/verify/{document.number}/"]
    # The title in the PDF's own metadata is the Spanish one, accents and all (Latin-1).
    assert b"/Title (Resoluci\\363n de concesi\\363n de la prestaci\\363n por hijo)" in bytes(
        document.pdf
    )


def test_a_second_issue_returns_the_document_already_issued(small_catalogue: Path) -> None:
    case = approved_case()
    first = document_issue(case=case)

    again = document_issue(case=case)

    assert (again.pk, again.number, again.sha256) == (first.pk, first.number, first.sha256)
    assert IssuedDocument.objects.count() == 1
    assert case.events.filter(kind=EventKind.DOCUMENT_ISSUED).count() == 1


def test_a_case_that_is_not_approved_issues_nothing(small_catalogue: Path) -> None:
    case = open_case()

    with pytest.raises(DocumentIssueError) as raised:
        document_issue(case=case)

    assert raised.value.message == (
        f"A document can only be issued for an approved case; {case.reference} is not."
    )
    assert not IssuedDocument.objects.exists()


def test_a_rejected_case_issues_nothing(small_catalogue: Path) -> None:
    case = open_case()
    official = factories.user()
    case_transition(case=case, action="start-review", actor=official, roles={"caseworker"})
    case = case_transition(
        case=case, action="reject", actor=official, roles={"approver"}, reason="Abroad."
    )

    with pytest.raises(DocumentIssueError, match="only be issued for an approved case"):
        document_issue(case=case)


@pytest.fixture
def catalogue_without_documents(db: None, catalogue_dir: Path) -> Path:
    """The test catalogue, with child benefit issuing no document."""
    service = catalogue_dir / "services" / "child-benefit.yaml"
    text = service.read_text(encoding="utf-8")
    assert "\n  document:\n" in text
    service.write_text(text.split("\n  document:\n")[0] + "\n", encoding="utf-8")
    catalogue_load(directory=catalogue_dir)
    return catalogue_dir


def test_a_service_without_a_document_section_issues_nothing(
    catalogue_without_documents: Path,
) -> None:
    case = approved_case()

    with pytest.raises(DocumentIssueError) as raised:
        document_issue(case=case)

    assert raised.value.message == (
        f"The service of case {case.reference} does not issue a document."
    )


def test_the_pdf_is_the_same_for_the_same_inputs_and_differs_for_others() -> None:
    first = document_render_pdf(**RENDER)

    assert document_render_pdf(**RENDER) == first
    assert document_render_pdf(**{**RENDER, "holder_name": "Jose Nunez"}) != first
    assert first.startswith(b"%PDF-")
    assert b"/CreationDate (D:20260327093000+00'00')" in first


def test_the_pdf_continues_on_a_second_page_when_the_lines_do_not_fit() -> None:
    lines = [(f"Line {i}", "x " * 80) for i in range(40)]

    pdf = document_render_pdf(**{**RENDER, "lines": lines})

    pages = re.search(rb"/Count (\d+)", pdf)
    assert pages is not None and int(pages.group(1)) > 1


def test_verification_is_true_only_for_the_exact_bytes_of_a_valid_document(
    small_catalogue: Path,
) -> None:
    document = document_issue(case=approved_case())
    pdf = bytes(document.pdf)
    changed = bytearray(pdf)
    changed[len(changed) // 2] ^= 0x01

    assert document_verify(number=document.number, pdf_bytes=pdf) is True
    assert document_verify(number=document.number.lower(), pdf_bytes=pdf) is True
    assert document_verify(number=document.number, pdf_bytes=bytes(changed)) is False
    assert document_verify(number="DOC-2026-0000-0000", pdf_bytes=pdf) is False

    document_revoke(document=document, actor=factories.user(), reason="Issued by mistake.")

    assert document_verify(number=document.number, pdf_bytes=pdf) is False


def test_revoking_records_who_and_why_and_happens_once(small_catalogue: Path) -> None:
    document = document_issue(case=approved_case())
    official = factories.user()

    with pytest.raises(ValidationError) as empty:
        document_revoke(document=document, actor=official, reason=" ")
    assert empty.value.message == "Give a reason: the resident will read it."

    revoked = document_revoke(document=document, actor=official, reason=" Issued by mistake. ")

    assert revoked.revoked_at is not None
    event = document.case.events.last()
    assert (event.kind, event.actor, event.reason) == (
        EventKind.DOCUMENT_REVOKED,
        official,
        "Issued by mistake.",
    )
    with pytest.raises(DocumentIssueError) as again:
        document_revoke(document=document, actor=official, reason="Again.")
    assert again.value.message == f"Document {document.number} is already revoked."


def test_the_public_lookup_finds_a_number_in_any_case_and_refuses_an_unknown_one(
    small_catalogue: Path,
) -> None:
    document = document_issue(case=approved_case())

    assert document_get_public(number=document.number.lower()).pk == document.pk
    with pytest.raises(NotFoundError) as raised:
        document_get_public(number="DOC-2026-0000-0000")
    assert raised.value.message == "There is no document with the number DOC-2026-0000-0000."


def test_only_the_applicant_gets_their_document(small_catalogue: Path) -> None:
    case = approved_case()
    document = document_issue(case=case)

    assert document_for_applicant(applicant=case.applicant, case=case).pk == document.pk
    with pytest.raises(NotFoundError) as raised:
        document_for_applicant(applicant=factories.resident(), case=case)
    assert raised.value.message == "There is no document for this application."


@pytest.mark.parametrize(
    ("name", "masked"),
    [("José Núñez", "J*** N****"), ("Ana  María García", "A** M**** G*****"), ("", "")],
)
def test_the_holders_name_is_masked_to_initials(name: str, masked: str) -> None:
    assert holder_name_masked(name) == masked
