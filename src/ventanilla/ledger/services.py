"""Every write to the ledger: appending an entry (inside the transaction of the change it
records) and signing a checkpoint over everything appended so far (the worker's job)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone

from ventanilla.core import hotsql
from ventanilla.core.errors import LedgerRecordTypeError
from ventanilla.ledger import merkle, note, tiles
from ventanilla.ledger.models import Checkpoint, Entry, LogHead
from ventanilla.ledger.records import record_type_check

INTEGRATED = "integrated"  # the LogHead row of how many entries a checkpoint covers
# PostgreSQL advisory lock that appenders take, for the rest of their transaction.
APPEND_LOCK = 7_104_235_001
MAX_PER_CHECKPOINT = 1_000_000  # leaves read into memory per checkpoint


@cache
def _signing_key(seed: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed))


def signing_key() -> Ed25519PrivateKey:
    return _signing_key(settings.VENTANILLA_LEDGER_SIGNING_KEY)


def verifier_key() -> str:
    """The public key that checks this deployment's checkpoints, as verifiers write it."""
    public = note.public_bytes(signing_key().public_key())
    return note.verifier_key(settings.VENTANILLA_LEDGER_ORIGIN, public)


def canonical_json(value: Any) -> str:
    """JSON with sorted keys, no spaces and UTF-8 text: for the strings, integers, booleans
    and nulls the ledger allows, the same bytes as RFC 8785 (JCS), so anyone can rehash."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _check_body(value: Any, path: str = "body") -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise LedgerRecordTypeError(f"{path}: keys must be strings")
            _check_body(item, f"{path}.{key}")
    elif isinstance(value, list):
        for position, item in enumerate(value):
            _check_body(item, f"{path}[{position}]")
    elif value is not None and not isinstance(value, str | int | bool):
        raise LedgerRecordTypeError(
            f"{path}: only strings, integers, booleans and null go into the ledger, "
            f"not {type(value).__name__}"
        )


def time_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _head_next(name: str, *, by: int) -> int:
    """Add ``by`` to the LogHead ``name`` and return its new size; the row stays locked
    until the calling transaction ends."""
    table = connection.ops.quote_name(LogHead._meta.db_table)
    sql = f"UPDATE {table} SET size = size + %s WHERE name = %s RETURNING size"  # noqa: S608 - the table name is ours
    with connection.cursor() as cursor:
        cursor.execute(sql, [by, name])
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    try:
        with transaction.atomic():
            LogHead.objects.create(name=name, size=by)
    except IntegrityError:  # another process made the row first
        return _head_next(name, by=by)
    return by


def _next_index() -> int:
    """The index the next entry gets on SQLite: one past the last. Its write transactions
    (BEGIN IMMEDIATE) run one at a time, so no two entries share an index and a rollback
    leaves no gap. (PostgreSQL's appenders take turns in ``ventanilla_ledger_append``.)"""
    row = hotsql.fetch_one(_LAST, [])
    return 0 if row is None or row[0] is None else int(row[0]) + 1


_LAST = f"SELECT MAX(leaf_index) FROM {Entry._meta.db_table}"  # noqa: S608 - ours

# PostgreSQL: the advisory lock, the MAX and the INSERT of ``_next_index`` and ``_INSERT``
# in one round trip (ledger migration 0002). Appenders take the transaction-scoped lock
# first, so each reads MAX only after the one before has committed or rolled back.
APPEND_FUNCTION = "ventanilla_ledger_append(%s, %s, %s, %s, %s, %s, %s, %s)"


@dataclass(frozen=True)
class Append:
    """An entry ready to append: everything but its index, which is only known once the
    appender's turn has come. Its canonical JSON is ``before``, the index, ``after``."""

    kind: str
    at: dt.datetime
    agency: str
    subject: str
    case_reference: str
    before: str
    after: str

    def data(self, index: int) -> str:
        return f"{self.before}{index}{self.after}"

    def params(self) -> list[Any]:
        """The values ``APPEND_FUNCTION`` takes, in order."""
        at = connections[DEFAULT_DB_ALIAS].ops.adapt_datetimefield_value(self.at)
        return [
            APPEND_LOCK,
            self.kind,
            at,
            self.agency,
            self.subject,
            self.case_reference,
            self.before,
            self.after,
        ]

    def entry(self, index: int) -> Entry:
        """The entry as appended at ``index`` (saved: it is not saved again)."""
        data = self.data(index)
        entry = Entry(
            leaf_index=index,
            kind=self.kind,
            at=self.at,
            agency=self.agency,
            subject=self.subject,
            case_reference=self.case_reference,
            data=data,
            leaf_hash=merkle.leaf_hash(data.encode()),
        )
        entry._state.adding = False
        entry._state.db = DEFAULT_DB_ALIAS
        return entry


def ledger_prepare(
    *,
    kind: str,
    body: dict[str, Any],
    agency: str = "",
    subject: str = "",
    case_reference: str = "",
    at: dt.datetime | None = None,
) -> Append:
    """Check an entry and write its canonical JSON around the index it will get.

    ``ledger_append`` appends it; a statement on PostgreSQL that records a change can
    append it too, with ``APPEND_FUNCTION`` and ``Append.params`` (the mediator's call log
    does: the call and its entry in one round trip). ``subject`` is a pseudonym
    (``pseudonyms.subject_reference``), never a national id, and ``body`` holds no personal
    data: reasons and notes go in as keyed digests.
    """
    record_type_check(kind)
    _check_body(body)
    at = at or timezone.now()
    # The keys sorted as canonical_json sorts them: agency, body, case | index | subject,
    # time, type; each half is that part of the whole entry's canonical JSON.
    head = canonical_json({"agency": agency, "body": body, "case": case_reference})
    tail = canonical_json({"subject": subject, "time": time_text(at), "type": kind})
    return Append(
        kind=kind,
        at=at,
        agency=agency,
        subject=subject,
        case_reference=case_reference,
        before=head[:-1] + ',"index":',
        after="," + tail[1:],
    )


def ledger_append(
    *,
    kind: str,
    body: dict[str, Any],
    agency: str = "",
    subject: str = "",
    case_reference: str = "",
    at: dt.datetime | None = None,
) -> Entry:
    """Append one entry and return it (with its ``leaf_index``).

    Call it inside the transaction of the change it records: both commit or neither does.
    ``subject`` is a pseudonym (``pseudonyms.subject_reference``), never a national id,
    and ``body`` holds no personal data: reasons and notes go in as keyed digests.
    """
    return ledger_append_prepared(
        ledger_prepare(
            kind=kind,
            body=body,
            agency=agency,
            subject=subject,
            case_reference=case_reference,
            at=at,
        )
    )


def ledger_append_prepared(append: Append) -> Entry:
    """Append the entry ``ledger_prepare`` made (see ``ledger_append``)."""
    return append.entry(ledger_append_index(append))


def ledger_append_index(append: Append) -> int:
    """Append the entry ``ledger_prepare`` made and answer only its index, for a caller
    that needs no more (the mediator's call log: building the entry's model costs as
    much as inserting its row). ``append.entry(index)`` is the entry."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each access through the proxy costs a µs
    if not db.in_atomic_block:
        raise LedgerRecordTypeError(
            "A ledger entry is appended inside the transaction of the change it records."
        )
    if db.vendor == "postgresql":
        row = hotsql.fetch_one(f"SELECT {APPEND_FUNCTION}", append.params())
        return int(row[0])  # type: ignore[index] # the function answers
    # One prepared INSERT instead of Model.save(): the ORM's save costs more than the
    # insert itself, and an append sits inside every case transaction (bench/ledger.py).
    index = _next_index()
    data = append.data(index)
    hotsql.execute(
        _INSERT,
        [
            index,
            append.kind,
            db.ops.adapt_datetimefield_value(append.at),
            append.agency,
            append.subject,
            append.case_reference,
            data,
            merkle.leaf_hash(data.encode()),
        ],
    )
    return index


_INSERT = (
    f"INSERT INTO {Entry._meta.db_table} "  # noqa: S608 - the table name is ours
    "(leaf_index, kind, at, agency, subject, case_reference, data, leaf_hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)


def _leaves_after(size: int) -> list[bytes]:
    table = connection.ops.quote_name(Entry._meta.db_table)
    sql = (
        f"SELECT leaf_index, leaf_hash FROM {table} WHERE leaf_index >= %s "  # noqa: S608 - ours
        "ORDER BY leaf_index LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [size, MAX_PER_CHECKPOINT])
        rows = cursor.fetchall()
    leaves = []
    for expected, (index, leaf) in enumerate(rows, start=size):
        if index != expected:
            raise LedgerRecordTypeError(
                f"Ledger entry {expected} is missing: run `ventanilla ledger verify`."
            )
        leaves.append(bytes(leaf))
    return leaves


def ledger_checkpoint(*, now: dt.datetime | None = None) -> Checkpoint | None:
    """Add the entries appended since the last checkpoint to the tree and sign its new head.

    Returns the new checkpoint, or None when no entry is waiting (the first call signs the
    empty tree, so that there is always a checkpoint to publish). Entries, tiles and
    checkpoint commit together; a crash in between loses nothing, since the next call
    covers whatever the last one did not.
    """
    with transaction.atomic():
        size = _head_next(INTEGRATED, by=0)  # locks out other checkpointers
        leaves = _leaves_after(size)
        if not leaves and Checkpoint.objects.filter(size=size).exists():
            return None
        new_size = tiles.integrate(size=size, leaves=leaves)
        root = merkle.root(tiles.TileStore(use_cache=False).node, new_size)
        at = (now or timezone.now()).replace(microsecond=0)
        body = note.Checkpoint(
            origin=settings.VENTANILLA_LEDGER_ORIGIN, size=new_size, root_hash=root, timestamp=at
        )
        signed = note.sign(body.text(), name=body.origin, key=signing_key())
        checkpoint = Checkpoint.objects.create(size=new_size, root_hash=root, at=at, note=signed)
        if new_size != size:
            _head_next(INTEGRATED, by=new_size - size)
    return checkpoint


def ledger_pending() -> int:
    """How many appended entries no checkpoint covers yet."""
    last = Entry.objects.order_by("-leaf_index").values_list("leaf_index", flat=True).first()
    integrated = LogHead.objects.filter(name=INTEGRATED).values_list("size", flat=True).first()
    return (0 if last is None else last + 1) - (integrated or 0)
