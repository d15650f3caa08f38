from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.catalogue.enums import Channel


class SatisfactionAnswer(models.TextChoices):
    """The one question asked after a decision (GOV.UK's five-point scale)."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    NEITHER = "neither", _("Neither satisfied nor dissatisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied")


class OfflineChannel(models.TextChoices):
    """Channels whose transactions this site does not see: officials record them as counts."""

    COUNTER = Channel.COUNTER.value, Channel.COUNTER.label
    PHONE = Channel.PHONE.value, Channel.PHONE.label
    POST = Channel.POST.value, _("On paper, by post")


# Channels whose transactions are made on this site, so counted from its own records.
DIGITAL_CHANNELS = frozenset({Channel.WEB.value, Channel.API.value})


class MaturityStage(models.IntegerChoices):
    """How far a service has gone online (after the UN E-Government Survey's stages),
    from its definition and its real use."""

    INFORMATION = 1, _("Information only")
    DOWNLOADABLE_FORM = 2, _("Downloadable form")
    ONLINE_FORM = 3, _("Online form")
    TRANSACTIONAL = 4, _("Transactional")
    CONNECTED = 5, _("Connected: data fetched once-only across agencies")
    PROACTIVE = 6, _("Proactive")
