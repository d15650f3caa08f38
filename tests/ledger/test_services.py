"""Appending, integrating into tiles and signing checkpoints, on the real database."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction

from tests.ledger.conftest import Append
from ventanilla.core.errors import LedgerRecordTypeError
from ventanilla.ledger import merkle, note, tiles
from ventanilla.ledger.models import Checkpoint, Entry, Tile
from ventanilla.ledger.services import (
    canonical_json,
    ledger_append,
    ledger_append_index,
    ledger_checkpoint,
    ledger_pending,
    ledger_prepare,
    time_text,
    verifier_key,
)


def test_an_entry_is_its_canonical_json_hashed_as_an_rfc_9162_leaf(append: Append) -> None:
    (entry,) = append(1)
    assert entry.leaf_index == 0
    record = json.loads(entry.data)
    assert record == {
        "index": 0,
        "type": "tests.thing.happened",
        "time": entry.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "agency": "civil-registry",
        "subject": "0" * 32,
        "case": "DL-2026-000000",
        "body": {"note": None, "number": 0, "ok": True},
    }
    assert entry.data == json.dumps(record, sort_keys=True, separators=(",", ":"))
    assert bytes(entry.leaf_hash) == hashlib.sha256(b"\x00" + entry.data.encode()).digest()


@pytest.mark.parametrize(
    ("agency", "body", "subject"),
    [
        ("", {}, ""),
        ("civil-registry", {"index": 9, "note": 'Año "índice":3'}, "f" * 32),
        ("z", {"nested": {"list": [1, None, True]}}, "0" * 32),
    ],
)
def test_a_prepared_entry_is_its_canonical_json_split_at_the_index(
    agency: str, body: dict[str, Any], subject: str
) -> None:
    # PostgreSQL puts the index between the halves on the server (ledger migration 0002).
    prepared = ledger_prepare(
        kind="tests.thing.happened", body=body, agency=agency, subject=subject, case_reference="C"
    )
    for index in (0, 7, 123_456_789):
        whole = {
            "index": index,
            "type": "tests.thing.happened",
            "time": time_text(prepared.at),
            "agency": agency,
            "subject": subject,
            "case": "C",
            "body": body,
        }
        assert prepared.data(index) == canonical_json(whole)


def test_the_stored_entry_is_the_one_returned_byte_for_byte(db: None) -> None:
    with transaction.atomic():
        first = ledger_append(kind="tests.thing.happened", body={"note": "ñandú ✓"})
        second = ledger_append(kind="tests.thing.happened", body={})
        prepared = ledger_prepare(kind="tests.thing.happened", body={"n": 3}, subject="s")
        third = prepared.entry(ledger_append_index(prepared))  # the mediator's way
    assert (first.leaf_index, second.leaf_index, third.leaf_index) == (0, 1, 2)
    for entry in (first, second, third):
        stored = Entry.objects.get(pk=entry.leaf_index)
        assert stored.data == entry.data
        assert bytes(stored.leaf_hash) == bytes(entry.leaf_hash)
        assert bytes(stored.leaf_hash) == merkle.leaf_hash(stored.data.encode())
        assert (stored.kind, stored.at) == (entry.kind, entry.at)


def test_an_unregistered_record_type_is_refused_and_nothing_is_written(db: None) -> None:
    expected = r"'casework\.case\.teleported' is not a registered"
    with pytest.raises(LedgerRecordTypeError, match=expected), transaction.atomic():
        ledger_append(kind="casework.case.teleported", body={})
    assert not Entry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_entry_outside_a_transaction_is_refused() -> None:
    with pytest.raises(LedgerRecordTypeError, match="inside the transaction"):
        ledger_append(kind="tests.thing.happened", body={})
    assert not Entry.objects.exists()


def test_a_body_with_a_float_is_refused_with_its_path(db: None) -> None:
    expected = r"body\.fee\.amount: only strings, integers"
    with pytest.raises(LedgerRecordTypeError, match=expected), transaction.atomic():
        ledger_append(kind="tests.thing.happened", body={"fee": {"amount": 1.5}})


def test_a_rolled_back_change_gives_its_index_back(append: Append) -> None:
    append(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        ledger_append(kind="tests.thing.happened", body={})
        raise RuntimeError("the change failed")
    (entry,) = append(1)
    assert entry.leaf_index == 2


def test_the_first_checkpoint_signs_the_empty_tree_and_then_only_new_entries(db: None) -> None:
    empty = ledger_checkpoint()
    assert empty is not None
    assert (empty.size, bytes(empty.root_hash)) == (0, merkle.EMPTY_ROOT)
    assert ledger_checkpoint() is None


def test_a_checkpoint_is_a_c2sp_signed_note_over_the_tree_head(append: Append) -> None:
    entries = append(5)
    checkpoint = ledger_checkpoint()
    assert checkpoint is not None
    expected_root = merkle.MemoryTree([bytes(e.leaf_hash) for e in entries]).root()
    lines = checkpoint.note.split("\n")
    assert lines[:3] == [
        settings.VENTANILLA_LEDGER_ORIGIN,
        "5",
        base64.b64encode(expected_root).decode(),
    ]
    assert lines[3] == f"Timestamp: {int(checkpoint.at.timestamp())}"
    assert lines[4] == ""
    assert lines[5].startswith("\u2014 " + settings.VENTANILLA_LEDGER_ORIGIN + " ")
    verifier = note.Verifier.parse(verifier_key())
    body = note.Checkpoint.parse(note.open_note(checkpoint.note, verifier))
    assert (body.size, body.root_hash) == (5, expected_root)
    assert ledger_pending() == 0


def test_a_note_with_a_changed_size_does_not_verify(append: Append) -> None:
    append(3)
    checkpoint = ledger_checkpoint()
    assert checkpoint is not None
    forged = checkpoint.note.replace("\n3\n", "\n2\n", 1)
    with pytest.raises(note.NoteError, match="the signature does not verify"):
        note.open_note(forged, note.Verifier.parse(verifier_key()))


def test_a_crash_between_appending_and_checkpointing_loses_nothing(
    append: Append, monkeypatch: pytest.MonkeyPatch
) -> None:
    append(3)
    ledger_checkpoint()
    append(4)

    def crash(*args: Any, **kwargs: Any) -> str:
        raise OSError("the machine lost power")

    monkeypatch.setattr(note, "sign", crash)
    with pytest.raises(OSError, match="lost power"):
        ledger_checkpoint()
    assert Checkpoint.objects.latest("size").size == 3
    assert b"".join(bytes(t.hashes) for t in Tile.objects.filter(level=0)) == b"".join(
        bytes(e.leaf_hash) for e in Entry.objects.order_by("pk")[:3]
    )
    monkeypatch.undo()
    checkpoint = ledger_checkpoint()
    assert checkpoint is not None and checkpoint.size == 7
    leaves = [bytes(e.leaf_hash) for e in Entry.objects.order_by("pk")]
    assert bytes(checkpoint.root_hash) == merkle.MemoryTree(leaves).root()


@pytest.mark.parametrize("batches", [[1], [255, 1], [256], [300, 212, 1, 70_000 - 513]])
def test_tiles_serve_the_same_nodes_roots_and_proofs_as_the_whole_tree(
    db: None, batches: list[int]
) -> None:
    """Across tile edges (256) and the second tile level (65,536 leaves)."""
    total = sum(batches)
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(total)]
    memory = merkle.MemoryTree(leaves)
    size = 0
    for count in batches:
        size = tiles.integrate(size=size, leaves=leaves[size : size + count])
        store = tiles.TileStore()
        assert merkle.root(store.node, size) == memory.root(size)
    store = tiles.TileStore()
    for index in {0, 1, 255, 256, total // 2, total - 1}:
        if index < total:
            proof = merkle.inclusion_proof(store.node, index, total)
            assert proof == merkle.inclusion_proof(memory.node, index, total)
    for first in {1, 255, 256, 257, total - 1}:
        if 0 < first <= total:
            assert merkle.consistency_proof(store.node, first, total) == (
                merkle.consistency_proof(memory.node, first, total)
            )
    assert Tile.objects.filter(level=0).count() == (total + 255) // 256
    if total >= 65_536:
        assert Tile.objects.filter(level=2).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one write transaction at a time"
)
@pytest.mark.django_db(transaction=True)
def test_parallel_appenders_leave_a_log_without_gaps_or_duplicates() -> None:
    errors: list[BaseException] = []

    def appender(worker: int) -> None:
        try:
            for number in range(25):
                with transaction.atomic():
                    ledger_append(
                        kind="tests.thing.happened", body={"worker": worker, "number": number}
                    )
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=appender, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    indexes = list(Entry.objects.order_by("pk").values_list("leaf_index", flat=True))
    assert indexes == list(range(150))
    for entry in Entry.objects.all():
        assert json.loads(entry.data)["index"] == entry.leaf_index
    checkpoint = ledger_checkpoint()
    assert checkpoint is not None and checkpoint.size == 150
