"""The transparency log's tables: entries, the stored hashes of its Merkle tree, and the
signed checkpoints. Rows here are never updated or deleted by the platform; ``ventanilla
ledger verify`` reports any that were."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LogHead(models.Model):
    """Named counters of the log: "integrated" is how many entries the tiles and the
    latest checkpoint cover. Checkpointing takes it with an UPDATE ... RETURNING that locks
    the row until its transaction ends, so two checkpointers never overlap."""

    name = models.CharField(max_length=40, unique=True)
    size = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.size}"


class Entry(models.Model):
    """One record. ``data`` is the canonical JSON that is hashed into the tree; the other
    columns repeat parts of it so that pages can search, and are checked against it."""

    leaf_index = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=80, help_text=_("A registered record type."))
    at = models.DateTimeField()
    agency = models.CharField(max_length=50, blank=True)
    subject = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("A keyed hash of the person's national id: a pseudonym, never the id."),
    )
    case_reference = models.CharField(max_length=20, blank=True)
    data = models.TextField(help_text=_("Canonical JSON of the whole entry; no personal data."))
    leaf_hash = models.BinaryField(max_length=32, db_index=True)

    class Meta:
        verbose_name_plural = _("entries")

    def __str__(self) -> str:
        return f"{self.leaf_index} {self.kind}"


class Tile(models.Model):
    """Up to 256 consecutive hashes of one level of the tree, as c2sp.org/tlog-tiles lays
    them out: level 0 holds leaf hashes, level L the heads of perfect subtrees of 256**L
    leaves. Every proof and root is computed from these."""

    level = models.PositiveSmallIntegerField()
    offset = models.BigIntegerField()
    hashes = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "offset"], name="ledger_one_tile_per_place")
        ]

    def __str__(self) -> str:
        return f"tile {self.level}/{self.offset} ({len(self.hashes) // 32})"


class Checkpoint(models.Model):
    """A signed tree head, exactly as published."""

    size = models.BigIntegerField(unique=True)
    root_hash = models.BinaryField(max_length=32)
    at = models.DateTimeField()
    note = models.TextField(help_text=_("The signed note (c2sp.org/tlog-checkpoint)."))

    class Meta:
        ordering = ("-size",)

    def __str__(self) -> str:
        return f"checkpoint {self.size}"
