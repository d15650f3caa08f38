"""The node's request signature: written out for the usual request, by the library for
anything else, the same headers either way; and its check, ours for the usual request and
the library's for anything else, accepting exactly what the library accepts."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from unittest import mock

import pytest
from django.utils.datastructures import CaseInsensitiveMapping
from http_message_signatures import HTTPMessageSigner, HTTPMessageVerifier, algorithms
from http_message_signatures.exceptions import HTTPMessageSignaturesException, InvalidSignature
from hypothesis import given, settings
from hypothesis import strategies as st

from ventanilla.exchange.signing import (
    COVERED,
    LABEL,
    Keys,
    Message,
    _verified_plain,
    sign_request,
    verify_request,
)

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


MAX_AGE = dt.timedelta(minutes=5)
MEMBER = "DEMO/GOV/social-security"


class NodeKey(Keys):
    """The node's own key for the members that sign with it; nobody else is known."""

    def resolve_public_key(self, key_id: str):  # type: ignore[no-untyped-def]
        if key_id not in (MEMBER, "A/B/C", 'A/B/"C"'):
            raise HTTPMessageSignaturesException(f"unknown key id {key_id!r}")
        return self.resolve_private_key(key_id).public_key()


def _library_verifies(message: Message) -> bool:
    try:
        HTTPMessageVerifier(signature_algorithm=algorithms.ED25519, key_resolver=NodeKey()).verify(
            message, max_age=MAX_AGE
        )
    except HTTPMessageSignaturesException:
        return False
    return True


def _library_signed(url: str, headers: dict[str, str], *, created: int, member: str = MEMBER):
    HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=NodeKey()).sign(
        Message("GET", url, headers),
        key_id=member,
        covered_component_ids=COVERED,
        created=dt.datetime.fromtimestamp(created, tz=dt.UTC),
        label="sig1",
    )
    return headers


@pytest.mark.parametrize(
    ("url", "member", "plain"),
    [
        (URL, MEMBER, True),
        (
            "https://node-b.example.org/r1/A/B/C/sub/service/name/%C3%B1?purpose=a%20b",
            "A/B/C",
            True,
        ),
        ("http://[::1]:8443/r1/A/B/C/s/x/1?purpose=", "A/B/C", True),
        ("http://user:secret@127.0.0.1:8000/r1/A/B/C/s/x/1?purpose=x", "A/B/C", False),
        ("HTTP://127.0.0.1:8000/r1/A/B/C/s/x/1?purpose=x", "A/B/C", False),
        (URL, 'A/B/"C"', False),
    ],
)
def test_our_check_and_the_librarys_accept_the_signed_request(
    url: str, member: str, plain: bool
) -> None:
    headers = {"X-Road-Client": CLIENT, "X-Road-Id": "0f" * 16}
    sign_request(method="GET", url=url, headers=headers, member_id=member)
    message = Message("GET", url, CaseInsensitiveMapping(headers))
    assert _library_verifies(message)
    checked = _verified_plain(message, keys=NodeKey(), max_age=MAX_AGE)
    assert (checked is not None) is plain  # anything unusual is left to the library
    verified = verify_request(message, keys=NodeKey(), max_age=MAX_AGE)
    assert verified.key_id == member
    assert verified.covered == set(COVERED)
    assert abs(verified.created - time.time()) < 5
    if checked is not None:
        assert checked == verified
    # Headers in a plain dict may hold one name twice in two cases: the library decides.
    assert _verified_plain(Message("GET", url, headers), keys=NodeKey(), max_age=MAX_AGE) is None


def _other_label(h: dict[str, str]) -> None:
    h["Signature"] = h["Signature"].replace(f"{LABEL}=", "other=")


def _flipped(h: dict[str, str]) -> None:
    value = h["Signature"]
    h["Signature"] = value[:12] + ("B" if value[12] != "B" else "C") + value[13:]


TAMPERED: dict[str, Callable[[dict[str, str]], None]] = {
    "another request id": lambda h: h.update({"X-Road-Id": "1f" * 16}),
    "another client": lambda h: h.update({"X-Road-Client": "DEMO/GOV/tax-board/income"}),
    "another member's key id": lambda h: h.update(
        {"Signature-Input": h["Signature-Input"].replace(MEMBER, "DEMO/GOV/tax-board")}
    ),
    "an unknown key id, re-signed": lambda h: None,  # made below
    "a parameter added": lambda h: h.update(
        {"Signature-Input": h["Signature-Input"] + ';nonce="n"'}
    ),
    "a component left out": lambda h: h.update(
        {"Signature-Input": h["Signature-Input"].replace(' "x-road-id"', "")}
    ),
    "another label": _other_label,
    "a changed signature": _flipped,
    "no signature": lambda h: h.pop("Signature"),
    "two signatures": lambda h: h.update(
        {
            "Signature-Input": h["Signature-Input"]
            + ", "
            + h["Signature-Input"].replace(f"{LABEL}=", "again="),
            "Signature": h["Signature"] + ", " + h["Signature"].replace(f"{LABEL}=", "again="),
        }
    ),
}


