"""``ventanilla ledger audit URL``: hold a Ventanilla ledger to account from the outside.

Uses only the public endpoints and what it saw last time (kept in a local JSON file):
1. the log's key must be the one seen before (or the one given with ``--key``);
2. the latest checkpoint must carry a valid signature by that key;
3. the new tree must extend the tree seen last time: a consistency proof between the two
   heads, so a rewritten history (a fork) or a shrunk log is caught;
4. random entries are fetched, rehashed and proven included in the new tree.
Needs no database and no Django: an auditor can run it anywhere.
"""

from __future__ import annotations

import base64
import json
import random
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ventanilla.ledger import merkle, note

Fetch = Callable[[str], bytes]


class AuditFailedError(Exception):
    """The log broke a promise: the message says which."""


@dataclass
class AuditResult:
    size: int
    previous_size: int | None
    checked_entries: list[int] = field(default_factory=list)


def http_fetch(base_url: str, *, timeout: float = 10) -> Fetch:
    """GET paths under ``base_url`` over HTTP(S)."""
    base = base_url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ValueError("The ledger's address starts with http:// or https://.")

    def fetch(path: str) -> bytes:
        try:
            with urllib.request.urlopen(base + path, timeout=timeout) as response:  # noqa: S310 - scheme checked above
                body: bytes = response.read()
                return body
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:300]
            raise AuditFailedError(f"GET {path} answered {error.code}: {detail}") from None
        except (urllib.error.URLError, TimeoutError) as error:
            raise AuditFailedError(f"GET {path} failed: {error}") from None

    return fetch


def _json(fetch: Fetch, path: str) -> Any:
    try:
        return json.loads(fetch(path))
    except ValueError:
        raise AuditFailedError(f"GET {path} did not answer JSON") from None


def ledger_audit(
    *,
    fetch: Fetch,
    state_file: Path,
    samples: int = 10,
    trusted_key: str = "",
    rng: random.Random | None = None,
) -> AuditResult:
    """Audit once and, if every check passes, remember the new checkpoint in ``state_file``."""
    rng = rng or random.SystemRandom()
    state: dict[str, Any] = json.loads(state_file.read_text()) if state_file.exists() else {}
    key = _json(fetch, "/api/v1/ledger/key")["verifier_key"]
    if trusted_key and key != trusted_key:
        raise AuditFailedError("The log's key is not the one you trust (--key).")
    if state.get("verifier_key") and key != state["verifier_key"]:
        raise AuditFailedError("The log's key changed since the last audit.")
    try:
        verifier = note.Verifier.parse(key)
        signed = fetch("/api/v1/ledger/checkpoint").decode()
        head = note.Checkpoint.parse(note.open_note(signed, verifier))
    except (note.NoteError, UnicodeDecodeError) as error:
        raise AuditFailedError(f"The latest checkpoint does not verify: {error}") from None
    if head.origin != verifier.name:
        raise AuditFailedError("The checkpoint names another log than its key.")

    previous_size: int | None = state.get("size")
    if previous_size is not None:
        previous_root = base64.b64decode(state["root_hash"])
        if head.size < previous_size:
            raise AuditFailedError(
                f"The log shrank from {previous_size} to {head.size} entries since the last "
                "audit: its history was rewritten."
            )
        query = urllib.parse.urlencode({"first": previous_size, "second": head.size})
        proof = _json(fetch, f"/api/v1/ledger/proof/consistency?{query}")
        path = [base64.b64decode(h) for h in proof["consistency_path"]]
        if not merkle.verify_consistency(
            previous_size, head.size, previous_root, head.root_hash, path
        ):
            raise AuditFailedError(
                f"The tree of {head.size} entries does not extend the tree of {previous_size} "
                "entries seen last time: the log's history was rewritten (a fork)."
            )

    result = AuditResult(size=head.size, previous_size=previous_size)
    if head.size:
        for index in sorted(rng.sample(range(head.size), min(samples, head.size))):
            _check_entry(fetch, index, head)
            result.checked_entries.append(index)

    state_file.write_text(
        json.dumps(
            {
                "verifier_key": key,
                "size": head.size,
                "root_hash": base64.b64encode(head.root_hash).decode(),
                "checkpoint": signed,
            },
            indent=2,
        )
    )
    return result


def _check_entry(fetch: Fetch, index: int, head: note.Checkpoint) -> None:
    entries = _json(fetch, f"/api/v1/ledger/entries?start={index}&end={index + 1}")["entries"]
    if len(entries) != 1 or entries[0]["leaf_index"] != index:
        raise AuditFailedError(f"The log did not serve entry {index}.")
    leaf = merkle.leaf_hash(entries[0]["data"].encode())
    query = urllib.parse.urlencode(
        {"hash": base64.b64encode(leaf).decode(), "tree_size": head.size}
    )
    proof = _json(fetch, f"/api/v1/ledger/proof/inclusion?{query}")
    path = [base64.b64decode(h) for h in proof["inclusion_path"]]
    if proof["leaf_index"] != index or not merkle.verify_inclusion(
        leaf, index, head.size, path, head.root_hash
    ):
        raise AuditFailedError(f"Entry {index} is not proven to be in the signed tree.")
