"""The adapter that asks a provider on another node: what goes out (signed, to the X-Road
path), what each kind of answer becomes (data, a refusal, a failure, a timeout), that
connections are kept and reused, and HTTPS with a federation's own certificate
authority. Against a small HTTP server in this process, so it runs on both databases."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.test import override_settings
from django.utils.datastructures import CaseInsensitiveMapping

from tests.exchange.test_mediator import _call
from tests.exchange.test_two_nodes import _free_port
from ventanilla.core.errors import (
    ExchangeError,
    ExchangeNoLegalBasisError,
    ExchangeNotAllowedError,
    ExchangeProviderFailedError,
    ExchangeProviderTimeoutError,
    ExchangeSubjectUnknownError,
)
from ventanilla.exchange import adapters
from ventanilla.exchange.models import Call, DataService
from ventanilla.exchange.signing import COVERED, Keys, Message, verify_request

pytestmark = pytest.mark.django_db

PERSON = {
    "national_id": "2279040067",
    "full_name": "Ana Núñez",
    "given_name": "Ana",
    "family_name": "Núñez",
    "birth_date": "1990-01-02",
    "birth_place": "Puerto",
    "address": "Avenida del Nodo 2",
    "postcode": "28001",
    "municipality": "Puerto",
    "civil_status": "single",
    "alive": True,
}

# What the other node answers: status, headers, body (and a pause before it answers).
Answer = tuple[int, dict[str, str], bytes]


@dataclass
class Node:
    """A stand-in for another node: answers every request with ``answer`` and keeps what
    it was asked and on how many connections."""

    url: str = ""
    answer: Callable[[], Answer] = lambda: (200, {}, json.dumps(PERSON).encode())
    pause: float = 0.0
    idle_timeout: float | None = None  # how long it keeps an idle connection open
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    connections: int = 0


def _serve(node: Node, tls: ssl.SSLContext | None = None) -> Iterator[Node]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keeps the connection open between requests

        def setup(self) -> None:
            node.connections += 1
            self.timeout = node.idle_timeout
            super().setup()

        def do_GET(self) -> None:
            node.requests.append((self.path, dict(self.headers.items())))
            time.sleep(node.pause)
            status, headers, body = node.answer()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    node.url = f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    try:
        yield node
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def node() -> Iterator[Node]:
    yield from _serve(Node())


@pytest.fixture
def remote(mediator: dict[str, Any], node: Node) -> DataService:
    """The mediator's population/person, provided by ``node``."""
    DataService.objects.filter(pk=mediator["service"].pk).update(remote_url=node.url)
    return DataService.objects.select_related("provider__member").get(pk=mediator["service"].pk)


def _fetch(service: DataService, mediator: dict[str, Any]) -> dict[str, Any]:
    return adapters.remote_fetch(
        service=service,
        client=mediator["client"],
        national_id=PERSON["national_id"],
        purpose="benefit-assessment",
        case_reference="DL-2026-000001",
        user_reference="",
    )


def test_the_request_goes_to_the_x_road_path_signed_and_the_answer_comes_back(
    remote: DataService, mediator: dict[str, Any], node: Node
) -> None:
    assert _fetch(remote, mediator) == PERSON

    [(path, headers)] = node.requests
    assert path == ("/r1/TEST/GOV/registry/population/person/2279040067?purpose=benefit-assessment")
    assert headers["X-Road-Client"] == "TEST/GOV/treasury/benefits"
    assert headers["X-Road-Issue"] == "DL-2026-000001"
    assert len(headers["X-Road-Id"]) == 32
    verified = verify_request(
        Message("GET", node.url + path, CaseInsensitiveMapping(headers)),
        keys=Keys(),
        max_age=dt.timedelta(minutes=1),
    )
    assert (verified.key_id, verified.covered) == ("TEST/GOV/treasury", frozenset(COVERED))


def test_calls_to_a_node_reuse_one_kept_connection(
    remote: DataService, mediator: dict[str, Any], node: Node, case: Any
) -> None:
    for _ in range(3):
        _call(mediator, case.applicant.national_id, case_reference=case.reference)

    assert len(node.requests) == 3
    assert len({headers["X-Road-Id"] for _path, headers in node.requests}) == 3
    assert node.connections == 1
    assert list(Call.objects.values_list("outcome", flat=True)) == ["completed"] * 3


def test_a_connection_the_other_node_closed_meanwhile_is_replaced(
    remote: DataService, mediator: dict[str, Any], node: Node
) -> None:
    node.idle_timeout = 0.1
    assert _fetch(remote, mediator) == PERSON
    time.sleep(0.5)  # the node has closed the kept connection

    assert _fetch(remote, mediator) == PERSON
    assert (len(node.requests), node.connections) == (2, 2)


