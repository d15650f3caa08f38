"""Evidence files in an S3-compatible bucket (moto's server on this machine, no network),
configured exactly as settings configure it from VENTANILLA_UPLOADS_S3_*: stored, read
back by the deciding agency, replaced and deleted through the storage API only."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from moto.server import ThreadedMotoServer

from tests import factories
from ventanilla.applications import services
from ventanilla.applications.models import Application, Upload
from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.services import catalogue_load
from ventanilla.config.settings import uploads_storage
from ventanilla.core.errors import ValidationError
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a tiny test file\n"
ANSWERS = {
    "child_given_name": "Lola",
    "child_birth_date": "2026-03-27",
    "relationship": "parent",
    "bank_account": "DL12 3456 7890 1234 5678",
    "address": "Calle Mayor 1",
}
UPLOADS = """  uploads:
    - slug: birth-record
      label: {en: The child's birth record, es: Acta de nacimiento del menor}
      types: [application/pdf]
      max_bytes: 1000
"""
REGION = "eu-west-1"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint: str, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A new, empty bucket that the "uploads" storage writes to."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    name = f"uploads-{uuid.uuid4().hex[:12]}"
    s3 = boto3.resource("s3", endpoint_url=s3_endpoint, region_name=REGION)
    created = s3.create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": uploads_storage(
            {
                "VENTANILLA_UPLOADS_S3_BUCKET": name,
                "VENTANILLA_UPLOADS_S3_ENDPOINT_URL": s3_endpoint,
                "VENTANILLA_UPLOADS_S3_REGION": REGION,
            },
            Path("/nonexistent"),
        ),
    }
    return created


def _keys(bucket: Any) -> list[str]:
    return sorted(item.key for item in bucket.objects.all())


@pytest.fixture
def service(catalogue_dir: Path) -> PublicService:
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


def test_a_file_sent_on_the_web_is_stored_in_the_bucket_and_the_agency_reads_it_back(
    bucket: Any, service: PublicService
) -> None:
    application = _draft(service)
    resident = Client()
    resident.force_login(application.applicant)

    sent = resident.post(
        f"/en/applications/{application.public_id}/files/", {"birth-record": _file(PDF)}
    )
    assert sent.status_code == 302, sent.content
    upload = Upload.objects.get()
    assert _keys(bucket) == [f"uploads/{upload.file.name}"]
    stored = bucket.Object(f"uploads/{upload.file.name}").get()["Body"].read()
    assert stored == PDF
    assert [grant["Permission"] for grant in bucket.Object(_keys(bucket)[0]).Acl().grants] == [
        "FULL_CONTROL"  # the owner's only: nothing public
    ]

    reference = services.application_submit(
        application=application, applicant=application.applicant
    ).reference
    official_account, _secret = factories.official(
        agency=Agency.objects.get(slug="treasury"), role=Role.CASEWORKER
    )
    official = Client()
    official.force_login(official_account)
    response = official.get(f"/en/backoffice/treasury/cases/{reference}/files/birth-record/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="record.pdf"'


def test_a_new_file_deletes_the_object_of_the_one_it_replaces(
    bucket: Any, service: PublicService
) -> None:
    application = _draft(service)
    first = services.application_upload(
        application=application,
        applicant=application.applicant,
        slug="birth-record",
        file=_file(PDF),
    )
    second = services.application_upload(
        application=application,
        applicant=application.applicant,
        slug="birth-record",
        file=_file(PDF + b"2", "second.pdf"),
    )

    assert first.file.name != second.file.name
    assert _keys(bucket) == [f"uploads/{second.file.name}"]
    assert bucket.Object(f"uploads/{second.file.name}").get()["Body"].read() == PDF + b"2"


def test_a_refused_file_leaves_no_object(bucket: Any, service: PublicService) -> None:
    application = _draft(service)
    with pytest.raises(ValidationError):
        services.application_upload(
            application=application,
            applicant=application.applicant,
            slug="birth-record",
            file=_file(b"%PDF-" + b"x" * 2000),
        )
    assert _keys(bucket) == []
    assert not Upload.objects.exists()


def test_a_deleted_draft_takes_its_objects_with_it(
    bucket: Any, service: PublicService, django_capture_on_commit_callbacks: Any
) -> None:
    application = _draft(service)
    services.application_upload(
        application=application,
        applicant=application.applicant,
        slug="birth-record",
        file=_file(PDF),
    )
    assert len(_keys(bucket)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.application_delete_draft(application=application, applicant=application.applicant)

    assert _keys(bucket) == []
    assert not Upload.objects.exists()


def test_an_object_that_cannot_be_deleted_is_logged_and_the_new_file_kept(
    bucket: Any, service: PublicService, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    application = _draft(service)
    first = services.application_upload(
        application=application,
        applicant=application.applicant,
        slug="birth-record",
        file=_file(PDF),
    )

    def unreachable(name: str) -> None:
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")

    monkeypatch.setattr(storages["uploads"], "delete", unreachable)
    second = services.application_upload(
        application=application,
        applicant=application.applicant,
        slug="birth-record",
        file=_file(PDF + b"2", "second.pdf"),
    )

    assert list(Upload.objects.values_list("name", flat=True)) == ["second.pdf"]
    assert _keys(bucket) == sorted([f"uploads/{first.file.name}", f"uploads/{second.file.name}"])
    assert f"could not delete the upload {first.file.name}: delete it by hand" in caplog.text
