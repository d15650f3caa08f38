from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class YearlySequence(models.Model):
    """Numbers that start again each year, per name: references, receipts. Use
    ``ventanilla.core.sequences.sequence_next``, never this table directly."""

    name = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="core_one_sequence_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}: {self.last}"
