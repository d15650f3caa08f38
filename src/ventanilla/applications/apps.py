from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "ventanilla.applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from ventanilla.applications.selectors import application_open_service
        from ventanilla.exchange.services import own_application_check_register

        # The person's own application is a legal basis for the look-ups it needs.
        own_application_check_register(application_open_service)
