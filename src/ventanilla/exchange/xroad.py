"""The X-Road message protocol for REST, at the edge: ``/r1/{instance}/{memberClass}/
{memberCode}/{subsystem}/{service}/{subject}`` with the ``X-Road-Client``, ``X-Road-Id``,
``X-Road-UserId`` and ``X-Road-Issue`` headers, so an agency's own system (or another
Ventanilla node) calls this node's registries as it would call an X-Road security server.

Where X-Road authenticates the calling security server by TLS, a Ventanilla node signs
each request with its member's Ed25519 key (HTTP Message Signatures, RFC 9421), covering
the method, the target URI and the X-Road headers; the receiving side checks the
signature, the clock skew and that the X-Road-Id was never seen before.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from http_message_signatures.exceptions import HTTPMessageSignaturesException

from ventanilla.core.errors import (
    ExchangeError,
    ExchangeNoLegalBasisError,
    ExchangeNotAllowedError,
    ExchangeProviderTimeoutError,
    ExchangeSubjectUnknownError,
    ExchangeSubsystemInactiveError,
    NotFoundError,
)
from ventanilla.exchange.models import Member
from ventanilla.exchange.selectors import xroad_addressed
from ventanilla.exchange.services import exchange_call
from ventanilla.exchange.signing import COVERED, Keys, Message, verify_request
from ventanilla.ledger.pseudonyms import subject_reference

REPLAYED = "this X-Road-Id was already used: a replayed request"
# How each typed error reads in X-Road's REST error format, with its HTTP status.
ERRORS: dict[type[ExchangeError], tuple[int, str]] = {
    ExchangeNotAllowedError: (403, "Server.ServerProxy.AccessDenied"),
    ExchangeSubsystemInactiveError: (403, "Server.ServerProxy.AccessDenied"),
    ExchangeNoLegalBasisError: (403, "Server.ServerProxy.NoLegalBasis"),
    ExchangeSubjectUnknownError: (404, "Server.ServerProxy.SubjectNotFound"),
    ExchangeProviderTimeoutError: (504, "Server.ServerProxy.ServiceTimeout"),
}


@dataclass(frozen=True)
class ClientId:
    instance: str
    member_class: str
    member_code: str
    subsystem: str

    @classmethod
    def parse(cls, header: str) -> ClientId:
        parts = header.split("/")
        if len(parts) != 4 or not all(parts):
            raise ValueError(
                "X-Road-Client must read INSTANCE/MEMBER_CLASS/MEMBER_CODE/SUBSYSTEM, "
                f"not {header!r}"
            )
        return cls(*parts)

    @property
    def member_id(self) -> str:
        return f"{self.instance}/{self.member_class}/{self.member_code}"


def _error(status: int, kind: str, message: str, x_road_id: str = "") -> HttpResponse:
    response = HttpResponse(
        json.dumps({"type": kind, "message": message, "detail": x_road_id}),
        status=status,
        content_type="application/json",
    )
    response["X-Road-Error"] = kind
    if x_road_id:
        response["X-Road-Id"] = x_road_id
    return response


def _verify(request: HttpRequest, client: ClientId, member: Member) -> str:
    """Check the signature (by the client's member) and its age; returns the problem, or
    "" when all is well. (Whether the request id is new comes with the data service.)"""
    message = Message(request.method or "GET", request.build_absolute_uri(), request.headers)
    skew = dt.timedelta(seconds=settings.VENTANILLA_EXCHANGE_MAX_SKEW_SECONDS)
    try:
        verified = verify_request(message, keys=Keys(known=member), max_age=skew)
    except HTTPMessageSignaturesException as error:
        detail = str(error)  # the library's reason, when it gives one
        return "the request's signature does not verify" + (f" ({detail})" if detail else "")
    if not set(COVERED) <= verified.covered:
        return "the signature must cover " + ", ".join(COVERED)
    if verified.key_id != client.member_id:
        return "the request is signed by another member than X-Road-Client names"
    created = dt.datetime.fromtimestamp(verified.created, tz=dt.UTC)
    if created - timezone.now() > skew:
        return "the signature was made in the future: check the clocks"
    return ""


@csrf_exempt
@require_GET
def rest(
    request: HttpRequest,
    instance: str,
    member_class: str,
    member_code: str,
    subsystem: str,
    service: str,
) -> HttpResponse:
    """GET /r1/{instance}/{class}/{code}/{subsystem}/{service}/{subject}?purpose=..."""
    x_road_id = request.headers.get("X-Road-Id", "")
    try:
        client_id = ClientId.parse(request.headers.get("X-Road-Client", ""))
    except ValueError as error:
        return _error(400, "Client.BadRequest", str(error), x_road_id)
    if not x_road_id or len(x_road_id) > 100:
        return _error(400, "Client.BadRequest", "X-Road-Id is required (at most 100 characters)")
    service_name, _, subject = service.rpartition("/")
    if not service_name or not subject:
        return _error(
            400, "Client.BadRequest", "the path ends with the service and the subject's id"
        )
    purpose = request.GET.get("purpose", "")
    addressed = xroad_addressed(
        client=(
            client_id.instance,
            client_id.member_class,
            client_id.member_code,
            client_id.subsystem,
        ),
        service=(instance, member_class, member_code, subsystem, f"{subsystem}/{service_name}"),
        subject=subject_reference(national_id=subject),
        purpose=purpose,
        x_road_id=x_road_id,
    )
    client, data_service = addressed.client, addressed.service
    if client is None:
        return _error(401, "Client.Unauthorized", "unknown X-Road-Client", x_road_id)
    problem = _verify(request, client_id, client.member)
    if problem:
        return _error(401, "Client.Unauthorized", problem, x_road_id)
    if data_service is None:
        return _error(404, "Server.ServerProxy.UnknownService", "unknown service", x_road_id)
    if addressed.grants.replayed:  # the id is logged with the call, in its transaction
        return _error(401, "Client.Unauthorized", REPLAYED, x_road_id)
    try:
        result = exchange_call(
            client=client,
            service_code=data_service.code,
            service=data_service,
            grants=addressed.grants,
            national_id=subject,
            purpose=purpose,
            case_reference=request.headers.get("X-Road-Issue", "")[:20],
            official_reference_text=request.headers.get("X-Road-UserId", ""),
            basis_attested=client.member.agency_id is None,
            x_road_id=x_road_id,
        )
    except IntegrityError:  # the same request, twice at once: the other one was first
        return _error(401, "Client.Unauthorized", REPLAYED, x_road_id)
    except NotFoundError as error:
        return _error(404, "Server.ServerProxy.UnknownService", error.message, x_road_id)
    except ExchangeError as error:
        status, kind = ERRORS.get(type(error), (502, "Server.ServerProxy.ServiceFailed"))
        return _error(status, kind, error.message, x_road_id)
    response = HttpResponse(json.dumps(result.data), content_type="application/json")
    response["X-Road-Id"] = x_road_id
    response["X-Road-Client"] = request.headers["X-Road-Client"]
    response["X-Road-Service"] = (
        f"{instance}/{member_class}/{member_code}/{subsystem}/{service_name}"
    )
    return response
