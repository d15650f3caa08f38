"""/api/v1/applications: a resident's (or their software's) applications.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_noop
from ninja import Field, FileEx, HeaderEx, P, PathEx, Router, Schema, Status, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from ventanilla.api.auth import signed_in
from ventanilla.applications import selectors, services
from ventanilla.applications.models import Application, Upload
from ventanilla.casework.models import Case
from ventanilla.catalogue.selectors import service_get_brief
from ventanilla.core.errors import UploadRefusedError, ValidationError
from ventanilla.identity.models import User
from ventanilla.payments.models import Payment

router = Router(tags=["applications"], auth=signed_in)
APPLICATION_ID = gettext_noop("The application's id, or its reference.")


class PaymentIn(Schema):
    card_number: str = Field(..., max_length=40, description=gettext_noop("The card to charge."))


class ApplicationIn(Schema):
    service: str = Field(
        ..., description=gettext_noop("The service's short name, e.g. child-benefit.")
    )
    answers: dict[str, Any] = Field(
        default_factory=dict, description=gettext_noop("Every answer of the service's form.")
    )
    submit: bool = Field(
        True, description=gettext_noop("Send it now (true) or keep it as a draft (false).")
    )
    payment: PaymentIn | None = Field(
        None, description=gettext_noop("How to pay the fee, for a service that has one.")
    )


class PaymentOut(Schema):
    amount: Decimal
    currency: str
    status: str = Field(..., description=gettext_noop("captured, once the fee is paid."))
    receipt_number: str | None


class UploadOut(Schema):
    slug: str = Field(..., description=gettext_noop("Which of the service's files it is."))
    name: str = Field(..., description=gettext_noop("The file's name, as it was sent."))
    content_type: str = Field(
        ..., description=gettext_noop("The type, as read from the file's content.")
    )
    size: int = Field(..., description=gettext_noop("In bytes."))
    sha256: str = Field(..., description=gettext_noop("The SHA-256 of the file, in hex."))
    uploaded_at: dt.datetime


class UploadSlotOut(Schema):
    slug: str
    label: str
    required: bool
    content_types: list[str] = Field(..., description=gettext_noop("The types accepted."))
    max_bytes: int = Field(..., description=gettext_noop("The largest file accepted, in bytes."))
    file: UploadOut | None = Field(None, description=gettext_noop("The file attached, if any."))


class TimelineOut(Schema):
    at: dt.datetime
    title: str
    detail: str


class FetchedEvidenceOut(Schema):
    data_service: str = Field(..., description=gettext_noop("e.g. population/person"))
    registry: str = Field(..., description=gettext_noop("The agency whose registry answers it."))
    received: bool = Field(
        ..., description=gettext_noop("Whether the registry's answer came back.")
    )
    reason: str | None = Field(None, description=gettext_noop("Why not, when it did not."))
    ledger_index: int | None = Field(
        None, description=gettext_noop("The look-up's entry in the transparency ledger.")
    )


class PrefilledOut(Schema):
    field: str
    data_service: str = Field(..., description=gettext_noop("Where the value came from."))
    registry: str
    fetched: Any = Field(..., description=gettext_noop("The value as the registry gave it."))
    answer: Any = Field(..., description=gettext_noop("The answer now."))
    corrected: bool = Field(
        ..., description=gettext_noop("The applicant changed the registry's value.")
    )


class ApplicationOut(Schema):
    id: uuid.UUID
    reference: str | None
    service: str
    status: str = Field(..., description=gettext_noop("draft, or submitted."))
    state: str | None = Field(None, description=gettext_noop("The agency's workflow state."))
    state_label: str
    waits_for_you: bool
    closed: bool
    outcome: str | None
    decision_reason: str | None
    submitted_at: dt.datetime | None
    decision_expected_by: dt.date | None
    answers: dict[str, Any]
    evidence: list[FetchedEvidenceOut] = Field(
        ...,
        description=gettext_noop(
            "What the application fetched about the applicant through the mediator."
        ),
    )
    prefilled: list[PrefilledOut] = Field(
        ..., description=gettext_noop("Each answer filled in from a registry, and if corrected.")
    )
    prefill_confirmed_at: dt.datetime | None
    uploads: list[UploadSlotOut] = Field(
        ..., description=gettext_noop("Each file the service asks for, and the one attached.")
    )
    timeline: list[TimelineOut]
    portal_url: str


class ErrorOut(Schema):
    detail: Any


def _out(application: Application, case: Case | None = None) -> dict[str, Any]:
    summary = selectors.application_summary(application=application, case=case)
    prefill = selectors.application_prefill_summary(application=application)
    case = summary.case
    return {
        "id": application.public_id,
        "reference": application.reference,
        "service": application.service.slug,
        "status": application.status,
        "state": case.state if case else None,
        "state_label": summary.status,
        "waits_for_you": summary.waits_for_you,
        "closed": summary.is_closed,
        "outcome": case.outcome or None if case else None,
        "decision_reason": case.decision_reason or None if case else None,
        "submitted_at": application.submitted_at,
        "decision_expected_by": application.decision_expected_by,
        "answers": application.answers,
        "evidence": [
            {
                "data_service": row.service_code,
                "registry": row.registry,
                "received": row.fetched,
                "reason": row.reason or None,
                "ledger_index": row.ledger_index,
            }
            for row in prefill.evidence
        ],
        "prefilled": [
            {
                "field": row.name,
                "data_service": row.source.service_code,
                "registry": row.source.registry,
                "fetched": row.fetched,
                "answer": row.answer,
                "corrected": row.corrected,
            }
            for row in prefill.prefilled
        ],
        "prefill_confirmed_at": application.prefill_confirmed_at,
        "uploads": [
            {
                "slug": row.slug,
                "label": row.label,
                "required": row.required,
                "content_types": list(row.content_types),
                "max_bytes": row.max_bytes,
                "file": _upload_out(row.upload) if row.upload else None,
            }
            for row in selectors.application_upload_rows(application=application)
        ],
        "timeline": selectors.application_timeline(application=application, case=case)
        if case
        else [],
        "portal_url": reverse("applications:detail", args=[application.public_id]),
    }


def _upload_out(upload: Upload) -> dict[str, Any]:
    return {
        "slug": upload.slug,
        "name": upload.name,
        "content_type": upload.content_type,
        "size": upload.size,
        "sha256": upload.sha256,
        "uploaded_at": upload.uploaded_at,
    }


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - the router's auth ran first
    return request.user


@router.post(
    "/applications",
    response={200: ApplicationOut, 201: ApplicationOut, 404: ErrorOut, 422: ErrorOut},
    summary=gettext_noop("Apply for a service"),
    description=gettext_noop(
        "Makes an application with all its answers and, unless submit is false, sends it. "
        "Send an Idempotency-Key header: a retry with the same key returns the first "
        "answer (200) instead of making a second application (201). For a service that "
        "asks for files, keep a draft (submit false), attach each file, then send it."
    ),
)
def application_create(
    request: HttpRequest,
    payload: ApplicationIn,
    idempotency_key: HeaderEx[
        str, P(alias="Idempotency-Key", description=gettext_noop("Any unique string, per request."))
    ] = "",
) -> Status[dict[str, Any]]:
    application, case, created = services.application_file(
        applicant=_user(request),
        service=service_get_brief(slug=payload.service),
        answers=payload.answers,
        idempotency_key=idempotency_key,
        submit=payload.submit,
        card_number=payload.payment.card_number if payload.payment else "",
    )
    return Status(201 if created else 200, _out(application, case))


@router.get(
    "/applications",
    response=list[ApplicationOut],
    summary=gettext_noop("List my applications"),
)
@paginate(LimitOffsetPagination)
def application_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        _out(item.application)
        for item in selectors.application_list_for_applicant(
            applicant=_user(request), with_details=True
        )
    ]


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, 404: ErrorOut},
    summary=gettext_noop("Read one of my applications"),
    description=gettext_noop("By its id or by its reference (e.g. DL-2026-000123)."),
)
def application_read(request: HttpRequest, application_id: str) -> dict[str, Any]:
    return _out(_find(request, application_id))


@router.post(
    "/applications/{application_id}/uploads/{slug}",
    response={201: UploadOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary=gettext_noop("Attach a file to a draft"),
    description=gettext_noop(
        "Sends one of the files the service asks for (see uploads in the application) as "
        "the multipart form field file. Its type is read from its content, not from its "
        "name. A new file replaces the one attached before under the same slug."
    ),
)
def application_upload(
    request: HttpRequest,
    application_id: PathEx[str, P(description=APPLICATION_ID)],
    slug: PathEx[str, P(description=gettext_noop("Which file, e.g. site-plan."))],
    file: FileEx[UploadedFile, P(description=gettext_noop("The file (PDF, JPG or PNG)."))],
) -> Status[dict[str, Any]]:
    try:
        upload = services.application_upload(
            application=_find(request, application_id),
            applicant=_user(request),
            slug=slug,
            file=file,
        )
    except UploadRefusedError as exc:
        return _invalid(["body", "file"], exc)
    except ValidationError as exc:  # a file the service does not ask for
        return _invalid(["path", "slug"], exc)
    return Status(201, _upload_out(upload))


@router.post(
    "/applications/{application_id}/payment",
    response={
        200: PaymentOut,
        402: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        503: ErrorOut,
    },
    summary=gettext_noop("Pay the fee of a draft"),
    description=gettext_noop(
        "Charges the card for the fee of the answers given, once they are complete and "
        "the files attached; then send the draft. Send an Idempotency-Key header, new for "
        "each card you try: a retry with the same key never charges twice."
    ),
)
def application_payment(
    request: HttpRequest,
    application_id: PathEx[str, P(description=APPLICATION_ID)],
    payload: PaymentIn,
    idempotency_key: HeaderEx[
        str,
        P(
            alias="Idempotency-Key",
            max_length=40,
            description=gettext_noop("Any unique string of up to 40 characters, per card."),
        ),
    ] = "",
) -> Payment:
    return services.application_pay(
        application=_find(request, application_id),
        applicant=_user(request),
        card_number=payload.card_number,
        attempt=idempotency_key or uuid.uuid4().hex,
    )


@router.post(
    "/applications/{application_id}/submit",
    response={200: ApplicationOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary=gettext_noop("Send a draft"),
    description=gettext_noop("Idempotent: sending an application already sent returns it."),
)
def application_send(request: HttpRequest, application_id: str) -> dict[str, Any]:
    application = services.application_submit(
        application=_find(request, application_id), applicant=_user(request)
    )
    return _out(application)


def _invalid(where: list[str], exc: ValidationError) -> Status[dict[str, Any]]:
    """422 in the shape of every other one: this endpoint names its own fields."""
    return Status(422, {"detail": [{"loc": where, "msg": exc.message, "type": "value_error"}]})


def _find(request: HttpRequest, application_id: str) -> Application:
    """By id (a UUID) or, failing that, by reference; another person's is NotFound."""
    try:
        public_id = uuid.UUID(application_id)
    except ValueError:
        public_id = selectors.application_get_by_reference(
            applicant=_user(request), reference=application_id
        ).public_id
    return selectors.application_get_for_applicant(applicant=_user(request), public_id=public_id)
