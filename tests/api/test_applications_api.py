"""/api/v1/applications: apply with an API key, idempotently; read only your own."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.db import connection
from django.test import Client

from tests import factories
from ventanilla.applications.models import Application
from ventanilla.casework.models import Case
from ventanilla.identity.services import api_token_create, api_token_revoke

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
