"""The Merkle functions against the RFC 6962 / RFC 9162 reference vectors, every proof of
every tree up to 64 leaves, and properties over random larger trees."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ventanilla.ledger import merkle

# Source: the Certificate Transparency reference test data, as published in
# github.com/transparency-dev/merkle (testonly/constants.go, from the C++ CT log's
# merkle_tree_test.cc): the eight leaf inputs, the tree head for each size 1..8, and the
# inclusion and consistency proofs below.
LEAF_INPUTS = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


def _leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(hashlib.sha256(b"leaf %d" % i).digest()) for i in range(n)]


REFERENCE = merkle.MemoryTree([merkle.leaf_hash(bytes.fromhex(x)) for x in LEAF_INPUTS])
BIG = merkle.MemoryTree(_leaves(64))


def test_the_empty_tree_and_every_reference_tree_head_match_rfc_6962() -> None:
    assert merkle.EMPTY_ROOT.hex() == EMPTY_ROOT
    assert merkle.root(REFERENCE.node, 0).hex() == EMPTY_ROOT
    for size, expected in enumerate(ROOTS, start=1):
        assert REFERENCE.root(size).hex() == expected


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_match_the_reference_and_verify(
    index: int, size: int, path: list[str]
) -> None:
    proof = merkle.inclusion_proof(REFERENCE.node, index, size)
    assert [p.hex() for p in proof] == path
    leaf = REFERENCE.node(0, index)
    assert merkle.verify_inclusion(leaf, index, size, proof, bytes.fromhex(ROOTS[size - 1]))


@pytest.mark.parametrize(("first", "second", "path"), CONSISTENCY)
def test_consistency_proofs_match_the_reference_and_verify(
    first: int, second: int, path: list[str]
) -> None:
    proof = merkle.consistency_proof(REFERENCE.node, first, second)
    assert [p.hex() for p in proof] == path
    assert merkle.verify_consistency(
        first, second, bytes.fromhex(ROOTS[first - 1]), bytes.fromhex(ROOTS[second - 1]), proof
    )


def test_the_split_is_the_largest_power_of_two_below_the_size() -> None:
    assert [merkle.split(n) for n in (2, 3, 4, 5, 8, 9, 1000)] == [1, 2, 2, 4, 4, 8, 512]


def test_every_inclusion_proof_of_every_tree_up_to_64_leaves_verifies_and_only_there() -> None:
    for size in range(1, 65):
        root = BIG.root(size)
        for index in range(size):
            leaf = BIG.node(0, index)
            proof = merkle.inclusion_proof(BIG.node, index, size)
            assert merkle.verify_inclusion(leaf, index, size, proof, root)
            if size > 1:
                assert not merkle.verify_inclusion(leaf, (index + 1) % size, size, proof, root)
                assert not merkle.verify_inclusion(merkle.leaf_hash(b"x"), index, size, proof, root)
                assert not merkle.verify_inclusion(leaf, index, size, [*proof, leaf], root)
                assert not merkle.verify_inclusion(leaf, index, size, proof[:-1], root)


def test_every_consistency_proof_between_trees_up_to_64_leaves_verifies() -> None:
    for second in range(1, 65):
        second_root = BIG.root(second)
        for first in range(0, second + 1):
            first_root = BIG.root(first)
            proof = merkle.consistency_proof(BIG.node, first, second)
            assert merkle.verify_consistency(first, second, first_root, second_root, proof)
            if 0 < first < second:
                assert not merkle.verify_consistency(first, second, second_root, first_root, proof)
                assert not merkle.verify_consistency(first, second, first_root, second_root, [])
                assert not merkle.verify_consistency(
                    first, second, first_root, second_root, proof[:-1]
                )


def test_proofs_outside_the_tree_are_refused() -> None:
    with pytest.raises(ValueError, match="leaf 8 is not in a tree of size 8"):
        merkle.inclusion_proof(REFERENCE.node, 8, 8)
    with pytest.raises(ValueError, match="no consistency proof from size 5 to size 3"):
        merkle.consistency_proof(REFERENCE.node, 5, 3)
    assert not merkle.verify_inclusion(REFERENCE.node(0, 0), 8, 8, [], REFERENCE.root())
    assert not merkle.verify_inclusion(b"short", 0, 1, [], REFERENCE.root(1))


def test_the_compact_range_gives_the_same_roots_and_completed_subtrees() -> None:
    compact = merkle.CompactRange()
    for index in range(64):
        completed = compact.append(BIG.node(0, index))
        for height, position, value in completed:
            assert BIG.node(height, position) == value
        assert compact.root() == BIG.root(index + 1)


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(min_value=1, max_value=5000),
    data=st.data(),
)
def test_any_inclusion_proof_in_a_large_tree_verifies_and_any_flipped_byte_fails(
    size: int, data: st.DataObject
) -> None:
    tree = merkle.MemoryTree(_leaves(size))
    root = tree.root()
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = merkle.inclusion_proof(tree.node, index, size)
    assert merkle.verify_inclusion(tree.node(0, index), index, size, proof, root)
    if proof:
        which = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        byte = data.draw(st.integers(min_value=0, max_value=31))
        bit = data.draw(st.integers(min_value=0, max_value=7))
        flipped = bytearray(proof[which])
        flipped[byte] ^= 1 << bit
        bad = [*proof[:which], bytes(flipped), *proof[which + 1 :]]
        assert not merkle.verify_inclusion(tree.node(0, index), index, size, bad, root)
    leaf = bytearray(tree.node(0, index))
    leaf[data.draw(st.integers(min_value=0, max_value=31))] ^= 0x80
    assert not merkle.verify_inclusion(bytes(leaf), index, size, proof, root)


@settings(max_examples=60, deadline=None)
@given(second=st.integers(min_value=2, max_value=5000), data=st.data())
def test_any_consistency_proof_in_a_large_tree_verifies_and_any_flipped_byte_fails(
    second: int, data: st.DataObject
) -> None:
    tree = merkle.MemoryTree(_leaves(second))
    first = data.draw(st.integers(min_value=1, max_value=second - 1))
    proof = merkle.consistency_proof(tree.node, first, second)
    first_root, second_root = tree.root(first), tree.root(second)
    assert merkle.verify_consistency(first, second, first_root, second_root, proof)
    which = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
    flipped = bytearray(proof[which])
    flipped[data.draw(st.integers(min_value=0, max_value=31))] ^= 1
    bad = [*proof[:which], bytes(flipped), *proof[which + 1 :]]
    assert not merkle.verify_consistency(first, second, first_root, second_root, bad)
    wrong_root = bytearray(first_root)
    wrong_root[0] ^= 1
    assert not merkle.verify_consistency(first, second, bytes(wrong_root), second_root, proof)