@pytest.mark.parametrize(
    ("kind", "status", "error"),
    [
        ("Server.ServerProxy.AccessDenied", 403, ExchangeNotAllowedError),
        ("Server.ServerProxy.NoLegalBasis", 403, ExchangeNoLegalBasisError),
        ("Server.ServerProxy.SubjectNotFound", 404, ExchangeSubjectUnknownError),
        ("Server.ServerProxy.ServiceTimeout", 504, ExchangeProviderTimeoutError),
    ],
)
def test_the_other_nodes_refusal_comes_back_as_its_typed_error_with_its_message(
    remote: DataService,
    mediator: dict[str, Any],
    node: Node,
    kind: str,
    status: int,
    error: type[ExchangeError],
) -> None:
    body = json.dumps({"type": kind, "message": "Told by node B."}).encode()
    node.answer = lambda: (status, {"X-Road-Error": kind}, body)

    with pytest.raises(error, match=r"^Told by node B\.$"):
        _fetch(remote, mediator)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((500, {}, b"<h1>Server Error</h1>"), "The registry's node answered 500."),
        ((403, {"X-Road-Error": "Server.Unknown"}, b"{}"), "The registry's node answered 403."),
        ((302, {"Location": "/elsewhere"}, b""), "The registry's node answered 302."),
        ((200, {}, b"{not json"), "The registry could not answer."),
    ],
)
def test_any_other_answer_is_a_provider_failure_and_no_redirect_is_followed(
    remote: DataService, mediator: dict[str, Any], node: Node, answer: Answer, message: str
) -> None:
    node.answer = lambda: answer

    with pytest.raises(ExchangeProviderFailedError, match=re.escape(message)):
        _fetch(remote, mediator)
    assert len(node.requests) == 1  # a redirect is not followed: the signature is for here


def test_a_node_that_answers_too_late_is_a_timeout(
    remote: DataService, mediator: dict[str, Any], node: Node
) -> None:
    remote.timeout_seconds = 0.2
    node.pause = 1.0

    started = time.monotonic()
    with pytest.raises(ExchangeProviderTimeoutError):
        _fetch(remote, mediator)
    assert time.monotonic() - started < 0.9


def test_a_node_nobody_answers_at_is_a_failure_not_a_timeout(
    remote: DataService, mediator: dict[str, Any]
) -> None:
    remote.remote_url = f"http://127.0.0.1:{_free_port()}"

    with pytest.raises(ExchangeProviderFailedError, match="could not answer"):
        _fetch(remote, mediator)


@pytest.fixture
def proxy(node: Node, monkeypatch: pytest.MonkeyPatch, fresh_pool: None) -> Node:
    """``node`` is the proxy the environment names for HTTP (it answers as the node)."""
    for name in ("http_proxy", "https_proxy", "no_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HTTP_PROXY", node.url)
    return node


def test_calls_go_through_the_proxy_the_environment_names(
    mediator: dict[str, Any], proxy: Node
) -> None:
    service = mediator["service"]
    service.remote_url = "http://registry.invalid:8000"  # only the proxy can reach it

    assert _fetch(service, mediator) == PERSON
    [(target, headers)] = proxy.requests
    assert target.startswith("http://registry.invalid:8000/r1/TEST/GOV/registry/")
    assert headers["X-Road-Client"] == "TEST/GOV/treasury/benefits"


def test_a_host_no_proxy_names_is_called_directly(
    mediator: dict[str, Any], proxy: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    service = mediator["service"]
    service.remote_url = f"http://127.0.0.1:{_free_port()}"  # nobody answers there

    with pytest.raises(ExchangeProviderFailedError, match="could not answer"):
        _fetch(service, mediator)
    assert proxy.requests == []


# --- HTTPS, with a federation's own certificate authority ---


def certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Certificate | None, signer: Any
) -> x509.Certificate:
    """A day's certificate for ``key``: an authority's own (``issuer`` None), or a server's
    for 127.0.0.1 that ``issuer`` signs with its key ``signer``."""
    now = dt.datetime.now(dt.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
    )
    if issuer is None:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=0), True)
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            True,
        )
        builder = builder.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False
        )
    else:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            False,
        )
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()),
            False,
        )
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False
        )
    return builder.sign(signer, hashes.SHA256())


@pytest.fixture
def tls_node(tmp_path: Path) -> Iterator[tuple[Node, Path]]:
    """A node serving HTTPS with a certificate from its own authority; the authority's
    certificate is in the PEM file given with it."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = certificate("Demoland federation CA", ca_key, None, ca_key)
    key = ec.generate_private_key(ec.SECP256R1())
    node_certificate = certificate("node-b", key, ca, ca_key)
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "node.pem").write_bytes(
        node_certificate.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(tmp_path / "node.pem")
    for node in _serve(Node(), tls):
        yield node, tmp_path / "ca.pem"


@pytest.fixture
def fresh_pool() -> Iterator[None]:
    """The pools (their TLS context and proxy) built anew for the test's settings and
    environment, and after."""
    adapters._pool_of.cache_clear()
    adapters._environment_proxies.cache_clear()
    yield
    adapters._pool_of.cache_clear()
    adapters._environment_proxies.cache_clear()


def test_https_to_a_node_certified_by_the_federations_own_authority(
    mediator: dict[str, Any], tls_node: tuple[Node, Path], fresh_pool: None
) -> None:
    node, ca_file = tls_node
    service = mediator["service"]
    service.remote_url = node.url
    with override_settings(VENTANILLA_EXCHANGE_CA_FILE=str(ca_file)):
        assert _fetch(service, mediator) == PERSON
        assert _fetch(service, mediator) == PERSON
    assert node.connections == 1  # one handshake for both


def test_https_to_a_node_whose_certificate_nobody_vouches_for_is_refused(
    mediator: dict[str, Any], tls_node: tuple[Node, Path], fresh_pool: None
) -> None:
    node, _ca_file = tls_node
    service = mediator["service"]
    service.remote_url = node.url

    with pytest.raises(ExchangeProviderFailedError, match="could not answer"):
        _fetch(service, mediator)
    assert node.requests == []  # nothing was sent to it
