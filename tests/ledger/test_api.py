"""The public ledger endpoints and the stand-alone auditor that uses only them."""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.ledger.conftest import Append
from ventanilla.cli import main
from ventanilla.core.errors import LedgerProofError
from ventanilla.ledger import merkle, note, tiles
from ventanilla.ledger.audit import AuditFailedError, ledger_audit
from ventanilla.ledger.models import Checkpoint, Entry, Tile
from ventanilla.ledger.selectors import inclusion_proof_by_index
from ventanilla.ledger.services import ledger_checkpoint, verifier_key


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


@pytest.fixture
def signed(append: Append) -> list[Entry]:
    entries = append(20)
    ledger_checkpoint()
    append(3)  # not yet under a checkpoint: not served
    return entries


def test_the_key_and_the_checkpoint_need_no_sign_in_and_verify(
    client: Client, signed: list[Entry]
) -> None:
    key = client.get("/api/v1/ledger/key").json()
    assert key["verifier_key"] == verifier_key()
    assert "casework.case.transitioned" in key["record_types"]
    response = client.get("/api/v1/ledger/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = note.open_note(response.content.decode(), note.Verifier.parse(key["verifier_key"]))
    head = note.Checkpoint.parse(text)
    assert head.size == 20
    assert head.root_hash == merkle.MemoryTree([bytes(e.leaf_hash) for e in signed]).root()
    tree_head = client.get("/api/v1/ledger/tree-head").json()
    assert tree_head["tree_size"] == 20
    assert _b64(tree_head["root_hash"]) == head.root_hash


def test_there_is_no_checkpoint_before_the_first_is_signed(client: Client, db: None) -> None:
    response = client.get("/api/v1/ledger/checkpoint")
    assert response.status_code == 404
    assert response.json() == {"detail": "The ledger has not signed a checkpoint yet."}


def test_entries_are_served_by_range_within_the_signed_tree(
    client: Client, signed: list[Entry]
) -> None:
    body = client.get("/api/v1/ledger/entries?start=18&end=30").json()
    assert [e["leaf_index"] for e in body["entries"]] == [18, 19]
    entry = body["entries"][0]
    assert merkle.leaf_hash(entry["data"].encode()) == _b64(entry["leaf_hash"])
    assert entry["record"]["type"] == "tests.thing.happened"


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("start=20&end=21", "The signed tree has 20 entries: entry 20 is not in it yet."),
        ("start=5&end=5", "Ask for a range whose start is at least 0 and below its end."),
        ("start=-1&end=3", "Ask for a range whose start is at least 0 and below its end."),
    ],
)
def test_entries_outside_the_tree_get_a_400_with_the_reason(
    client: Client, signed: list[Entry], query: str, detail: str
) -> None:
    response = client.get(f"/api/v1/ledger/entries?{query}")
    assert response.status_code == 400
    assert response.json() == {"detail": detail}


def test_an_inclusion_proof_by_leaf_hash_verifies_against_the_signed_root(
    client: Client, signed: list[Entry]
) -> None:
    leaf = bytes(signed[13].leaf_hash)
    for size in (14, 17, 20):
        response = client.get(
            "/api/v1/ledger/proof/inclusion",
            {"hash": base64.b64encode(leaf).decode(), "tree_size": size},
        )
        assert response.status_code == 200
        proof = response.json()
        assert proof["leaf_index"] == 13
        path = [_b64(p) for p in proof["inclusion_path"]]
        root = merkle.MemoryTree([bytes(e.leaf_hash) for e in signed[:size]]).root()
        assert merkle.verify_inclusion(leaf, 13, size, path, root)


@pytest.mark.parametrize(
    ("params", "status", "detail"),
    [
        (
            {"tree_size": 21},
            400,
            "tree_size must be between 1 and 20, the size of the latest signed tree.",
        ),
        (
            {"tree_size": 0},
            400,
            "tree_size must be between 1 and 20, the size of the latest signed tree.",
        ),
        ({"tree_size": 13}, 404, "No entry with this hash is in the tree of 13 entries."),
        ({"tree_size": 20, "hash": "bm90IGEgaGFzaA=="}, 400, "A leaf hash is 32 bytes."),
        ({"tree_size": 20, "hash": "%%%"}, 400, "The hash is not base64."),
    ],
)
def test_an_inclusion_proof_outside_the_tree_is_refused_with_the_reason(
    client: Client, signed: list[Entry], params: dict[str, Any], status: int, detail: str
) -> None:
    query = {"hash": base64.b64encode(bytes(signed[13].leaf_hash)).decode(), **params}
    response = client.get("/api/v1/ledger/proof/inclusion", query)
    assert response.status_code == status
    assert response.json() == {"detail": detail}


