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
