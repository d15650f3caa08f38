"""The X-Road REST endpoint: signed requests with the X-Road headers; forged, tampered,
replayed and stale requests refused with 401; malformed headers with 400."""

from __future__ import annotations

import base64
import datetime as dt
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.test import Client

from ventanilla.casework.models import Case
from ventanilla.exchange import signing
from ventanilla.exchange.models import Call, Member, SeenRequest, Subsystem
from ventanilla.exchange.services import (
    access_right_grant,
    access_right_revoke,
    seen_requests_prune,
)
from ventanilla.exchange.signing import request_headers, sign_request

pytestmark = pytest.mark.django_db

PATH = "/r1/TEST/GOV/registry/population/person/{subject}?purpose={purpose}"


def _signed(
    client: Subsystem, subject: str, purpose: str = "benefit-assessment", **headers: str
) -> tuple[str, dict[str, str]]:
    path = PATH.format(subject=subject, purpose=purpose)
    sent = request_headers(client=client, **headers)
    sign_request(
        method="GET", url=f"http://testserver{path}", headers=sent, member_id=str(client.member)
    )
    return path, sent


def test_a_signed_request_with_the_x_road_headers_gets_the_data(
    mediator: dict[str, Any], case: Case
) -> None:
    national_id = case.applicant.national_id
    path, headers = _signed(mediator["client"], national_id, issue=case.reference)
    response = Client().get(path, headers=headers)
    assert response.status_code == 200, response.content
    assert response.json()["national_id"] == national_id
    assert response["X-Road-Id"] == headers["X-Road-Id"]
    assert response["X-Road-Service"] == "TEST/GOV/registry/population/person"
    call = Call.objects.get()
    assert (call.outcome, call.case_reference) == ("completed", case.reference)


def test_a_request_signed_by_hand_as_rfc_9421_says_is_accepted(
    mediator: dict[str, Any], case: Case
) -> None:
    """An independent signer (no signature library): the signature base written out."""
    path = PATH.format(subject=case.applicant.national_id, purpose="benefit-assessment")
    created = int(time.time())
    params = (
        '("@method" "@target-uri" "x-road-client" "x-road-id")'
        f';created={created};keyid="TEST/GOV/treasury";alg="ed25519"'
    )
    base = (
        '"@method": GET\n'
        f'"@target-uri": http://testserver{path}\n'
        '"x-road-client": TEST/GOV/treasury/benefits\n'
        '"x-road-id": by-hand-1\n'
        f'"@signature-params": {params}'
    )
    signature = base64.b64encode(signing.node_key().sign(base.encode())).decode()
    response = Client().get(
        path,
        headers={
            "X-Road-Client": "TEST/GOV/treasury/benefits",
            "X-Road-Id": "by-hand-1",
            "X-Road-Issue": case.reference,
            "Signature-Input": f"sig1={params}",
            "Signature": f"sig1=:{signature}:",
        },
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", "X-Road-Client must read INSTANCE/MEMBER_CLASS/MEMBER_CODE/SUBSYSTEM, not ''"),
        (
            "TEST/GOV/treasury",
            "X-Road-Client must read INSTANCE/MEMBER_CLASS/MEMBER_CODE/SUBSYSTEM",
        ),
        ("TEST//treasury/benefits", "X-Road-Client must read"),
    ],
)
def test_a_malformed_x_road_client_gets_a_clear_400(
    mediator: dict[str, Any], header: str, message: str
) -> None:
    response = Client().get(
        PATH.format(subject="1234567890", purpose="x"),
        headers={"X-Road-Client": header, "X-Road-Id": "abc"},
    )
    assert response.status_code == 400
    assert response["X-Road-Error"] == "Client.BadRequest"
    assert message in response.json()["message"]


def test_an_unknown_client_is_refused_with_401_whatever_the_path(
    mediator: dict[str, Any], case: Case
) -> None:
    path, headers = _signed(mediator["client"], case.applicant.national_id)
    for client in (
        "TEST/GOV/treasury/unknown",
        "TEST/GOV/nobody/benefits",
        "OTHER/GOV/treasury/benefits",
    ):
        sent = {**headers, "X-Road-Client": client}
        for target in (path, path.replace("population/person", "population/nothing")):
            response = Client().get(target, headers=sent)
            assert response.status_code == 401, (client, target)
            assert response.json()["message"] == "unknown X-Road-Client"
    assert not Call.objects.exists()


def test_an_unknown_service_is_a_404_once_the_signature_verifies(
    mediator: dict[str, Any], case: Case
) -> None:
    subject = case.applicant.national_id
    for path in (
        PATH.format(subject=subject, purpose="x").replace("population/person", "population/pets"),
        PATH.format(subject=subject, purpose="x").replace("/registry/", "/treasury/"),
        PATH.format(subject=subject, purpose="x").replace("/TEST/", "/OTHER/"),
    ):
        sent = request_headers(client=mediator["client"])
        url = f"http://testserver{path}"
        sign_request(method="GET", url=url, headers=sent, member_id=str(mediator["treasury"]))
        response = Client().get(path, headers=sent)
        assert response.status_code == 404, path
        assert response["X-Road-Error"] == "Server.ServerProxy.UnknownService"
        unsigned = {k: v for k, v in sent.items() if not k.startswith("Signature")}
        assert Client().get(path, headers=unsigned).status_code == 401
    assert not Call.objects.exists()


