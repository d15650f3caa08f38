"""Evidence files: type read from the bytes, size limited, private to the applicant and the
deciding agency, required ones needed before sending."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests import factories
from ventanilla.applications import services
from ventanilla.applications.models import Application, Upload, uploads_storage
from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.services import catalogue_load
from ventanilla.core.errors import AnswersInvalidError, ValidationError
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a tiny test file\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
ANSWERS = {
    "child_given_name": "Lola",
    "child_birth_date": "2026-03-27",
    "relationship": "parent",
    "bank_account": "DL12 3456 7890 1234 5678",
}
UPLOADS = """  uploads:
    - slug: birth-record
      label: {en: The child's birth record, es: Acta de nacimiento del menor}
      types: [application/pdf]
      max_bytes: 1000
"""


@pytest.fixture
def service(catalogue_dir: Path, uploads_dir: Path) -> PublicService:
    path = catalogue_dir / "services" / "child-benefit.yaml"
    path.write_text(path.read_text().replace("  workflow:\n", UPLOADS + "  workflow:\n", 1))
    catalogue_load(directory=catalogue_dir)
    return PublicService.objects.get(slug="child-benefit")


def _draft(service: PublicService) -> Application:
    resident = factories.resident()
    application = services.application_start(applicant=resident, service=service)
    return services.application_answer(
        application=application, applicant=resident, fields=list(ANSWERS), answers=ANSWERS
    )


def _file(content: bytes, name: str = "record.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_required_file_is_needed_before_sending(service: PublicService) -> None:
    application = _draft(service)
    with pytest.raises(AnswersInvalidError) as raised:
        services.application_submit(application=application, applicant=application.applicant)
    assert raised.value.errors == {"birth-record": "Attach “The child's birth record”."}

    services.application_upload(
        application=application,
        applicant=application.applicant,
        slug="birth-record",
        file=_file(PDF),
    )
    sent = services.application_submit(application=application, applicant=application.applicant)
    assert sent.reference


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (PNG, "“The child's birth record” must be a PDF file."),
        (b"%PDF-" + b"x" * 2000, "“The child's birth record” must be smaller than 1000\xa0bytes."),
        (b"", "“The child's birth record”: the file is empty."),
    ],
)
def test_a_wrong_file_is_refused_with_the_reason_and_nothing_kept(
    service: PublicService, content: bytes, message: str
) -> None:
    application = _draft(service)
    with pytest.raises(ValidationError) as raised:
        services.application_upload(
            application=application,
            applicant=application.applicant,
            slug="birth-record",
            file=_file(content, "record.pdf"),  # the name says PDF; the bytes decide
        )
    assert raised.value.message == message
    assert raised.value.field == "birth-record"
    assert not Upload.objects.exists()


def test_a_new_file_replaces_the_old_one(service: PublicService) -> None:
    application = _draft(service)
    first = services.application_upload(
        application=application,
        applicant=application.applicant,
        slug="birth-record",
        file=_file(PDF),
    )
    first_name = first.file.name
    services.application_upload(
        application=application,
        applicant=application.applicant,
        slug="birth-record",
        file=_file(PDF + b"2", "second.pdf"),
    )
    assert list(Upload.objects.values_list("name", flat=True)) == ["second.pdf"]
    assert not uploads_storage.exists(first_name)
    assert uploads_storage.exists(Upload.objects.get().file.name)


def test_only_the_applicant_and_the_deciding_agency_can_open_the_file(
    service: PublicService,
) -> None:
    application = _draft(service)
    services.application_upload(
        application=application,
        applicant=application.applicant,
        slug="birth-record",
        file=_file(PDF),
    )
    sent = services.application_submit(application=application, applicant=application.applicant)
    url = f"/en/applications/{application.public_id}/files/birth-record/"

    owner, stranger = Client(), Client()
    owner.force_login(application.applicant)
    stranger.force_login(factories.resident())
    response = owner.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert stranger.get(url).status_code == 404

    case_url = f"/en/backoffice/{{agency}}/cases/{sent.reference}/files/birth-record/"
    treasury, _s = factories.official(
        agency=Agency.objects.get(slug="treasury"), role=Role.CASEWORKER
    )
    registry, _r = factories.official(
        agency=Agency.objects.get(slug="registry"), role=Role.CASEWORKER
    )
    official = Client()
    official.force_login(treasury)
    assert official.get(case_url.format(agency="treasury")).status_code == 200
    other = Client()
    other.force_login(registry)
    assert other.get(case_url.format(agency="registry")).status_code == 404


def test_the_pages_ask_for_the_file_after_the_questions(service: PublicService) -> None:
    application = _draft(service)
    client = Client()
    client.force_login(application.applicant)

    response = client.post(
        f"/en/applications/{application.public_id}/payment/",
        {"bank_account": ANSWERS["bank_account"], "address": "Calle Mayor 1"},
    )
    assert response["Location"] == f"/en/applications/{application.public_id}/files/"
    refused = client.post(
        f"/en/applications/{application.public_id}/files/", {"birth-record": _file(PNG, "x.png")}
    )
    assert refused.status_code == 400
    assert "must be a PDF file" in refused.content.decode()
    accepted = client.post(
        f"/en/applications/{application.public_id}/files/", {"birth-record": _file(PDF)}
    )
    assert accepted["Location"] == f"/en/applications/{application.public_id}/check/"
    assert "record.pdf" in client.get(accepted["Location"]).content.decode()
