"""Merkle tree hashing and proofs exactly as RFC 9162 (Certificate Transparency 2.0) defines
them, so that any RFC 9162 / RFC 6962 implementation checks our proofs and we check theirs.

Pure functions, no database. A tree is read through ``node(height, index)``: the hash of the
perfect subtree of ``2**height`` leaves that starts at leaf ``index * 2**height``. Every
subtree the RFC's algorithms need is a perfect one or a run of perfect ones from the left,
so a store of those hashes (see ``tiles.py``) is enough to serve any proof or root.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeSource = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    """MTH of a one-leaf tree: SHA-256(0x00 || data) (RFC 9162, 2.1.1)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """An interior node: SHA-256(0x01 || left || right) (RFC 9162, 2.1.1)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1): where RFC 9162 splits a tree."""
    return 1 << ((n - 1).bit_length() - 1)


def range_hash(node: NodeSource, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a range whose start is aligned to its largest power-of-two
    part, which is every range the RFC's recursion produces: the perfect subtrees of the
    binary decomposition of its length, folded from the right."""
    if end <= start:
        raise ValueError(f"empty range {start}:{end}")
    parts: list[bytes] = []
    position = start
    remaining = end - start
    while remaining:
        height = remaining.bit_length() - 1
        size = 1 << height
        if position % size:
            raise ValueError(f"range {start}:{end} is not aligned")
        parts.append(node(height, position >> height))
        position += size
        remaining -= size
    result = parts.pop()
    while parts:
        result = node_hash(parts.pop(), result)
    return result


def root(node: NodeSource, size: int) -> bytes:
    """The tree head of the first ``size`` leaves (the empty tree hashes the empty string)."""
    if size < 0:
        raise ValueError("a tree size cannot be negative")
    return EMPTY_ROOT if size == 0 else range_hash(node, 0, size)


def inclusion_proof(node: NodeSource, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) (RFC 9162, 2.1.3.1), leaf to root."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of size {size}")
    path: list[bytes] = []
    start, n, m = 0, size, index
    while n > 1:
        k = split(n)
        if m < k:
            path.append(range_hash(node, start + k, start + n))
            n = k
        else:
            path.append(range_hash(node, start, start + k))
            start, n, m = start + k, n - k, m - k
    path.reverse()
    return path


def consistency_proof(node: NodeSource, first: int, second: int) -> list[bytes]:
    """PROOF(first, D[0:second]) (RFC 9162, 2.1.4.1); empty when the sizes are equal or the
    first tree is empty, since there is nothing to prove."""
    if not 0 <= first <= second:
        raise ValueError(f"no consistency proof from size {first} to size {second}")
    if first in (0, second):
        return []
    path: list[bytes] = []
    start, n, m, whole = 0, second, first, True
    while m != n:
        k = split(n)
        if m <= k:
            path.append(range_hash(node, start + k, start + n))
            n = k
        else:
            path.append(range_hash(node, start, start + k))
            start, n, m, whole = start + k, n - k, m - k, False
    if not whole:
        path.append(range_hash(node, start, start + n))
    path.reverse()
    return path


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """Whether ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree of ``size``
    leaves whose head is ``expected_root`` (the algorithm of RFC 9162, 2.1.3.2)."""
    if not 0 <= index < size or len(leaf) != HASH_SIZE or len(expected_root) != HASH_SIZE:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0 or len(p) != HASH_SIZE:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the tree of ``second`` leaves (head ``second_root``) extends
    the tree of ``first`` leaves (head ``first_root``) (RFC 9162, 2.1.4.2)."""
    if not 0 <= first <= second or len(first_root) != HASH_SIZE:
        return False
    if len(second_root) != HASH_SIZE or any(len(p) != HASH_SIZE for p in proof):
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof and first_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the first tree is itself a node
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


class CompactRange:
    """The heads of the perfect subtrees that make up the first ``size`` leaves (at most one
    per height): enough to append and to compute the root, in O(log n) memory. ``append``
    returns every perfect subtree the new leaf completes, as (height, index, hash)."""

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[tuple[int, bytes]] = []  # (height, hash), tallest first

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        completed: list[tuple[int, int, bytes]] = []
        height, value, index = 0, leaf, self.size
        while self._stack and self._stack[-1][0] == height:
            _, left = self._stack.pop()
            value = node_hash(left, value)
            height += 1
            index >>= 1
            completed.append((height, index, value))
        self._stack.append((height, value))
        self.size += 1
        return completed

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        result = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            result = node_hash(left, result)
        return result


class MemoryTree:
    """A whole tree in memory: for tests, the auditor and ``ledger verify``'s recomputation."""

    def __init__(self, leaves: Sequence[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for leaf in leaves:
            self.append(leaf)

    def __len__(self) -> int:
        return len(self.levels[0])

    def append(self, leaf: bytes) -> None:
        """Add a leaf hash, completing every perfect subtree it closes."""
        self.levels[0].append(leaf)
        height, index = 0, len(self.levels[0]) - 1
        while index & 1:
            level = self.levels[height]
            parent = node_hash(level[index - 1], level[index])
            height += 1
            if len(self.levels) == height:
                self.levels.append([])
            self.levels[height].append(parent)
            index >>= 1

    def node(self, height: int, index: int) -> bytes:
        return self.levels[height][index]

    def root(self, size: int | None = None) -> bytes:
        return root(self.node, len(self) if size is None else size)
