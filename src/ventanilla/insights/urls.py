from __future__ import annotations

from django.urls import path

from ventanilla.insights import views

app_name = "insights"

urlpatterns = [
    path("feedback/<uuid:public_id>/", views.satisfaction, name="satisfaction"),
    path("performance/", views.performance, name="performance"),
    path("performance/data.csv", views.performance_csv, name="performance-csv"),
    path("performance/<slug:slug>/", views.service_performance, name="service"),
    path("performance/<slug:slug>/data.csv", views.service_performance_csv, name="service-csv"),
]
