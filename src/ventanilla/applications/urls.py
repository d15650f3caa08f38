from __future__ import annotations

from django.urls import path

from ventanilla.applications import views

app_name = "applications"

urlpatterns = [
    path("services/<slug:slug>/apply/", views.start, name="start"),
    path("status/", views.status_check, name="status"),
    path("events/<slug:slug>/apply/", views.bundle_start, name="bundle-start"),
    path("bundles/<uuid:public_id>/", views.bundle_detail, name="bundle"),
    path("bundles/<uuid:public_id>/check/", views.bundle_check, name="bundle-check"),
    path("bundles/<uuid:public_id>/pay/", views.bundle_pay, name="bundle-pay"),
    path("bundles/<uuid:public_id>/details/", views.bundle_details, name="bundle-details"),
    path(
        "bundles/<uuid:public_id>/details/change/",
        views.bundle_details_change,
        name="bundle-details-change",
    ),
    path("bundles/<uuid:public_id>/<int:number>/", views.bundle_step, name="bundle-step"),
    path("applications/<uuid:public_id>/", views.detail, name="detail"),
    path("applications/ref/<str:reference>/", views.by_reference, name="by-reference"),
    path("applications/<uuid:public_id>/check/", views.check, name="check"),
    path("applications/<uuid:public_id>/pay/", views.pay, name="pay"),
    path("applications/<uuid:public_id>/details/", views.details, name="details"),
    path(
        "applications/<uuid:public_id>/details/change/",
        views.details_change,
        name="details-change",
    ),
    path("applications/<uuid:public_id>/files/", views.uploads, name="uploads"),
    path(
        "applications/<uuid:public_id>/files/<slug:slug>/",
        views.upload_download,
        name="upload",
    ),
    path("applications/<uuid:public_id>/delete/", views.delete, name="delete"),
    path("applications/<uuid:public_id>/<slug:page_slug>/", views.page, name="page"),
]
