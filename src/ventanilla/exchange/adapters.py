"""Providers on another node, reached over HTTP the X-Road way: the request signed by this
node for the client's member (RFC 9421), the answer or X-Road's error read back into the
mediator's typed errors. The only HTTP client of the exchange.

Requests go through one urllib3 pool per process: connections to a node are kept open
and reused (thread-safe), and HTTPS uses one TLS context, built once. A new connection and
context per request, as ``urllib.request.urlopen`` makes them, cost more than the call
itself: loading the system's certificate authorities alone takes tens of milliseconds
(bench/exchange.py, two nodes). Nothing is retried or redirected here: a signed request
is valid once (its X-Road-Id), so the mediator's own retry signs a new one.
"""

from __future__ import annotations

import functools
import json
import os
import ssl
import urllib.parse
import urllib.request
from typing import Any

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

from ventanilla.core.errors import (
    ExchangeNoLegalBasisError,
    ExchangeNotAllowedError,
    ExchangeProviderFailedError,
    ExchangeProviderTimeoutError,
    ExchangeSubjectUnknownError,
)
from ventanilla.exchange.models import DataService, Subsystem
from ventanilla.exchange.signing import request_headers, sign_request

# X-Road error types the provider node answers with -> what the caller gets here.
REFUSALS = {
    "Server.ServerProxy.AccessDenied": ExchangeNotAllowedError,
    "Server.ServerProxy.NoLegalBasis": ExchangeNoLegalBasisError,
    "Server.ServerProxy.SubjectNotFound": ExchangeSubjectUnknownError,
    "Server.ServerProxy.ServiceTimeout": ExchangeProviderTimeoutError,
}


def remote_fetch(
    *,
    service: DataService,
    client: Subsystem,
    national_id: str,
    purpose: str,
    case_reference: str,
    user_reference: str,
) -> dict[str, Any]:
    """GET the service from its node, signed; raise the typed error its answer means."""
    provider = service.provider
    name = service.code.partition("/")[2]
    path = "/".join(
        urllib.parse.quote(part, safe="")
        for part in (
            "r1",
            provider.member.instance,
            provider.member.member_class,
            provider.member.member_code,
            provider.code,
            *name.split("/"),
            national_id,
        )
    )
    url = f"{service.remote_url.rstrip('/')}/{path}?{urllib.parse.urlencode({'purpose': purpose})}"
    headers = request_headers(client=client, user_id=user_reference, issue=case_reference)
    sign_request(method="GET", url=url, headers=headers, member_id=str(client.member))
    try:
        response = _pool(url).request(
            "GET",
            url,
            headers=headers,
            timeout=service.timeout_seconds,
            retries=False,
            redirect=False,
        )
    except urllib3.exceptions.NewConnectionError as error:  # urllib3 counts it a timeout
        raise ExchangeProviderFailedError(_("The registry could not answer.")) from error
    except urllib3.exceptions.TimeoutError:
        raise ExchangeProviderTimeoutError(_("The registry did not answer in time.")) from None
    except urllib3.exceptions.HTTPError as error:
        raise ExchangeProviderFailedError(_("The registry could not answer.")) from error
    if response.status == 200:
        try:
            data: dict[str, Any] = json.loads(response.data)  # the mediator checks its schema
        except ValueError as error:
            raise ExchangeProviderFailedError(_("The registry could not answer.")) from error
        return data
    refusal = REFUSALS.get(response.headers.get("X-Road-Error", ""))
    if refusal is not None:
        raise refusal(_error_message(response.data) or _("The registry refused the request."))
    raise ExchangeProviderFailedError(
        _("The registry's node answered %(status)s.") % {"status": response.status}
    )


def _error_message(body: bytes) -> str:
    """The message of an X-Road error answer (a JSON object), or ""."""
    try:
        answer = json.loads(body)
    except ValueError:
        return ""
    message = answer.get("message", "") if isinstance(answer, dict) else ""
    return message if isinstance(message, str) else ""


# How many nodes a process keeps connections to, and how many it keeps open to each (as
# many as threads may call one node at once; more are opened when needed, not kept).
NODES_KEPT = 32
CONNECTIONS_PER_NODE = 8


def _pool(url: str) -> urllib3.PoolManager:
    """This process's pool for ``url`` (a forked worker makes its own: sockets are not
    shared). It goes through the proxy the environment names for the scheme
    (``HTTP_PROXY``, ``HTTPS_PROXY``) unless ``NO_PROXY`` names the host, as urllib
    decides; read once per process."""
    pid = os.getpid()
    proxies = _environment_proxies(pid)
    parts = urllib.parse.urlsplit(url)
    proxy = proxies.get(parts.scheme, "")
    # urllib's own NO_PROXY rule (in the standard library, not in its type stubs)
    if proxy and urllib.request.proxy_bypass_environment(parts.netloc, proxies):  # type: ignore[attr-defined]
        proxy = ""
    return _pool_of(pid, proxy)


@functools.cache
def _environment_proxies(pid: int) -> dict[str, str]:
    return urllib.request.getproxies_environment()


@functools.cache
def _pool_of(pid: int, proxy: str) -> urllib3.PoolManager:
    if proxy:
        return urllib3.ProxyManager(
            proxy, num_pools=NODES_KEPT, maxsize=CONNECTIONS_PER_NODE, ssl_context=tls_context()
        )
    return urllib3.PoolManager(
        num_pools=NODES_KEPT, maxsize=CONNECTIONS_PER_NODE, ssl_context=tls_context()
    )


def tls_context() -> ssl.SSLContext:
    """How this node checks another node's certificate over HTTPS: the system's
    certificate authorities, and those in ``VENTANILLA_EXCHANGE_CA_FILE`` (a federation's
    own authority); the host name must match, TLS 1.2 at least."""
    context = ssl.create_default_context()
    if settings.VENTANILLA_EXCHANGE_CA_FILE:
        context.load_verify_locations(cafile=settings.VENTANILLA_EXCHANGE_CA_FILE)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context
