"""The node's request signature: written out for the usual request, by the library for
anything else, the same headers either way, and verified by the library."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from http_message_signatures import HTTPMessageSigner, HTTPMessageVerifier, algorithms
from http_message_signatures.exceptions import InvalidSignature

from ventanilla.exchange.signing import COVERED, LABEL, Keys, Message, sign_request

CLIENT = "DEMO/GOV/social-security/benefits"
URL = "http://127.0.0.1:8000/r1/DEMO/GOV/civil-registry/population/person/1234567890?purpose=x"


@pytest.mark.parametrize(
    ("url", "client", "member"),
    [
        (URL, CLIENT, "DEMO/GOV/social-security"),
        (
            "https://node-b.example.org/r1/A/B/C/sub/service/name/%C3%B1?purpose=a%20b",
            CLIENT,
            "A/B/C",
        ),
        ("http://[::1]:8443/r1/A/B/C/s/x/1?purpose=", "A/B/C/s", "A/B/C"),
        # Left to the library: credentials, a fragment, an upper-case scheme, a quote.
        ("http://user:secret@127.0.0.1:8000/r1/A/B/C/s/x/1?purpose=x", CLIENT, "A/B/C"),
        ("http://127.0.0.1:8000/r1/A/B/C/s/x/1?purpose=x#part", CLIENT, "A/B/C"),
        ("HTTP://127.0.0.1:8000/r1/A/B/C/s/x/1?purpose=x", CLIENT, "A/B/C"),
        (URL, CLIENT, 'A/B/"C"'),
    ],
)
def test_the_signature_is_the_librarys_byte_for_byte_and_verifies(
    url: str, client: str, member: str
) -> None:
    ours = {"X-Road-Client": client, "X-Road-Id": "0f" * 16, "X-Road-UserId": "EE:abc"}
    sign_request(method="GET", url=url, headers=ours, member_id=member)
    created = int(re.search(r";created=(\d+)", ours["Signature-Input"])[1])  # type: ignore[index]
    library = {"X-Road-Client": client, "X-Road-Id": "0f" * 16, "X-Road-UserId": "EE:abc"}
    HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=Keys()).sign(
        Message("GET", url, library),
        key_id=member,
        covered_component_ids=COVERED,
        created=dt.datetime.fromtimestamp(created, tz=dt.UTC),
        label=LABEL,
    )
    assert ours == library  # Ed25519 is deterministic: the same base, the same signature
    public = Keys().resolve_private_key(member).public_key()

    class Resolver(Keys):
        def resolve_public_key(self, key_id: str):  # type: ignore[no-untyped-def]
            return public

    (result,) = HTTPMessageVerifier(
        signature_algorithm=algorithms.ED25519, key_resolver=Resolver()
    ).verify(Message("GET", url, ours), max_age=dt.timedelta(minutes=5))
    assert result.parameters["keyid"] == member


def test_a_changed_header_breaks_the_signature() -> None:
    headers = {"X-Road-Client": CLIENT, "X-Road-Id": "1" * 32}
    sign_request(method="GET", url=URL, headers=headers, member_id="DEMO/GOV/social-security")
    headers["X-Road-Id"] = "2" * 32
    public = Keys().resolve_private_key("").public_key()

    class Resolver(Keys):
        def resolve_public_key(self, key_id: str):  # type: ignore[no-untyped-def]
            return public

    verifier = HTTPMessageVerifier(signature_algorithm=algorithms.ED25519, key_resolver=Resolver())
    with pytest.raises(InvalidSignature):
        verifier.verify(Message("GET", URL, headers), max_age=dt.timedelta(minutes=5))
