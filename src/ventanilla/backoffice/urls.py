from __future__ import annotations

from django.urls import path

from ventanilla.backoffice import exchange_views, views
from ventanilla.insights import backoffice_views as performance_views
from ventanilla.opendata import backoffice_views as data_views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    # Before the agencies' pages: "exchange" is not an agency's slug.
    path("exchange/", exchange_views.exchange_government, name="exchange-government"),
    path("<slug:slug>/", views.agency_dashboard, name="agency"),
    path("<slug:slug>/cases/", views.case_queue, name="cases"),
    path("<slug:slug>/exchange/", views.exchange, name="exchange"),
    path("<slug:slug>/exchange/systems/", exchange_views.exchange_systems, name="exchange-systems"),
    path("<slug:slug>/data/", data_views.dataset_list, name="data"),
    path("<slug:slug>/data/new/", data_views.dataset_new, name="data-new"),
    path("<slug:slug>/data/<slug:name>/", data_views.dataset_edit, name="data-edit"),
    path(
        "<slug:slug>/data/<slug:name>/resources/new/",
        data_views.resource_new,
        name="data-resource-new",
    ),
    path(
        "<slug:slug>/data/<slug:name>/resources/<str:resource_id>/version/",
        data_views.resource_version,
        name="data-version",
    ),
    path("<slug:slug>/performance/", performance_views.performance, name="performance"),
    path(
        "<slug:slug>/performance/<slug:service>/",
        performance_views.service_performance,
        name="performance-service",
    ),
    path("<slug:slug>/offline-counts/", performance_views.offline_counts, name="offline-counts"),
    path(
        "<slug:slug>/offline-counts/import/",
        performance_views.offline_counts_upload,
        name="offline-counts-import",
    ),
    path("<slug:slug>/cases/<str:reference>/", views.case_detail, name="case"),
    path(
        "<slug:slug>/cases/<str:reference>/files/<slug:upload>/",
        views.case_upload,
        name="case-upload",
    ),
]
