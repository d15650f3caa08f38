from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.core.models import TimeStampedModel


class Person(TimeStampedModel):
    """A resident as the population registry knows them. Every field is personal data."""

    national_id = models.CharField(
        _("national id number"),
        max_length=10,
        unique=True,
        help_text=_("Personal data. Ten digits, the last a check digit."),
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=12)
    municipality = models.CharField(_("municipality"), max_length=100)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"
