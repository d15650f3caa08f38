from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "ventanilla.exchange"
    label = "exchange"
    verbose_name = _("Information mediator")

    def ready(self) -> None:
        from ventanilla.ledger.records import record_type_register

        record_type_register(
            "exchange.call.completed",
            _("An agency's system fetched a person's data from a registry, through the mediator."),
        )
        record_type_register(
            "exchange.call.refused",
            _("The mediator refused, or could not complete, a request for a person's data."),
        )
        record_type_register(
            "exchange.right.granted",
            _("A registry gave another agency's system access to one of its data services."),
        )
        record_type_register(
            "exchange.right.revoked",
            _("A registry took back a system's access to one of its data services."),
        )
        record_type_register(
            "exchange.subsystem.created",
            _("A member of the exchange added an information system of its own."),
        )
        record_type_register(
            "exchange.subsystem.deactivated",
            _("A member switched one of its systems off: the mediator refuses its calls."),
        )
        record_type_register(
            "exchange.subsystem.reactivated",
            _("A member switched one of its systems on again."),
        )