@pytest.mark.parametrize("change", list(TAMPERED))
def test_a_tampered_request_is_refused_by_both(change: str) -> None:
    headers = {"X-Road-Client": CLIENT, "X-Road-Id": "0f" * 16}
    member = "Z/Z/unknown" if change == "an unknown key id, re-signed" else MEMBER
    sign_request(method="GET", url=URL, headers=headers, member_id=member)
    TAMPERED[change](headers)
    message = Message("GET", URL, CaseInsensitiveMapping(headers))
    assert _verified_plain(message, keys=NodeKey(), max_age=MAX_AGE) is None
    assert not _library_verifies(message)
    with pytest.raises(HTTPMessageSignaturesException):
        verify_request(message, keys=NodeKey(), max_age=MAX_AGE)


@pytest.mark.parametrize(
    ("url", "method"),
    [(URL.replace("1234567890", "1234567891"), "GET"), (URL, "POST"), (URL + "&more=1", "GET")],
)
def test_another_target_or_method_is_refused_by_both(url: str, method: str) -> None:
    headers = {"X-Road-Client": CLIENT, "X-Road-Id": "0f" * 16}
    sign_request(method="GET", url=URL, headers=headers, member_id=MEMBER)
    message = Message(method, url, CaseInsensitiveMapping(headers))
    assert _verified_plain(message, keys=NodeKey(), max_age=MAX_AGE) is None
    with pytest.raises(HTTPMessageSignaturesException):
        verify_request(message, keys=NodeKey(), max_age=MAX_AGE)


@pytest.mark.parametrize(
    ("age", "accepted"),
    [(0, True), (290, True), (-4, True), (310, False), (-60, False)],
)
def test_both_keep_the_same_time_window(age: int, accepted: bool) -> None:
    headers = {"X-Road-Client": CLIENT, "X-Road-Id": "0f" * 16}
    signed = _library_signed(URL, headers, created=int(time.time()) - age)
    message = Message("GET", URL, CaseInsensitiveMapping(signed))
    assert _library_verifies(message) is accepted
    assert (_verified_plain(message, keys=NodeKey(), max_age=MAX_AGE) is not None) is accepted


@settings(max_examples=200, deadline=None)
@given(
    scheme=st.sampled_from(["http", "https", "HTTP"]),
    authority=st.sampled_from(
        [
            "127.0.0.1:8000",
            "localhost:8000",
            "LOCALHOST:8000",
            "127.0.0.1:80",
            "127.0.0.1:443",
            "127.0.0.1:080",
            "node-b.example.org",
            "[::1]:8443",
            "[:::::]",
            "user@node-b.example.org",
        ]
    ),
    path=st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=30),
    method=st.sampled_from(["GET", "get"]),
    client=st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=40),
    x_road_id=st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=40),
    age=st.integers(min_value=-30, max_value=400),
    ours_signs=st.booleans(),
)
def test_ours_accepts_only_what_the_library_accepts(
    scheme: str,
    authority: str,
    path: str,
    method: str,
    client: str,
    x_road_id: str,
    age: int,
    ours_signs: bool,
) -> None:
    """Signed by either writer (ours writes the URL as it is where it looks plain), then
    checked: ours never accepts what the library refuses, and nothing the library accepts
    is refused."""
    url = f"{scheme}://{authority}/r1/{path}"
    headers = {"X-Road-Client": client, "X-Road-Id": x_road_id}
    created = dt.datetime.fromtimestamp(int(time.time()) - age, tz=dt.UTC)
    try:
        if ours_signs:
            with mock.patch("ventanilla.exchange.signing.timezone.now", return_value=created):
                sign_request(method=method, url=url, headers=headers, member_id=MEMBER)
        else:
            _library_signed(url, headers, created=int(created.timestamp()))
    except HTTPMessageSignaturesException:
        return  # nothing the library would sign
    message = Message(method, url, CaseInsensitiveMapping(headers))
    library = _library_verifies(message)
    if _verified_plain(message, keys=NodeKey(), max_age=MAX_AGE) is not None:
        assert library
    if library:
        assert verify_request(message, keys=NodeKey(), max_age=MAX_AGE).key_id == MEMBER
    else:
        with pytest.raises(HTTPMessageSignaturesException):
            verify_request(message, keys=NodeKey(), max_age=MAX_AGE)
