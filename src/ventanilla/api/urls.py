"""The versioned JSON API, assembled from the apps' routers."""

from __future__ import annotations

from ninja import NinjaAPI

from ventanilla.catalogue.api import router as catalogue_router
from ventanilla.core.errors import NotFoundError

api = NinjaAPI(
    title="Ventanilla API",
    version="1",
    description=(
        "The single window's public API: agencies, life and business events and public "
        "services of the catalogue. Texts come in every language the portal ships."
    ),
    urls_namespace="api-v1",
    # The portal's /<lang>/developers/ page is the human reference: the interactive docs
    # page would load scripts from a CDN, which the content security policy forbids.
    docs_url=None,
    openapi_url="/openapi.json",
)
api.add_router("/", catalogue_router)


@api.exception_handler(NotFoundError)
def not_found(request, exc: NotFoundError):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": exc.message}, status=404)
