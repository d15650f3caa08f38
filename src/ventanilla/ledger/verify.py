"""``ventanilla ledger verify``: recompute the whole tree from the stored entries and check
every entry, every stored hash and every checkpoint, naming the first entry that is wrong.

What it catches, and how it knows where:
- an entry whose data was edited: its data no longer hashes to its stored leaf hash, or
  (if that was rewritten too) to the leaf hash the tree's tiles hold for it;
- an entry deleted: a gap in the indexes, or fewer entries than the log says it holds;
- entries reordered: each entry's data names its own index;
- tiles or checkpoints edited: recomputed hashes and roots differ, or a signature fails.
If entries, tiles and leaf hashes were all rewritten consistently, only the signed
checkpoints still tell the truth; then the first bad entry is somewhere after the last
checkpoint that matches, and the report says which range.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from ventanilla.ledger import merkle, note, tiles
from ventanilla.ledger.models import Checkpoint, Entry, LogHead
from ventanilla.ledger.records import record_types
from ventanilla.ledger.services import INTEGRATED, time_text, verifier_key

CHUNK = 5000


@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (entry index, what)
    # Hashes over a range of entries that do not match: (first, last) entry of the range.
    ranges: list[tuple[int, int]] = field(default_factory=list)
    exact: list[int] = field(default_factory=list)  # entries known to be wrong

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_index(self) -> int | None:
        """The first entry known to be wrong, or the start of the first range with a wrong
        hash that no wrong entry inside it explains."""
        exact = set(self.exact)
        unexplained = [
            start for start, end in self.ranges if not any(start <= i <= end for i in exact)
        ]
        candidates = exact | set(unexplained)
        return min(candidates) if candidates else None

    def add(self, index: int, problem: str, *, through: int | None = None) -> None:
        """Record ``problem`` at entry ``index``, or over entries ``index`` to ``through``."""
        if len(self.problems) < 100:  # enough to act on; the first is what matters
            self.problems.append((index, problem))
            if through is None:
                self.exact.append(index)
            else:
                self.ranges.append((index, through))


def _entries() -> Iterator[tuple[int, str, str, dt.datetime, str, str, str, bytes]]:
    table = connection.ops.quote_name(Entry._meta.db_table)
    columns = "leaf_index, kind, data, at, agency, subject, case_reference, leaf_hash"
    where = "WHERE leaf_index >= %s ORDER BY leaf_index LIMIT %s"
    sql = f"SELECT {columns} FROM {table} {where}"  # noqa: S608 - the table name is ours
    after = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [after, CHUNK])
            rows = cursor.fetchall()
        if not rows:
            return
        for index, kind, data, at, agency, subject, case, leaf in rows:
            if isinstance(at, str):  # SQLite through a raw cursor
                at = dt.datetime.fromisoformat(at)
            if at.tzinfo is None:
                at = at.replace(tzinfo=dt.UTC)
            yield index, kind, data, at, agency, subject, case, bytes(leaf)
        after = rows[-1][0] + 1


def _check_entry(
    report: Report,
    index: int,
    row: tuple[int, str, str, dt.datetime, str, str, str, bytes],
    types: Mapping[str, object],
) -> None:
    _, kind, data, at, agency, subject, case, leaf = row
    if merkle.leaf_hash(data.encode()) != leaf:
        report.add(index, f"entry {index}: its data does not hash to its leaf hash (edited)")
        return
    try:
        record = json.loads(data)
    except ValueError:
        report.add(index, f"entry {index}: its data is not JSON")
        return
    if record.get("index") != index:
        report.add(
            index, f"entry {index}: its data says it is entry {record.get('index')} (reordered)"
        )
    expected = {
        "type": kind,
        "time": time_text(at),
        "agency": agency,
        "subject": subject,
        "case": case,
    }
    for name, value in expected.items():
        if record.get(name) != value:
            report.add(index, f"entry {index}: its {name} column differs from its data (edited)")
    if kind not in types:
        report.add(index, f"entry {index}: {kind!r} is not a registered record type")


def ledger_verify() -> Report:
    """Check everything; read-only, safe to run while the platform serves."""
    report = Report()
    verifier = note.Verifier.parse(verifier_key())
    heads = dict(LogHead.objects.values_list("name", "size"))
    checkpoints = list(Checkpoint.objects.order_by("size"))
    report.checkpoints = len(checkpoints)
    integrated = heads.get(INTEGRATED, 0)
    store = tiles.TileStore(use_cache=False)
    types = dict(record_types())
    compact = merkle.CompactRange()
    pending = iter(checkpoints)
    checkpoint = next(pending, None)
    last_good = 0

    def check_checkpoints_up_to(size: int) -> None:
        nonlocal checkpoint, last_good
        while checkpoint is not None and checkpoint.size <= size:
            if checkpoint.size == size:
                _check_checkpoint(report, checkpoint, compact.root(), verifier, last_good)
                if compact.root() == bytes(checkpoint.root_hash):
                    last_good = size
            checkpoint = next(pending, None)

    check_checkpoints_up_to(0)
    expected = 0
    for row in _entries():
        index = row[0]
        if index != expected:
            report.add(expected, f"entry {expected} is missing (deleted or moved)")
            break
        _check_entry(report, index, row, types)
        leaf = row[7]
        if index < integrated:
            try:
                stored = store.node(0, index)
            except LookupError:
                stored = b""
            if stored != leaf:
                report.add(index, f"entry {index} differs from the leaf hash the tree holds")
        for height, position, value in compact.append(leaf):
            if height % tiles.HEIGHT == 0 and (position + 1) << height <= integrated:
                try:
                    ok = store.node(height, position) == value
                except LookupError:
                    ok = False
                if not ok:
                    first, last = position << height, ((position + 1) << height) - 1
                    report.add(
                        first,
                        f"the tree's stored hash {height}/{position} does not match entries "
                        f"{first} to {last}",
                        through=last,
                    )
        expected += 1
        check_checkpoints_up_to(expected)
    report.entries = expected
    while checkpoint is not None:
        report.add(
            expected, f"checkpoint of size {checkpoint.size} covers entries that are missing"
        )
        checkpoint = next(pending, None)
    if report.ok and checkpoints and checkpoints[-1].size != integrated:
        report.add(integrated, "the latest checkpoint does not cover the integrated tree")
    first_bad = report.first_bad_index
    report.problems.sort(key=lambda problem: (problem[0] != first_bad, problem[0]))
    return report


def _check_checkpoint(
    report: Report,
    checkpoint: Checkpoint,
    root: bytes,
    verifier: note.Verifier,
    last_good: int,
) -> None:
    size = checkpoint.size
    try:
        text = note.open_note(checkpoint.note, verifier)
        body = note.Checkpoint.parse(text)
    except note.NoteError as error:
        report.add(max(size - 1, 0), f"checkpoint of size {size}: {error}")
        return
    if body.origin != settings.VENTANILLA_LEDGER_ORIGIN:
        report.add(max(size - 1, 0), f"checkpoint of size {size} names another log")
    if body.size != size or body.root_hash != bytes(checkpoint.root_hash):
        report.add(max(size - 1, 0), f"checkpoint of size {size}: its row differs from its note")
    if body.root_hash != root:
        report.add(
            last_good,
            f"checkpoint of size {size} was signed over other entries: an entry from "
            f"{last_good} to {size - 1} was changed",
            through=size - 1,
        )
