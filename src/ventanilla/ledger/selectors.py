"""Every read of the ledger: the public ones (checkpoint, entries, proofs) answer anyone,
and only ever about entries a signed checkpoint covers."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ventanilla.core.errors import LedgerProofError, NotFoundError
from ventanilla.ledger import merkle, tiles
from ventanilla.ledger.models import Checkpoint, Entry
from ventanilla.ledger.pseudonyms import subject_reference

MAX_ENTRIES = 1000  # per request of the entries endpoint


def checkpoint_latest() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size").first()


def _tree_size() -> int:
    latest = Checkpoint.objects.order_by("-size").values_list("size", flat=True).first()
    return latest or 0


def entry_list_range(*, start: int, end: int) -> list[Entry]:
    """Entries ``start`` to ``end - 1`` of the signed tree, at most MAX_ENTRIES of them."""
    size = _tree_size()
    if start < 0 or end <= start:
        raise LedgerProofError(_("Ask for a range whose start is at least 0 and below its end."))
    if start >= size:
        raise LedgerProofError(
            _("The signed tree has %(size)d entries: entry %(start)d is not in it yet.")
            % {"size": size, "start": start}
        )
    end = min(end, size, start + MAX_ENTRIES)
    return list(Entry.objects.filter(leaf_index__gte=start, leaf_index__lt=end).order_by("pk"))


def _check_size(tree_size: int, *, name: str) -> None:
    size = _tree_size()
    if not 1 <= tree_size <= size:
        raise LedgerProofError(
            _("%(name)s must be between 1 and %(size)d, the size of the latest signed tree.")
            % {"name": name, "size": size},
            field=name,
        )


@dataclass(frozen=True)
class InclusionProof:
    leaf_index: int
    tree_size: int
    path: list[bytes]


def inclusion_proof_by_hash(*, leaf_hash: bytes, tree_size: int) -> InclusionProof:
    """The proof that the entry with ``leaf_hash`` is in the tree of ``tree_size`` leaves."""
    if len(leaf_hash) != merkle.HASH_SIZE:
        raise LedgerProofError(_("A leaf hash is 32 bytes."), field="hash")
    _check_size(tree_size, name="tree_size")
    # Filter on the hash alone (its index finds the rows), then pick in Python: asked to
    # order by index, PostgreSQL may walk the whole primary key instead.
    found = Entry.objects.filter(leaf_hash=leaf_hash).values_list("leaf_index", flat=True)
    index = min((i for i in found if i < tree_size), default=None)
    if index is None:
        raise NotFoundError(
            _("No entry with this hash is in the tree of %(size)d entries.") % {"size": tree_size}
        )
    return inclusion_proof_by_index(leaf_index=index, tree_size=tree_size)


def inclusion_proof_by_index(*, leaf_index: int, tree_size: int) -> InclusionProof:
    if tree_size < 1:
        _check_size(tree_size, name="tree_size")
    if not 0 <= leaf_index < tree_size:
        raise LedgerProofError(
            _("Entry %(index)d is not in a tree of %(size)d entries.")
            % {"index": leaf_index, "size": tree_size},
            field="leaf_index",
        )
    try:
        path = merkle.inclusion_proof(tiles.TileStore().node, leaf_index, tree_size)
    except LookupError:
        # The tiles hold exactly the signed tree, so a missing node means a tree_size past
        # it: say so (this asks the database for the signed size only on this path).
        _check_size(tree_size, name="tree_size")
        raise
    return InclusionProof(leaf_index=leaf_index, tree_size=tree_size, path=path)


def consistency_proof(*, first: int, second: int) -> list[bytes]:
    """The proof that the tree of ``second`` leaves extends the tree of ``first``."""
    _check_size(second, name="second")
    if not 0 <= first <= second:
        raise LedgerProofError(
            _("first must be between 0 and second (%(second)d).") % {"second": second},
            field="first",
        )
    return merkle.consistency_proof(tiles.TileStore().node, first, second)


def tree_root(*, size: int) -> bytes:
    _check_size(size, name="tree_size")
    return merkle.root(tiles.TileStore().node, size)


def entry_list_for_person(*, national_id: str) -> QuerySet[Entry]:
    """A resident's own entries, newest first: found through their pseudonym."""
    return Entry.objects.filter(subject=subject_reference(national_id=national_id)).order_by("-pk")


@dataclass(frozen=True)
class EntryEvidence:
    """What the ledger can show about one entry: its record, and whether the latest
    signed tree is proven to hold it (checked here with the same proof anyone can fetch)."""

    entry: Entry
    record: dict[str, Any]
    checkpoint: Checkpoint | None  # the latest checkpoint, when it covers the entry
    proof: list[bytes]
    proven: bool

    @property
    def proof_query(self) -> str:
        """The query string of the public inclusion-proof endpoint for this entry."""
        if self.checkpoint is None:
            return ""
        return urlencode(
            {
                "hash": base64.b64encode(bytes(self.entry.leaf_hash)).decode(),
                "tree_size": self.checkpoint.size,
            }
        )


def entry_evidence(*, leaf_index: int) -> EntryEvidence:
    entry = Entry.objects.filter(leaf_index=leaf_index).first()
    if entry is None:
        raise NotFoundError(_("The ledger has no entry %(index)d.") % {"index": leaf_index})
    record: dict[str, Any] = json.loads(entry.data)
    latest = checkpoint_latest()
    if latest is None or latest.size <= leaf_index:
        return EntryEvidence(entry=entry, record=record, checkpoint=None, proof=[], proven=False)
    leaf = bytes(entry.leaf_hash)
    path = merkle.inclusion_proof(tiles.TileStore().node, leaf_index, latest.size)
    proven = merkle.leaf_hash(entry.data.encode()) == leaf and merkle.verify_inclusion(
        leaf, leaf_index, latest.size, path, bytes(latest.root_hash)
    )
    return EntryEvidence(entry=entry, record=record, checkpoint=latest, proof=path, proven=proven)
