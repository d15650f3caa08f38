from __future__ import annotations

from django.urls import path

from ventanilla.exchange import views

app_name = "exchange"

urlpatterns = [
    path("my/data/", views.tracker, name="tracker"),
    path("my/consents/", views.consents, name="consents"),
    path("my/data/lookups.json", views.tracker_download, {"fmt": "json"}, name="tracker-json"),
    path("my/data/lookups.csv", views.tracker_download, {"fmt": "csv"}, name="tracker-csv"),
]
