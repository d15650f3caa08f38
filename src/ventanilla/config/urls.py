from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from ventanilla.api.urls import api
from ventanilla.core import health
from ventanilla.exchange import views as exchange_views
from ventanilla.exchange import xroad
from ventanilla.opendata import views as opendata_views
from ventanilla.opendata.ckan_api import views as ckan_views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("api/3/action/<str:name>", ckan_views.action, name="ckan-action"),
    path("api/action/<str:name>", ckan_views.action),
    path(
        "opendata/resources/<str:resource_id>/download",
        opendata_views.download,
        name="opendata-download",
    ),
    path(
        "opendata/resources/<str:resource_id>/download.<str:fmt>",
        opendata_views.download,
        name="opendata-download-as",
    ),
    path("catalog.<str:fmt>", opendata_views.catalogue_rdf, name="opendata-catalog"),
    path(
        "r1/<str:instance>/<str:member_class>/<str:member_code>/<str:subsystem>/<path:service>",
        xroad.rest,
        name="xroad-rest",
    ),
]

if settings.VENTANILLA_BENCH_VIEWS:
    urlpatterns.append(path("bench/bare", health.bench_bare, name="bench-bare"))
    urlpatterns.append(
        path("bench/direct/population/person/<str:subject>", exchange_views.bench_direct)
    )

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("backoffice/", include("ventanilla.backoffice.urls")),
    path("", include("ventanilla.applications.urls")),
    path("admin/", admin.site.urls),
    path("", include("ventanilla.casework.urls")),
    path("", include("ventanilla.ledger.urls")),
    path("", include("ventanilla.opendata.urls")),
    path("", include("ventanilla.exchange.urls")),
    path("", include("ventanilla.insights.urls")),
    path("", include("ventanilla.portal.urls")),
)

handler404 = "ventanilla.portal.views.not_found"
handler500 = "ventanilla.portal.views.server_error"
