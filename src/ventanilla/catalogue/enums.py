from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    LIFE = "life", _("Life event")
    BUSINESS = "business", _("Business event")


class Channel(models.TextChoices):
    """Ways a service can be used (CPSV-AP ``hasChannel``)."""

    WEB = "web", _("Online")
    COUNTER = "counter", _("At a service counter")
    KIOSK = "kiosk", _("At a self-service kiosk")
    SMS = "sms", _("By text message (SMS)")
    USSD = "ussd", _("By USSD on any mobile phone")
    PHONE = "phone", _("By phone")
    POST = "post", _("By post")
    API = "api", _("Through the API (for software)")
