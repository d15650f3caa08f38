from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "ventanilla.portal"
    label = "portal"
