from __future__ import annotations

from django.urls import path

from ventanilla.opendata import views

app_name = "opendata"
urlpatterns = [
    path("data/", views.dataset_list, name="datasets"),
    path("data/datasets/<slug:name>/", views.dataset_detail, name="dataset"),
    path("data/organisations/", views.organization_list_page, name="organizations"),
    path("data/organisations/<slug:slug>/", views.organization_detail, name="organization"),
]
