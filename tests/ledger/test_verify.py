"""Tampering with the stored ledger, by raw SQL as an administrator could: `ledger verify`
must fail and name the first bad entry."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from tests.ledger.conftest import Append
from ventanilla.cli import main
from ventanilla.ledger import merkle, tiles
from ventanilla.ledger.models import Checkpoint, Entry, Tile
from ventanilla.ledger.services import ledger_checkpoint
from ventanilla.ledger.verify import ledger_verify


def _sql(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def ledger(append: Append) -> None:
    """300 entries (more than one tile) under two checkpoints, and 5 waiting for a third."""
    append(120)
    ledger_checkpoint()
    append(180)
    ledger_checkpoint()
    append(5)


def test_an_untouched_ledger_verifies(ledger: None, capsys: pytest.CaptureFixture[str]) -> None:
    report = ledger_verify()
    assert report.ok, report.problems
    assert (report.entries, report.checkpoints) == (305, 2)
    assert main(["ledger", "verify"]) == 0
    assert "Ledger verified: 305 entries and 2 checkpoints" in capsys.readouterr().out


def test_an_edited_entry_is_named(ledger: None, capsys: pytest.CaptureFixture[str]) -> None:
    entry = Entry.objects.get(pk=42)
    _sql(
        "UPDATE ledger_entry SET data = %s WHERE leaf_index = 42",
        [entry.data.replace('"number":42', '"number":43')],
    )
    report = ledger_verify()
    assert report.first_bad_index == 42
    assert "entry 42: its data does not hash to its leaf hash (edited)" in report.problems[0][1]
    assert main(["ledger", "verify"]) == 1
    assert "the first bad entry is 42" in capsys.readouterr().out


def test_an_edited_entry_with_a_recomputed_hash_is_named_by_the_tree(ledger: None) -> None:
    entry = Entry.objects.get(pk=200)
    data = entry.data.replace('"ok":true', '"ok":false')
    _sql(
        "UPDATE ledger_entry SET data = %s, leaf_hash = %s WHERE leaf_index = 200",
        [data, merkle.leaf_hash(data.encode())],
    )
    report = ledger_verify()
    assert report.first_bad_index == 200
    assert "entry 200 differs from the leaf hash the tree holds" in dict(report.problems)[200]


def test_an_edited_column_is_named(ledger: None) -> None:
    _sql("UPDATE ledger_entry SET agency = %s WHERE leaf_index = 7", ["tax-office"])
    report = ledger_verify()
    assert report.first_bad_index == 7
    assert "its agency column differs from its data" in report.problems[0][1]


def test_a_deleted_entry_is_named(ledger: None) -> None:
    _sql("DELETE FROM ledger_entry WHERE leaf_index = 150", [])
    report = ledger_verify()
    assert report.first_bad_index == 150
    assert report.problems[0][1] == "entry 150 is missing (deleted or moved)"


def test_the_last_entries_deleted_are_named_by_the_checkpoint_that_covers_them(
    ledger: None,
) -> None:
    _sql("DELETE FROM ledger_entry WHERE leaf_index >= 299", [])
    report = ledger_verify()
    assert report.first_bad_index == 299
    assert report.problems[0][1] == "checkpoint of size 300 covers entries that are missing"


def test_reordered_entries_are_named(ledger: None) -> None:
    _sql("UPDATE ledger_entry SET leaf_index = -1 WHERE leaf_index = 10", [])
    _sql("UPDATE ledger_entry SET leaf_index = 10 WHERE leaf_index = 11", [])
    _sql("UPDATE ledger_entry SET leaf_index = 11 WHERE leaf_index = -1", [])
    report = ledger_verify()
    assert report.first_bad_index == 10
    assert "entry 10: its data says it is entry 11 (reordered)" in report.problems[0][1]


def test_a_history_rewritten_everywhere_but_the_signatures_is_caught_by_the_checkpoints(
    ledger: None,
) -> None:
    """An administrator changes entry 60, its hash, and rebuilds every tile: only the
    signed checkpoints still hold the truth, and they name the range."""
    entry = Entry.objects.get(pk=60)
    record = json.loads(entry.data)
    record["body"]["ok"] = False
    data = json.dumps(record, sort_keys=True, separators=(",", ":"))
    _sql(
        "UPDATE ledger_entry SET data = %s, leaf_hash = %s WHERE leaf_index = 60",
        [data, merkle.leaf_hash(data.encode())],
    )
    Tile.objects.all().delete()
    tiles.cache_clear()
    leaves = [bytes(e.leaf_hash) for e in Entry.objects.order_by("pk")[:300]]
    tiles.integrate(size=0, leaves=leaves)
    report = ledger_verify()
    assert not report.ok
    assert report.first_bad_index == 0
    assert (
        "checkpoint of size 120 was signed over other entries: an entry from 0 to 119 was changed"
        in [problem for _, problem in report.problems]
    )


def test_an_edited_checkpoint_is_caught(ledger: None) -> None:
    checkpoint = Checkpoint.objects.get(size=300)
    _sql(
        "UPDATE ledger_checkpoint SET note = %s WHERE size = 300",
        [checkpoint.note.replace("\n300\n", "\n299\n")],
    )
    report = ledger_verify()
    assert report.first_bad_index == 299
    assert "checkpoint of size 300: the signature does not verify" in report.problems[0][1]


def test_an_edited_tile_is_caught(ledger: None) -> None:
    tile = Tile.objects.get(level=0, offset=1)
    hashes = bytearray(tile.hashes)
    hashes[5 * 32] ^= 1
    _sql('UPDATE ledger_tile SET hashes = %s WHERE level = 0 AND "offset" = 1', [bytes(hashes)])
    report = ledger_verify()
    assert report.first_bad_index == 261
    assert "entry 261 differs from the leaf hash the tree holds" in report.problems[0][1]
