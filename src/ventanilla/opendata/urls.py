from __future__ import annotations

from django.urls import path

from ventanilla.opendata import views

app_name = "opendata"
urlpatterns = [
    path("opendata/resources/<str:resource_id>/download", views.download, name="download"),
    path(
        "opendata/resources/<str:resource_id>/download.<str:fmt>",
        views.download,
        name="download-as",
    ),
]
