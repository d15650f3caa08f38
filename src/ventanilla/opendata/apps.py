from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "ventanilla.opendata"
    label = "opendata"
    verbose_name = _("Open data")
