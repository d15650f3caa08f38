from __future__ import annotations

from django.urls import path

from ventanilla.insights import views

app_name = "insights"

urlpatterns = [
    path("feedback/<uuid:public_id>/", views.satisfaction, name="satisfaction"),
]
