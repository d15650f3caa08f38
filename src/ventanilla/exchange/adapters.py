"""Providers on another node, reached over HTTP the X-Road way: the request signed by this
node for the client's member (RFC 9421), the answer or X-Road's error read back into the
mediator's typed errors. The only HTTP client of the exchange."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

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
    request = urllib.request.Request(url, headers=headers, method="GET")  # noqa: S310 - http(s) only, checked by the model's URLField
    try:
        with urllib.request.urlopen(request, timeout=service.timeout_seconds) as response:  # noqa: S310
            data: dict[str, Any] = json.loads(response.read())
            return data
    except urllib.error.HTTPError as error:
        kind = error.headers.get("X-Road-Error", "")
        try:
            message = json.loads(error.read()).get("message", "")
        except ValueError:
            message = ""
        refusal = REFUSALS.get(kind)
        if refusal is not None:
            raise refusal(message or _("The registry refused the request.")) from None
        raise ExchangeProviderFailedError(
            _("The registry's node answered %(status)s.") % {"status": error.code}
        ) from None
    except TimeoutError:
        raise ExchangeProviderTimeoutError(_("The registry did not answer in time.")) from None
    except (urllib.error.URLError, ValueError) as error:
        raise ExchangeProviderFailedError(_("The registry could not answer.")) from error
