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
_CACHE_SIZE = 2048  # tiles kept per process (at most 16 KiB each with their levels)


class _Tile:
    """A tile's hashes, and (built on first use) the levels of nodes above them inside
    the tile, so that a node between two tile levels is a lookup, not 2**k hashings.
    Each level is one bytes object: a full tile and its levels take 16 KiB."""

    __slots__ = ("_levels", "hashes")

    def __init__(self, hashes: bytes) -> None:
        self.hashes = hashes
        self._levels: list[bytes] | None = None

    def __len__(self) -> int:
        return len(self.hashes) // HASH_SIZE

    def node(self, rise: int, position: int) -> bytes | None:
        """The node ``rise`` levels above the tile's hashes at ``position``, if complete."""
        if rise and self._levels is None:
            row = [self.hashes[i : i + HASH_SIZE] for i in range(0, len(self.hashes), HASH_SIZE)]
            levels = [self.hashes]
            for _ in range(HEIGHT - 1):
                row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)]
                levels.append(b"".join(row))
            self._levels = levels
        level = self._levels[rise] if self._levels is not None else self.hashes
        value = level[position * HASH_SIZE : (position + 1) * HASH_SIZE]
        return value if len(value) == HASH_SIZE else None


_cache: OrderedDict[tuple[int, int], _Tile] = OrderedDict()


def cache_clear() -> None:
    _cache.clear()


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
        self._read: dict[tuple[int, int], _Tile] = {}

    def _tile(self, level: int, offset: int, *, need: int) -> _Tile:
        key = (level, offset)
        cached = self._read.get(key)
        if cached is None and self.use_cache:
            cached = _cache.get(key)
        if cached is not None and len(cached) >= need:
            return cached
        row = Tile.objects.filter(level=level, offset=offset).values_list("hashes", flat=True)
        tile = _Tile(bytes(row[0]) if row else b"")
        self._read[key] = tile
        if self.use_cache and len(tile):
            _cache[key] = tile
            _cache.move_to_end(key)
            if len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
        return tile

    def tile(self, level: int, offset: int) -> bytes:
        """The hashes of tile ``level``/``offset`` as stored (empty if there is none)."""
        return self._tile(level, offset, need=WIDTH).hashes

    def node(self, height: int, index: int) -> bytes:
        level, rise = divmod(height, HEIGHT)
        first = index << rise  # the node's first hash in its tile level
        offset, start = divmod(first, WIDTH)
        value = self._tile(level, offset, need=start + (1 << rise)).node(rise, start >> rise)
        if value is None:
            raise LookupError(f"node {height}/{index} is not in the stored tree")
        return value


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
