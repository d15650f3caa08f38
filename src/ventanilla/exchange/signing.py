"""This node's signature on exchange requests, and the keys it checks others' with:
HTTP Message Signatures (RFC 9421) with Ed25519, covering the method, the target URI and
the X-Road client and request id."""

from __future__ import annotations

import base64
import datetime as dt
import re
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
    created = int(timezone.now().timestamp())
    values = [method, url, headers["X-Road-Client"], headers["X-Road-Id"], member_id]
    if not (_PLAIN_URL.fullmatch(url) and all(_PLAIN_VALUE.fullmatch(v) for v in values)):
        # Anything unusual (credentials or a fragment in the URL, quotes, other
        # characters) is left to the library, which knows every rule of RFC 9421.
        HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=Keys()).sign(
            Message(method, url, headers),
            key_id=member_id,
            covered_component_ids=COVERED,
            created=dt.datetime.fromtimestamp(created, tz=dt.UTC),
            label=LABEL,
        )
        return
    # The signature base of RFC 9421 (2.5) for our four components, written out: the
    # library spends ten times the signature itself serialising it (bench/exchange.py).
    # tests/exchange/test_signing.py checks that both write the same headers.
    params = f'{_COVERED_LIST};created={created};keyid="{member_id}";alg="ed25519"'
    base = (
        f'"@method": {method}\n"@target-uri": {url}\n'
        f'"x-road-client": {values[2]}\n"x-road-id": {values[3]}\n'
        f'"@signature-params": {params}'
    )
    signature = base64.b64encode(node_key().sign(base.encode())).decode()
    headers["Signature-Input"] = f"{LABEL}={params}"
    headers["Signature"] = f"{LABEL}=:{signature}:"


LABEL = "xroad"
_COVERED_LIST = "(" + " ".join(f'"{name}"' for name in COVERED) + ")"
# A URL whose @target-uri is the URL itself (no credentials, no fragment, a path), and a
# value that goes into the base or into an sf-string as it is (printable ASCII, no quote,
# no backslash, no space at either end).
_PLAIN_URL = re.compile(
    r"https?://[A-Za-z0-9.:\-\[\]]+"  # the authority
    r"/[A-Za-z0-9._~%!$&'()*+,;=:@/\-]*"  # the path
    r"(\?[A-Za-z0-9._~%!$&'()*+,;=:@/?\-]*)?"  # the query
)
_PLAIN_VALUE = re.compile(r"[!#-\[\]-~]([ !#-\[\]-~]*[!#-\[\]-~])?")


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
