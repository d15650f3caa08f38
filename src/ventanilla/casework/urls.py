from __future__ import annotations

from django.urls import path

from ventanilla.casework import views

app_name = "documents"

urlpatterns = [
    path("verify/<str:number>/", views.verify, name="verify"),
    path("documents/<str:number>/download/", views.download, name="download"),
]
