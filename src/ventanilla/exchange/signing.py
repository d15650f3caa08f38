"""This node's signature on exchange requests, the keys it checks others' with, and the
check itself: HTTP Message Signatures (RFC 9421) with Ed25519, covering the method, the
target URI and the X-Road client and request id."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import ipaddress
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.utils import timezone
from django.utils.datastructures import CaseInsensitiveMapping
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    algorithms,
)
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
    if not (_plain_url(url) and all(_PLAIN_VALUE.fullmatch(v) for v in values)):
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
    base = _signature_base(method, url, values[2], values[3], params)
    signature = base64.b64encode(node_key().sign(base.encode())).decode()
    headers["Signature-Input"] = f"{LABEL}={params}"
    headers["Signature"] = f"{LABEL}=:{signature}:"


@dataclass(frozen=True)
class Verified:
    """A request's signature that verified: what it covers, who made it and when."""

    covered: frozenset[str]
    key_id: str
    created: int


def verify_request(message: Message, *, keys: Keys, max_age: dt.timedelta) -> Verified:
    """Check the request's one signature as RFC 9421 says: its key, its algorithm
    (Ed25519), its age (at most ``max_age``, and not made in the future), and the
    signature over its covered components. ``message.headers`` are Django's request
    headers (for any other mapping, the library checks the signature).

    Raises HTTPMessageSignaturesException, with the reason, if it does not verify."""
    verified = _verified_plain(message, keys=keys, max_age=max_age)
    if verified is not None:
        return verified
    # Anything else, and anything that did not verify above, goes to the library, which
    # knows every rule of RFC 9421 and says what is wrong.
    (result,) = HTTPMessageVerifier(
        signature_algorithm=algorithms.ED25519, key_resolver=keys
    ).verify(message, max_age=max_age)
    return Verified(
        covered=frozenset(name.strip('"') for name in result.covered_components)
        - {"@signature-params"},
        key_id=str(result.parameters.get("keyid", "")),
        created=int(result.parameters["created"]),
    )


def _verified_plain(message: Message, *, keys: Keys, max_age: dt.timedelta) -> Verified | None:
    """The usual request's signature, as ``sign_request`` writes it, checked without the
    library, which takes five times Ed25519's own check to parse the two headers and
    write the base again (bench/exchange.py). None unless it verifies: for any other form
    (other parameters or their order, other components, a value outside the plain
    characters) and for any failure, the library decides. It accepts what the library
    accepts (tests/exchange/test_signing.py): the same base, time window and key."""
    headers = message.headers
    if not isinstance(headers, CaseInsensitiveMapping):  # one value per name, any case
        return None
    signature_input = _PLAIN_INPUT.fullmatch(headers.get("Signature-Input", ""))
    signature = _PLAIN_SIGNATURE.fullmatch(headers.get("Signature", ""))
    if (
        signature_input is None
        or signature is None
        or signature_input["label"] != signature["label"]
    ):
        return None
    key_id, client, x_road_id = (
        signature_input["keyid"],
        headers.get("X-Road-Client", ""),
        headers.get("X-Road-Id", ""),
    )
    if not (
        _plain_url(message.url)
        and _METHOD.fullmatch(message.method)
        and all(_PLAIN_VALUE.fullmatch(v) for v in (client, x_road_id, key_id))
    ):
        return None
    created, now = int(signature_input["created"]), time.time()
    skew = HTTPMessageVerifier.max_clock_skew.total_seconds()  # the library's tolerance
    if not now - skew - max_age.total_seconds() <= created <= now + skew:
        return None
    params = signature_input["params"]
    base = _signature_base(message.method, message.url, client, x_road_id, params)
    try:
        keys.resolve_public_key(key_id).verify(
            base64.b64decode(signature["value"], validate=True), base.encode()
        )
    except (HTTPMessageSignaturesException, InvalidSignature, binascii.Error):
        return None
    return Verified(covered=frozenset(COVERED), key_id=key_id, created=created)


def _signature_base(method: str, url: str, client: str, x_road_id: str, params: str) -> str:
    return (
        f'"@method": {method}\n"@target-uri": {url}\n'
        f'"x-road-client": {client}\n"x-road-id": {x_road_id}\n'
        f'"@signature-params": {params}'
    )


LABEL = "xroad"
_COVERED_LIST = "(" + " ".join(f'"{name}"' for name in COVERED) + ")"
# A URL whose @target-uri is the URL itself, and that the library's strict parser takes:
# no credentials, a path, no fragment, only the characters RFC 3986 allows there, each
# % a whole escape, a valid IPv6 address in brackets. And a value that goes into the base
# or into an sf-string as it is (printable ASCII, no quote, no backslash, no space at
# either end).
_PLAIN_URL = re.compile(
    r"https?://(?P<host>[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?"
    r"/(?:[A-Za-z0-9._~!$&'()*+,;=:@/\-]|%[0-9A-Fa-f]{2})*"  # the path
    r"(?:\?(?:[A-Za-z0-9._~!$&'()*+,;=:@/?\-]|%[0-9A-Fa-f]{2})*)?"  # the query
)
_METHOD = re.compile("[A-Z]+")  # the library takes upper-case methods only


def _plain_url(url: str) -> bool:
    parts = _PLAIN_URL.fullmatch(url)
    if parts is None:
        return False
    if parts["host"].startswith("["):
        try:
            ipaddress.IPv6Address(parts["host"][1:-1])
        except ValueError:
            return False
    return True


_PLAIN_VALUE = re.compile(r"[!#-\[\]-~]([ !#-\[\]-~]*[!#-\[\]-~])?")
# The two headers as sign_request writes them, byte for byte their canonical form (RFC
# 8941): one signature, our components and parameters in our order, an integer without
# leading zeros, a 64-byte signature in padded base64.
_PLAIN_INPUT = re.compile(
    r"(?P<label>[a-z*][a-z0-9_.*\-]{0,63})=(?P<params>"
    + re.escape(_COVERED_LIST)
    + r';created=(?P<created>0|[1-9][0-9]{0,14});keyid="(?P<keyid>[^"\\]*)";alg="ed25519")'
)
_PLAIN_SIGNATURE = re.compile(
    r"(?P<label>[a-z*][a-z0-9_.*\-]{0,63})=:(?P<value>[A-Za-z0-9+/]{85}[AQgw]==):"
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
