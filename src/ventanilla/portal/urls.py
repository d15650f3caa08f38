from __future__ import annotations

from django.urls import path

from ventanilla.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("events/<slug:slug>/", views.event_detail, name="event"),
    path("services/<slug:slug>/", views.service_detail, name="service"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/<slug:slug>/", views.agency_detail, name="agency"),
    path("developers/", views.developers, name="developers"),
    path("my/", views.my_ventanilla, name="my"),
    path("my/messages/", views.messages_list, name="messages"),
    path("my/api-keys/", views.api_keys, name="api-keys"),
    path("my/messages/<int:notification_id>/", views.message_detail, name="message"),
]
