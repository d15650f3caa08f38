"""The tree's stored hashes, in tiles of 256 (the layout of c2sp.org/tlog-tiles).

Level L of the tiles holds the hashes at height 8·L of the tree: level 0 the leaf hashes,
level 1 the heads of each complete run of 256 leaves, and so on. A node at a height between
two tile levels is computed from at most 128 hashes of the tile below it, so serving a proof
reads a handful of rows, and tiles (which only ever grow at their end) are cached per
process.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

from ventanilla.ledger.merkle import HASH_SIZE, node_hash
from ventanilla.ledger.models import Tile

HEIGHT = 8
WIDTH = 1 << HEIGHT  # hashes per tile
_CACHE_SIZE = 2048  # tiles (at most 8 KiB each) kept per process
_complete: OrderedDict[tuple[int, int], bytes] = OrderedDict()


def cache_clear() -> None:
    _complete.clear()


def fold(hashes: bytes) -> bytes:
    """The head of the perfect subtree over ``hashes`` (a power of two of them)."""
    level = [hashes[i : i + HASH_SIZE] for i in range(0, len(hashes), HASH_SIZE)]
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


class TileStore:
    """``node(height, index)`` for the merkle functions, read from the Tile table.

    Tiles only ever grow at their end, so a tile read once stays true for the hashes it
    held: they are kept in a per-process cache, and a tile is read again only when a node
    needs hashes beyond what the cached copy holds. ``use_cache=False`` reads everything
    from the database (what ``ledger verify`` and the checkpointer do)."""

    def __init__(self, *, use_cache: bool = True) -> None:
        self.use_cache = use_cache
        self._read: dict[tuple[int, int], bytes] = {}

    def tile(self, level: int, offset: int, *, need: int = WIDTH) -> bytes:
        """Tile ``level``/``offset``, holding at least ``need`` hashes if it has them."""
        key = (level, offset)
        cached = self._read.get(key)
        if cached is None and self.use_cache:
            cached = _complete.get(key)
        if cached is not None and len(cached) >= need * HASH_SIZE:
            return cached
        row = Tile.objects.filter(level=level, offset=offset).values_list("hashes", flat=True)
        hashes = bytes(row[0]) if row else b""
        self._read[key] = hashes
        if self.use_cache and hashes:
            _complete[key] = hashes
            _complete.move_to_end(key)
            if len(_complete) > _CACHE_SIZE:
                _complete.popitem(last=False)
        return hashes

    def node(self, height: int, index: int) -> bytes:
        level, rise = divmod(height, HEIGHT)
        first = index << rise  # the node's first hash in its tile level
        offset, start = divmod(first, WIDTH)
        end = start + (1 << rise)
        hashes = self.tile(level, offset, need=end)[start * HASH_SIZE : end * HASH_SIZE]
        if len(hashes) != (1 << rise) * HASH_SIZE:
            raise LookupError(f"node {height}/{index} is not in the stored tree")
        return hashes if rise == 0 else fold(hashes)


def integrate(*, size: int, leaves: Iterable[bytes]) -> int:
    """Add ``leaves`` (hashes of entries ``size``, ``size + 1``, ...) to the stored tiles and
    return the new tree size. Call it in the transaction that records the new checkpoint:
    a crash before commit leaves the tiles as they were."""
    new: list[bytes] = list(leaves)
    start, end = size, size + len(new)
    level = 0
    while new:
        first_tile, last_tile = start // WIDTH, (start + len(new) - 1) // WIDTH
        existing = {
            offset: bytes(hashes)
            for offset, hashes in Tile.objects.filter(level=level, offset=first_tile).values_list(
                "offset", "hashes"
            )
        }
        rows: list[Tile] = []
        completed: list[bytes] = []
        position = start
        for offset in range(first_tile, last_tile + 1):
            before = existing.get(offset, b"")
            if len(before) != (position - offset * WIDTH) * HASH_SIZE:
                raise RuntimeError(f"tile {level}/{offset} does not end where the tree does")
            take = min(WIDTH * (offset + 1), start + len(new)) - position
            chunk = b"".join(new[position - start : position - start + take])
            hashes = before + chunk
            rows.append(Tile(level=level, offset=offset, hashes=hashes))
            if len(hashes) == WIDTH * HASH_SIZE:
                completed.append(fold(hashes))
            position += take
        Tile.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["level", "offset"],
            update_fields=["hashes"],
        )
        # The tiles completed now are the next hashes of the level above: the first of
        # them was partial before (or absent), so the level above holds first_tile hashes.
        start, new = first_tile, completed
        level += 1
    return end
