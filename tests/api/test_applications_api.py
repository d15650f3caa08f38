"""/api/v1/applications: apply with an API key, idempotently; read only your own."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from tests import factories
from ventanilla.applications.models import Application, Upload
from ventanilla.casework.models import Case
from ventanilla.catalogue.services import catalogue_load
from ventanilla.identity.models import User
from ventanilla.identity.services import api_token_create, api_token_revoke
from ventanilla.payments.models import Payment

pytestmark = pytest.mark.django_db

ANSWERS = {
    "child_given_name": "Lola",
    "child_birth_date": "2026-03-27",
    "relationship": "parent",
    "bank_account": "DL12 3456 7890 1234 5678",
    "address": "Calle Mayor 1",
}


@pytest.fixture
def key(small_catalogue: Path) -> str:
    _token, key = api_token_create(user=factories.resident(), name="tests")
    return key


def _post(client: Client, key: str, body: dict[str, Any], idempotency_key: str = "") -> Any:
    headers = {"Authorization": f"Bearer {key}"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return client.post(
        "/api/v1/applications", body, content_type="application/json", headers=headers
    )


def _schema(client: Client, path: str, method: str, status: str) -> dict[str, Any]:
    document = client.get("/api/v1/openapi.json").json()
    schema = document["paths"][path][method]["responses"][status]["content"]["application/json"]
    return {**schema["schema"], "components": document["components"]}


def test_applying_returns_the_sent_application(client: Client, key: str) -> None:
    response = _post(client, key, {"service": "child-benefit", "answers": ANSWERS}, "k-1")

    assert response.status_code == 201
    body = response.json()
    jsonschema.validate(body, _schema(client, "/api/v1/applications", "post", "201"))
    assert body["reference"].startswith("DL-")
    assert (body["status"], body["state"], body["state_label"]) == (
        "submitted",
        "received",
        "Received",
    )
    assert body["timeline"][0]["title"] == "Received by Test Treasury"
    assert Case.objects.get().reference == body["reference"]


def test_the_same_idempotency_key_returns_the_first_application(client: Client, key: str) -> None:
    first = _post(client, key, {"service": "child-benefit", "answers": ANSWERS}, "k-2")
    again = _post(client, key, {"service": "child-benefit", "answers": ANSWERS}, "k-2")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Application.objects.count() == Case.objects.count() == 1


def test_a_wrong_answer_is_a_422_naming_it_and_leaves_nothing(client: Client, key: str) -> None:
    response = _post(
        client,
        key,
        {"service": "child-benefit", "answers": {**ANSWERS, "bank_account": "x"}},
        "k-3",
    )

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "answers", "bank_account"]
    assert error["msg"].startswith("“Bank account number (IBAN)” is not in the right format.")
    assert not Application.objects.exists()


def test_an_unknown_answer_and_an_unknown_service_are_refused(client: Client, key: str) -> None:
    response = _post(client, key, {"service": "child-benefit", "answers": {**ANSWERS, "pet": 1}})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "answers", "pet"]
    assert _post(client, key, {"service": "nothing", "answers": {}}).status_code == 404


def test_a_draft_can_be_kept_and_sent_later(client: Client, key: str) -> None:
    draft = _post(client, key, {"service": "child-benefit", "answers": ANSWERS, "submit": False})
    assert draft.json()["status"] == "draft"

    sent = client.post(
        f"/api/v1/applications/{draft.json()['id']}/submit",
        headers={"Authorization": f"Bearer {key}"},
    )

    assert sent.status_code == 200
    assert sent.json()["status"] == "submitted"


def test_reading_by_reference_and_listing_show_only_my_applications(
    client: Client, key: str
) -> None:
    mine = _post(client, key, {"service": "child-benefit", "answers": ANSWERS}).json()
    _t, other_key = api_token_create(user=factories.resident(), name="other")
    theirs = _post(client, other_key, {"service": "child-benefit", "answers": ANSWERS}).json()
    auth = {"Authorization": f"Bearer {key}"}

    assert (
        client.get(f"/api/v1/applications/{mine['reference']}", headers=auth).json()["id"]
        == (mine["id"])
    )
    assert client.get(f"/api/v1/applications/{theirs['id']}", headers=auth).status_code == 404
    assert (
        client.get(f"/api/v1/applications/{theirs['reference']}", headers=auth).status_code == 404
    )
    listed = client.get("/api/v1/applications", headers=auth).json()
    assert [item["id"] for item in listed["items"]] == [mine["id"]]


def test_no_key_a_wrong_key_and_a_revoked_key_are_401(
    client: Client, small_catalogue: Path
) -> None:
    token, key = api_token_create(user=factories.resident(), name="soon revoked")
    assert client.get("/api/v1/applications").status_code == 401
    assert (
        client.get("/api/v1/applications", headers={"Authorization": "Bearer vnt_nope"}).status_code
        == 401
    )
    api_token_revoke(token=token)
    assert (
        client.get("/api/v1/applications", headers={"Authorization": f"Bearer {key}"}).status_code
        == 401
    )


def test_an_idempotency_key_reused_for_another_service_is_refused(client: Client, key: str) -> None:
    _post(client, key, {"service": "child-benefit", "answers": ANSWERS}, "k-9")
    response = _post(client, key, {"service": "birth-certificate", "answers": {}}, "k-9")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]


@pytest.mark.django_db(transaction=True)
def test_the_same_request_sent_twice_at_once_makes_one_application(small_catalogue: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time; the race needs PostgreSQL")
    _token, key = api_token_create(user=factories.resident(), name="race")
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def send() -> None:
        try:
            barrier.wait()
            statuses.append(
                _post(
                    Client(), key, {"service": "child-benefit", "answers": ANSWERS}, "race"
                ).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 200, 200, 201]
    assert Application.objects.count() == Case.objects.count() == 1


PDF = b"%PDF-1.7\n% a tiny test file\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
UPLOADS = """  uploads:
    - slug: birth-record
      label: {en: The child's birth record, es: Acta de nacimiento del menor}
      types: [application/pdf]
      max_bytes: 1000
"""


@pytest.fixture
def upload_key(catalogue_dir: Path, uploads_dir: Path) -> str:
    """A key of a resident applying for child benefit, which here asks for a PDF."""
    path = catalogue_dir / "services" / "child-benefit.yaml"
    path.write_text(path.read_text().replace("  workflow:\n", UPLOADS + "  workflow:\n", 1))
    catalogue_load(directory=catalogue_dir)
    _token, key = api_token_create(user=factories.resident(), name="tests")
    return key


def _draft(client: Client, key: str) -> str:
    response = _post(client, key, {"service": "child-benefit", "answers": ANSWERS, "submit": False})
    assert response.status_code == 201, response.content
    return str(response.json()["id"])


def _upload(
    client: Client, key: str, application: str, slug: str, content: bytes, name: str = "a.pdf"
) -> Any:
    return client.post(
        f"/api/v1/applications/{application}/uploads/{slug}",
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        headers={"Authorization": f"Bearer {key}"},
    )


def test_attaching_a_file_to_a_draft_returns_what_was_stored(
    client: Client, upload_key: str
) -> None:
    application = _draft(client, upload_key)

    response = _upload(client, upload_key, application, "birth-record", PDF, "record.pdf")

    assert response.status_code == 201, response.content
    body = response.json()
    jsonschema.validate(
        body,
        _schema(client, "/api/v1/applications/{application_id}/uploads/{slug}", "post", "201"),
    )
    assert {k: v for k, v in body.items() if k != "uploaded_at"} == {
        "slug": "birth-record",
        "name": "record.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }
    upload = Upload.objects.get()
    assert upload.file.read() == PDF
    read = client.get(
        f"/api/v1/applications/{application}", headers={"Authorization": f"Bearer {upload_key}"}
    ).json()
    assert read["uploads"] == [
        {
            "slug": "birth-record",
            "label": "The child's birth record",
            "required": True,
            "content_types": ["application/pdf"],
            "max_bytes": 1000,
            "file": body,
        }
    ]


@pytest.mark.parametrize(
    ("slug", "content", "loc", "message"),
    [
        ("birth-record", PNG, ["body", "file"], "“The child's birth record” must be a PDF file."),
        (
            "birth-record",
            b"%PDF-" + b"x" * 2000,
            ["body", "file"],
            "“The child's birth record” must be smaller than 1000\xa0bytes.",
        ),
        ("birth-record", b"", ["body", "file"], "“The child's birth record”: the file is empty."),
        ("passport", PDF, ["path", "slug"], "This form asks for no such file."),
    ],
)
def test_a_wrong_file_is_a_422_naming_the_field_and_nothing_is_kept(
    client: Client, upload_key: str, slug: str, content: bytes, loc: list[str], message: str
) -> None:
    application = _draft(client, upload_key)

    response = _upload(client, upload_key, application, slug, content, "record.pdf")

    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": loc, "msg": message, "type": "value_error"}]}
    assert not Upload.objects.exists()


def test_a_request_without_a_file_is_a_422(client: Client, upload_key: str) -> None:
    application = _draft(client, upload_key)
    response = client.post(
        f"/api/v1/applications/{application}/uploads/birth-record",
        {},
        headers={"Authorization": f"Bearer {upload_key}"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "file"


def test_another_residents_application_is_a_404_and_gets_no_file(
    client: Client, upload_key: str
) -> None:
    application = _draft(client, upload_key)
    _t, other_key = api_token_create(user=factories.resident(), name="other")

    response = _upload(client, other_key, application, "birth-record", PDF)

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no such application."}
    assert not Upload.objects.exists()


def test_a_sent_application_takes_no_more_files(client: Client, upload_key: str) -> None:
    application = _draft(client, upload_key)
    auth = {"Authorization": f"Bearer {upload_key}"}
    assert _upload(client, upload_key, application, "birth-record", PDF).status_code == 201
    assert (
        client.post(f"/api/v1/applications/{application}/submit", headers=auth).status_code == 200
    )

    response = _upload(client, upload_key, application, "birth-record", PDF + b"2", "b.pdf")

    assert response.status_code == 409
    assert response.json() == {"detail": "This application has been sent and cannot be changed."}
    assert list(Upload.objects.values_list("name", flat=True)) == ["a.pdf"]


def test_a_draft_is_not_sent_without_its_required_file(client: Client, upload_key: str) -> None:
    application = _draft(client, upload_key)

    response = client.post(
        f"/api/v1/applications/{application}/submit",
        headers={"Authorization": f"Bearer {upload_key}"},
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "answers", "birth-record"],
            "msg": "Attach “The child's birth record”.",
            "type": "answer",
        }
    ]
    assert Application.objects.get().status == "draft"


BUILDING_PERMIT = {
    "site_address": "Calle del Puerto 12",
    "parcel_reference": "PD-2019-0042",
    "works": "extension",
    "floor_area": 40,
    "budget": 60000,
    "architect": "Marta Ruiz",
}


def test_a_building_permit_is_applied_for_paid_and_sent_through_the_api(
    client: Client, demo_catalogue: None, uploads_dir: Path
) -> None:
    resident = factories.resident()
    _token, key = api_token_create(user=resident, name="tests")
    auth = {"Authorization": f"Bearer {key}"}
    draft = _post(
        client, key, {"service": "building-permit", "answers": BUILDING_PERMIT, "submit": False}
    )
    assert draft.status_code == 201, draft.content
    application = draft.json()["id"]
    assert [(u["slug"], u["required"], u["file"]) for u in draft.json()["uploads"]] == [
        ("site-plan", True, None),
        ("project", True, None),
    ]
    early = client.post(f"/api/v1/applications/{application}/submit", headers=auth)
    assert early.status_code == 422
    assert [e["loc"][-1] for e in early.json()["detail"]] == ["site-plan", "project"]

    site_plan = _upload(client, key, application, "site-plan", PNG, "plan.png")
    project = _upload(client, key, application, "project", PDF, "project.pdf")
    assert (site_plan.status_code, project.status_code) == (201, 201)
    assert site_plan.json()["content_type"] == "image/png"
    unpaid = client.post(f"/api/v1/applications/{application}/submit", headers=auth)
    assert unpaid.status_code == 422
    assert unpaid.json()["detail"][0]["loc"] == ["body", "payment"]

    declined = client.post(
        f"/api/v1/applications/{application}/payment",
        {"card_number": "4000 0000 0000 0002"},
        content_type="application/json",
        headers={**auth, "Idempotency-Key": "card-1"},
    )
    assert declined.status_code == 402
    paid = client.post(
        f"/api/v1/applications/{application}/payment",
        {"card_number": "4242 4242 4242 4242"},
        content_type="application/json",
        headers={**auth, "Idempotency-Key": "card-2"},
    )
    assert paid.status_code == 200, paid.content
    assert paid.json()["status"] == "captured"
    assert (paid.json()["amount"], paid.json()["currency"]) == ("250.00", "DMD")
    sent = client.post(f"/api/v1/applications/{application}/submit", headers=auth)
    again = client.post(f"/api/v1/applications/{application}/submit", headers=auth)

    assert (sent.status_code, again.status_code) == (200, 200), sent.content
    body = sent.json()
    assert (body["status"], body["state"]) == ("submitted", "received")
    assert [(u["slug"], u["file"]["name"]) for u in body["uploads"]] == [
        ("site-plan", "plan.png"),
        ("project", "project.pdf"),
    ]
    assert again.json()["reference"] == body["reference"]
    assert Case.objects.get().reference == body["reference"]
    assert sorted(Payment.objects.values_list("status", flat=True)) == ["captured", "declined"]
    assert User.objects.get(pk=resident.pk).applications.get().uploads.count() == 2


def test_listing_applications_reads_their_files_and_their_evidence_in_one_query_each(
    client: Client, upload_key: str, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        application = _draft(client, upload_key)
        _upload(client, upload_key, application, "birth-record", PDF)
    auth = {"Authorization": f"Bearer {upload_key}"}
    client.get("/api/v1/applications", headers=auth)  # warm the per-process caches

    with django_assert_max_num_queries(4):
        listed = client.get("/api/v1/applications", headers=auth).json()

    assert [item["uploads"][0]["file"]["name"] for item in listed["items"]] == ["a.pdf"] * 3


def test_paying_is_refused_for_another_resident_a_long_key_and_a_free_service(
    client: Client, key: str
) -> None:
    draft = _post(client, key, {"service": "child-benefit", "answers": ANSWERS, "submit": False})
    url = f"/api/v1/applications/{draft.json()['id']}/payment"
    card = {"card_number": "4242 4242 4242 4242"}
    _t, other_key = api_token_create(user=factories.resident(), name="other")

    theirs = client.post(
        url, card, content_type="application/json", headers={"Authorization": f"Bearer {other_key}"}
    )
    long_key = client.post(
        url,
        card,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "k" * 41},
    )
    free = client.post(
        url, card, content_type="application/json", headers={"Authorization": f"Bearer {key}"}
    )

    assert (theirs.status_code, long_key.status_code, free.status_code) == (404, 422, 409)
    assert long_key.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert free.json() == {"detail": "This application has no fee to pay."}
    assert not Payment.objects.exists()
