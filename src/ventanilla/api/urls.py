"""The versioned JSON API, assembled from the apps' routers."""

from __future__ import annotations

from ninja import NinjaAPI

from ventanilla.applications.api import router as applications_router
from ventanilla.catalogue.api import router as catalogue_router
from ventanilla.core.errors import (
    AnswersInvalidError,
    ApplicationStateError,
    EligibilityError,
    LedgerProofError,
    NotFoundError,
    PaymentDeclinedError,
    PaymentDuplicateError,
    PaymentProviderTimeoutError,
    PermissionDeniedError,
    ValidationError,
)
from ventanilla.insights.api import router as insights_router
from ventanilla.ledger.api import router as ledger_router

api = NinjaAPI(
    title="Ventanilla API",
    version="1",
    description=(
        "The single window's public API: agencies, life and business events and public "
        "services of the catalogue, applications, and the transparency ledger's proofs. "
        "Texts come in every language the portal ships."
    ),
    urls_namespace="api-v1",
    # The portal's /<lang>/developers/ page is the human reference: the interactive docs
    # page would load scripts from a CDN, which the content security policy forbids.
    docs_url=None,
    openapi_url="/openapi.json",
)
api.add_router("/", catalogue_router)
api.add_router("/", applications_router)
api.add_router("/", ledger_router)
api.add_router("/", insights_router)


@api.exception_handler(LedgerProofError)
def outside_the_tree(request, exc: LedgerProofError):  # type: ignore[no-untyped-def]
    """400, as RFC 9162's endpoints answer a proof asked for outside the tree."""
    return api.create_response(request, {"detail": exc.message}, status=400)


@api.exception_handler(NotFoundError)
def not_found(request, exc: NotFoundError):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": exc.message}, status=404)


@api.exception_handler(PermissionDeniedError)
def permission_denied(request, exc: PermissionDeniedError):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": exc.message}, status=403)


@api.exception_handler(ApplicationStateError)
def state_conflict(request, exc: ApplicationStateError):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": exc.message}, status=409)


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):  # type: ignore[no-untyped-def]
    """422, in the same shape as Ninja's own validation errors: where, and what is wrong."""
    if isinstance(exc, AnswersInvalidError) and exc.errors:
        detail = [
            {"loc": ["body", "answers", name], "msg": message, "type": "answer"}
            for name, message in exc.errors.items()
        ]
    elif isinstance(exc, EligibilityError):
        detail = [{"loc": ["body"], "msg": exc.message, "type": "eligibility"}]
    else:
        field = "payment.card_number" if exc.field == "card_number" else exc.field
        where = ["header", field] if field == "Idempotency-Key" else ["body", *field.split(".")]
        detail = [{"loc": [p for p in where if p], "msg": exc.message, "type": "value_error"}]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PaymentDeclinedError)
def declined(request, exc: PaymentDeclinedError):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": exc.message}, status=402)


@api.exception_handler(PaymentProviderTimeoutError)
def payment_timeout(request, exc: PaymentProviderTimeoutError):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": exc.message}, status=503)


@api.exception_handler(PaymentDuplicateError)
def already_paid(request, exc: PaymentDuplicateError):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": exc.message}, status=409)
