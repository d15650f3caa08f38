from __future__ import annotations

from django.urls import path

from ventanilla.ledger import views

app_name = "ledger"

urlpatterns = [
    path("transparency/", views.transparency, name="transparency"),
    path("transparency/entries/<int:index>/", views.entry_detail, name="entry"),
    path("my/ledger/", views.my_entries, name="mine"),
]