def test_an_unsigned_request_is_refused_with_401(mediator: dict[str, Any], case: Case) -> None:
    path, headers = _signed(mediator["client"], case.applicant.national_id)
    del headers["Signature"], headers["Signature-Input"]
    response = Client().get(path, headers=headers)
    assert response.status_code == 401
    assert response["X-Road-Error"] == "Client.Unauthorized"
    assert not Call.objects.exists()


def test_a_tampered_request_is_refused_with_401(mediator: dict[str, Any], case: Case) -> None:
    path, headers = _signed(mediator["client"], case.applicant.national_id)
    other = path.replace(case.applicant.national_id, "1234567890")
    response = Client().get(other, headers=headers)
    assert response.status_code == 401
    assert response.json()["message"] == "the request's signature does not verify"


def test_a_replayed_request_is_refused_with_401(mediator: dict[str, Any], case: Case) -> None:
    path, headers = _signed(mediator["client"], case.applicant.national_id, issue=case.reference)
    assert Client().get(path, headers=headers).status_code == 200
    again = Client().get(path, headers=headers)
    assert again.status_code == 401
    assert again.json()["message"] == "this X-Road-Id was already used: a replayed request"
    assert Call.objects.count() == 1


def test_a_request_signed_longer_ago_than_the_allowed_skew_is_refused(
    mediator: dict[str, Any], case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    ten_minutes_ago = signing.timezone.now() - dt.timedelta(minutes=10)
    monkeypatch.setattr(signing.timezone, "now", lambda: ten_minutes_ago)
    path, headers = _signed(mediator["client"], case.applicant.national_id)
    monkeypatch.undo()
    response = Client().get(path, headers=headers)
    assert response.status_code == 401
    assert not Call.objects.exists()


def test_a_member_signing_for_another_is_refused(mediator: dict[str, Any], case: Case) -> None:
    path = PATH.format(subject=case.applicant.national_id, purpose="benefit-assessment")
    headers = request_headers(client=mediator["client"])
    sign_request(
        method="GET", url=f"http://testserver{path}", headers=headers, member_id="TEST/GOV/registry"
    )
    response = Client().get(path, headers=headers)
    assert response.status_code == 401
    assert "signed by another member" in response.json()["message"]


def test_without_an_access_right_the_answer_is_403(mediator: dict[str, Any], case: Case) -> None:
    access_right_revoke(right=mediator["client"].rights.get())
    path, headers = _signed(mediator["client"], case.applicant.national_id, issue=case.reference)
    response = Client().get(path, headers=headers)
    assert response.status_code == 403
    assert response["X-Road-Error"] == "Server.ServerProxy.AccessDenied"
    assert Call.objects.get().outcome == "refused"


def _remote_member(mediator: dict[str, Any]) -> tuple[Subsystem, Ed25519PrivateKey]:
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    member = Member.objects.create(
        instance="TEST",
        member_class="GOV",
        member_code="town-hall",
        public_key=base64.b64encode(raw).decode(),
    )
    client = Subsystem.objects.create(member=member, code="benefits", name={"en": "Town"})
    access_right_grant(service=mediator["service"], client=client)
    return client, key


def test_another_nodes_member_signs_with_its_own_key_and_attests_its_legal_basis(
    mediator: dict[str, Any], case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, key = _remote_member(mediator)
    path = PATH.format(subject=case.applicant.national_id, purpose="benefit-assessment")
    headers = request_headers(client=client, issue="TOWN-2026-1", user_id="ab12")
    monkeypatch.setattr(signing, "node_key", lambda: key)  # sign as the other node would
    sign_request(
        method="GET", url=f"http://testserver{path}", headers=headers, member_id=str(client.member)
    )
    monkeypatch.undo()
    response = Client().get(path, headers=headers)
    assert response.status_code == 200, response.content
    call = Call.objects.get()
    assert (call.case_reference, call.user_reference) == ("TOWN-2026-1", "ab12")

    headers = request_headers(client=client)
    monkeypatch.setattr(signing, "node_key", lambda: key)
    bad_path = PATH.format(subject=case.applicant.national_id, purpose="marketing")
    sign_request(
        method="GET",
        url=f"http://testserver{bad_path}",
        headers=headers,
        member_id=str(client.member),
    )
    monkeypatch.undo()
    refused = Client().get(bad_path, headers=headers)
    assert refused.status_code == 403
    assert refused["X-Road-Error"] == "Server.ServerProxy.NoLegalBasis"


def test_another_nodes_member_cannot_sign_with_this_nodes_key(
    mediator: dict[str, Any], case: Case
) -> None:
    client, _key = _remote_member(mediator)
    path, headers = _signed(client, case.applicant.national_id)
    assert Client().get(path, headers=headers).status_code == 401


def test_request_ids_too_old_to_replay_are_forgotten(mediator: dict[str, Any], case: Case) -> None:
    path, headers = _signed(mediator["client"], case.applicant.national_id, issue=case.reference)
    assert Client().get(path, headers=headers).status_code == 200
    assert seen_requests_prune() == 0
    SeenRequest.objects.update(at=signing.timezone.now() - dt.timedelta(minutes=11))
    assert seen_requests_prune() == 1
