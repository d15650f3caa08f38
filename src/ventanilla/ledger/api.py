"""The transparency ledger's public endpoints: anyone may read, nobody signs in.

Hashes are standard base64, as in RFC 9162's JSON. The checkpoint is served as the signed
note itself (text/plain), so transparency-log tools can read it as they read any log's.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

import base64
import binascii
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema

from ventanilla.core.errors import LedgerProofError, NotFoundError
from ventanilla.ledger import selectors
from ventanilla.ledger.models import Entry
from ventanilla.ledger.records import record_types
from ventanilla.ledger.services import verifier_key

router = Router(tags=["ledger"])


class ProblemOut(Schema):
    detail: str = Field(..., description=gettext_noop("What is wrong with the request."))


class KeyOut(Schema):
    origin: str = Field(..., description=gettext_noop("The log's name in its checkpoints."))
    verifier_key: str = Field(
        ...,
        description=gettext_noop(
            "The Ed25519 public key that signs the checkpoints, as signed-note verifiers "
            "write it: name+key id+base64 key."
        ),
    )
    record_types: dict[str, str] = Field(
        ..., description=gettext_noop("Every record type the ledger accepts, and its meaning.")
    )


class TreeHeadOut(Schema):
    tree_size: int
    root_hash: str = Field(..., description=gettext_noop("Base64 SHA-256 root hash."))
    timestamp: str = Field(..., description=gettext_noop("When the log signed it (UTC)."))
    checkpoint: str = Field(..., description=gettext_noop("The signed note itself."))


class EntryOut(Schema):
    leaf_index: int
    leaf_hash: str = Field(..., description=gettext_noop("Base64 of SHA-256(0x00 || data)."))
    data: str = Field(..., description=gettext_noop("The entry as hashed: canonical JSON, UTF-8."))
    record: dict[str, Any] = Field(..., description=gettext_noop("The same data, parsed."))


class EntriesOut(Schema):
    entries: list[EntryOut]


class EntriesQuery(Schema):
    start: int = Field(..., description=gettext_noop("The first entry's index."))
    end: int = Field(
        ...,
        description=gettext_noop("One past the last entry's index (at most 1,000 per call)."),
    )


class InclusionQuery(Schema):
    hash: str = Field(..., description=gettext_noop("The entry's leaf hash, in base64."))
    tree_size: int = Field(..., description=gettext_noop("The size of a signed tree."))


class InclusionOut(Schema):
    leaf_index: int
    tree_size: int
    inclusion_path: list[str] = Field(
        ..., description=gettext_noop("Base64 hashes from the leaf up (RFC 9162, 2.1.3).")
    )


class ConsistencyQuery(Schema):
    first: int = Field(..., description=gettext_noop("The smaller tree size."))
    second: int = Field(..., description=gettext_noop("The larger tree size."))


class ConsistencyOut(Schema):
    first: int
    second: int
    consistency_path: list[str] = Field(
        ..., description=gettext_noop("Base64 hashes (RFC 9162, 2.1.4).")
    )


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def _latest() -> Any:
    checkpoint = selectors.checkpoint_latest()
    if checkpoint is None:
        raise NotFoundError(_("The ledger has not signed a checkpoint yet."))
    return checkpoint


@router.get(
    "/ledger/key",
    response=KeyOut,
    summary=gettext_noop("Public key and record types of the ledger"),
)
def ledger_key(request: HttpRequest) -> dict[str, Any]:
    return {
        "origin": settings.VENTANILLA_LEDGER_ORIGIN,
        "verifier_key": verifier_key(),
        "record_types": {name: str(meaning) for name, meaning in record_types().items()},
    }


@router.get(
    "/ledger/checkpoint",
    response={200: str, 404: ProblemOut},
    summary=gettext_noop("The latest checkpoint, as a signed note"),
    description=gettext_noop(
        "The latest signed tree head in the c2sp.org/tlog-checkpoint format (text/plain)."
    ),
)
def checkpoint_read(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_latest().note, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@router.get(
    "/ledger/tree-head",
    response={200: TreeHeadOut, 404: ProblemOut},
    summary=gettext_noop("The latest signed tree head, as JSON"),
)
def tree_head_read(request: HttpRequest) -> dict[str, Any]:
    checkpoint = _latest()
    return {
        "tree_size": checkpoint.size,
        "root_hash": _b64(bytes(checkpoint.root_hash)),
        "timestamp": checkpoint.at.isoformat(),
        "checkpoint": checkpoint.note,
    }


def _entry_out(entry: Entry) -> dict[str, Any]:
    return {
        "leaf_index": entry.leaf_index,
        "leaf_hash": _b64(bytes(entry.leaf_hash)),
        "data": entry.data,
        "record": json.loads(entry.data),
    }


@router.get(
    "/ledger/entries",
    response={200: EntriesOut, 400: ProblemOut},
    summary=gettext_noop("Entries by index range"),
)
def entries_list(request: HttpRequest, query: Query[EntriesQuery]) -> dict[str, Any]:
    entries = selectors.entry_list_range(start=query.start, end=query.end)
    return {"entries": [_entry_out(entry) for entry in entries]}


@router.get(
    "/ledger/proof/inclusion",
    response={200: InclusionOut, 400: ProblemOut, 404: ProblemOut},
    summary=gettext_noop("Inclusion proof for a leaf hash"),
)
def inclusion_proof(request: HttpRequest, query: Query[InclusionQuery]) -> dict[str, Any]:
    try:
        leaf_hash = base64.b64decode(query.hash, validate=True)
    except (binascii.Error, ValueError):
        raise LedgerProofError(_("The hash is not base64."), field="hash") from None
    proof = selectors.inclusion_proof_by_hash(leaf_hash=leaf_hash, tree_size=query.tree_size)
    return {
        "leaf_index": proof.leaf_index,
        "tree_size": proof.tree_size,
        "inclusion_path": [_b64(p) for p in proof.path],
    }


@router.get(
    "/ledger/proof/consistency",
    response={200: ConsistencyOut, 400: ProblemOut},
    summary=gettext_noop("Consistency proof between two tree sizes"),
)
def consistency_proof(request: HttpRequest, query: Query[ConsistencyQuery]) -> dict[str, Any]:
    path = selectors.consistency_proof(first=query.first, second=query.second)
    return {
        "first": query.first,
        "second": query.second,
        "consistency_path": [_b64(p) for p in path],
    }
