"""This node's signature on exchange requests, and the keys it checks others' with:
HTTP Message Signatures (RFC 9421) with Ed25519, covering the method, the target URI and
the X-Road client and request id."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping
from functools import cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.utils import timezone
from http_message_signatures import HTTPMessageSigner, HTTPSignatureKeyResolver, algorithms
from http_message_signatures.exceptions import HTTPMessageSignaturesException

from ventanilla.exchange.models import Member, Subsystem

COVERED = ("@method", "@target-uri", "x-road-client", "x-road-id")


@cache
def _node_key(seed: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed))


def node_key() -> Ed25519PrivateKey:
    """This node's signing key (VENTANILLA_EXCHANGE_SIGNING_KEY)."""
    return _node_key(settings.VENTANILLA_EXCHANGE_SIGNING_KEY)


def node_public_key() -> str:
    raw = node_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


class Keys(HTTPSignatureKeyResolver):
    """Public keys by key id (a member id): this node's own members sign with the node's
    key; another node's members with the key registered for them."""

    def __init__(self, *, known: Member | None = None) -> None:
        self.known = known  # the member the request says it comes from, already loaded

    def resolve_public_key(self, key_id: str) -> Ed25519PublicKey:
        parts = key_id.split("/")
        if self.known is not None and key_id == str(self.known):
            member: Member | None = self.known
        else:
            member = (
                Member.objects.filter(
                    instance=parts[0], member_class=parts[1], member_code=parts[2]
                ).first()
                if len(parts) == 3
                else None
            )
        if member is None:
            raise HTTPMessageSignaturesException(f"unknown key id {key_id!r}")
        if member.agency_id is not None:
            return node_key().public_key()
        if not member.public_key:
            raise HTTPMessageSignaturesException(f"no key registered for {key_id!r}")
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(member.public_key))

    def resolve_private_key(self, key_id: str) -> Ed25519PrivateKey:
        return node_key()


class Message:
    """What the signature library reads: method, URL and headers."""

    def __init__(self, method: str, url: str, headers: Mapping[str, str]) -> None:
        self.method = method
        self.url = url
        self.headers = headers


def sign_request(*, method: str, url: str, headers: dict[str, str], member_id: str) -> None:
    """Add ``Signature-Input`` and ``Signature`` to ``headers`` (in place), signed by this
    node for ``member_id``."""
    HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=Keys()).sign(
        Message(method, url, headers),
        key_id=member_id,
        covered_component_ids=COVERED,
        created=timezone.now(),
        label="xroad",
    )


def request_headers(
    *, client: Subsystem, x_road_id: str = "", user_id: str = "", issue: str = ""
) -> dict[str, str]:
    """The X-Road headers of a request from ``client`` (not yet signed)."""
    headers = {
        "X-Road-Client": f"{client.member}/{client.code}",
        "X-Road-Id": x_road_id or uuid.uuid4().hex,
    }
    if user_id:
        headers["X-Road-UserId"] = user_id
    if issue:
        headers["X-Road-Issue"] = issue
    return headers