def test_a_consistency_proof_verifies_and_one_outside_the_tree_is_refused(
    client: Client, signed: list[Entry]
) -> None:
    memory = merkle.MemoryTree([bytes(e.leaf_hash) for e in signed])
    proof = client.get("/api/v1/ledger/proof/consistency?first=7&second=20").json()
    path = [_b64(p) for p in proof["consistency_path"]]
    assert merkle.verify_consistency(7, 20, memory.root(7), memory.root(20), path)
    response = client.get("/api/v1/ledger/proof/consistency?first=7&second=21")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "second must be between 1 and 20, the size of the latest signed tree."
    }
    response = client.get("/api/v1/ledger/proof/consistency?first=9&second=8")
    assert response.status_code == 400
    assert response.json() == {"detail": "first must be between 0 and second (8)."}


def _fetch(client: Client) -> Any:
    def fetch(path: str) -> bytes:
        response = client.get(path)
        if response.status_code != 200:
            raise AuditFailedError(f"GET {path} answered {response.status_code}")
        return bytes(response.content)

    return fetch


def test_the_auditor_remembers_the_checkpoint_and_checks_the_next_one_extends_it(
    client: Client, append: Append, tmp_path: Path
) -> None:
    state = tmp_path / "audit.json"
    append(30)
    ledger_checkpoint()
    first = ledger_audit(fetch=_fetch(client), state_file=state, rng=random.Random(1))
    assert (first.size, first.previous_size, len(first.checked_entries)) == (30, None, 10)
    append(300)
    ledger_checkpoint()
    second = ledger_audit(fetch=_fetch(client), state_file=state, samples=25)
    assert (second.size, second.previous_size, len(second.checked_entries)) == (330, 30, 25)
    assert json.loads(state.read_text())["size"] == 330


def test_the_auditor_detects_a_rewritten_history(
    client: Client, append: Append, tmp_path: Path
) -> None:
    """The operator changes entry 5, rebuilds the tree and signs a new head with the real
    key: every signature is valid, but the new tree does not extend the one seen."""
    state = tmp_path / "audit.json"
    append(40)
    ledger_checkpoint()
    ledger_audit(fetch=_fetch(client), state_file=state)
    entry = Entry.objects.get(pk=5)
    record = json.loads(entry.data)
    record["body"]["ok"] = False
    data = json.dumps(record, sort_keys=True, separators=(",", ":"))
    Entry.objects.filter(pk=5).update(data=data, leaf_hash=merkle.leaf_hash(data.encode()))
    Tile.objects.all().delete()
    Checkpoint.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_loghead SET size = 0 WHERE name = 'integrated'")
    tiles.cache_clear()
    append(2)
    ledger_checkpoint()
    with pytest.raises(AuditFailedError, match="does not extend the tree of 40 entries"):
        ledger_audit(fetch=_fetch(client), state_file=state)
    assert json.loads(state.read_text())["size"] == 40  # the bad head is not remembered


def test_the_auditor_refuses_a_log_that_shrank_or_changed_its_key(
    client: Client, append: Append, tmp_path: Path, settings: Any
) -> None:
    state = tmp_path / "audit.json"
    append(6)
    ledger_checkpoint()
    append(4)
    ledger_checkpoint()
    ledger_audit(fetch=_fetch(client), state_file=state)
    Checkpoint.objects.filter(size=10).delete()
    with pytest.raises(AuditFailedError, match="shrank from 10 to 6 entries"):
        ledger_audit(fetch=_fetch(client), state_file=state)
    settings.VENTANILLA_LEDGER_SIGNING_KEY = base64.b64encode(b"k" * 32).decode()
    with pytest.raises(AuditFailedError, match=r"The log's key changed since the last audit\."):
        ledger_audit(fetch=_fetch(client), state_file=state)


@pytest.mark.django_db(transaction=True)
def test_the_audit_command_checks_a_live_server(
    live_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], append: Append
) -> None:
    append(12)
    ledger_checkpoint()
    state = tmp_path / "seen.json"
    assert main(["ledger", "audit", live_server.url, "--state", str(state), "--samples", "4"]) == 0
    out = capsys.readouterr().out
    assert "Audit passed: 12 entries, signature valid, first audit: checkpoint remembered" in out
    assert "4 random entries proven included" in out
    append(3)
    ledger_checkpoint()
    assert main(["ledger", "audit", live_server.url, "--state", str(state)]) == 0
    assert "consistent with the 12 entries seen last time" in capsys.readouterr().out
    assert main(["ledger", "audit", live_server.url, "--state", str(state), "--key", "x+y+z"]) == 1
    assert "Audit FAILED: The log's key is not the one you trust (--key)." in (
        capsys.readouterr().out
    )


def test_a_proof_by_index_past_the_signed_tree_is_refused_with_the_signed_size(
    signed: list[Entry],
) -> None:
    with pytest.raises(LedgerProofError, match="between 1 and 20, the size of the latest"):
        inclusion_proof_by_index(leaf_index=3, tree_size=23)
    proof = inclusion_proof_by_index(leaf_index=3, tree_size=20)
    assert len(proof.path) == 5
