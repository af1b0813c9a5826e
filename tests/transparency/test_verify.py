"""Offline proof verification refuses every corruption the reference implementations probe."""

from __future__ import annotations

import hashlib

import pytest

from compliance.transparency.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    extend,
    inclusion_proof,
    leaf_hash,
    root_hash,
)
from compliance.transparency.store import MemoryNodeStore
from compliance.transparency.verify import verify_consistency, verify_inclusion

SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


@pytest.fixture(scope="module")
def store() -> MemoryNodeStore:
    log = MemoryNodeStore()
    extend(log, [f"entry {index}".encode() for index in range(37)])
    return log


def flipped(digest: bytes, bit: int) -> bytes:
    return bytes([digest[0] ^ bit]) + digest[1:]


def corrupted_inclusion(index: int, size: int, proof: list[bytes], root: bytes, leaf: bytes):
    """The probes of transparency-dev/merkle's verify_test.go, each a reason to refuse."""
    probes = [
        (index - 1, size, root, leaf, proof),
        (index + 1, size, root, leaf, proof),
        (index ^ 2, size, root, leaf, proof),
        (index, size * 2, root, leaf, proof),
        (index, size // 2, root, leaf, proof),
        (index, size, root, leaf_hash(b"WrongLeaf"), proof),
        (index, size, EMPTY_ROOT, leaf, proof),
        (index, size, SOME_HASH, leaf, proof),
        (index, size, root, leaf, [*proof, b""]),
        (index, size, root, leaf, [*proof, root]),
        (index, size, root, leaf, [b"", *proof]),
        (index, size, root, leaf, [root, *proof]),
    ]
    probes += [
        (index, size, root, leaf, [*proof[:i], flipped(proof[i], 8), *proof[i + 1 :]])
        for i in range(len(proof))
    ]
    if proof:
        probes.append((index, size, root, leaf, proof[:-1]))
    if len(proof) > 1:
        probes.append((index, size, root, leaf, [proof[0], SOME_HASH, *proof[1:]]))
    return probes


def corrupted_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof):
    probes = [
        (old - 1, new, old_root, new_root, proof),
        (old + 1, new, old_root, new_root, proof),
        (old ^ 2, new, old_root, new_root, proof),
        (old, new * 2, old_root, new_root, proof),
        (old, new // 2, old_root, new_root, proof),
        (old, new, hashlib.sha256(b"WrongRoot").digest(), new_root, proof),
        (old, new, old_root, hashlib.sha256(b"WrongRoot").digest(), proof),
        (old, new, new_root, old_root, proof),
        (old, new, old_root, new_root, []),
        (old, new, old_root, new_root, [*proof, b""]),
        (old, new, old_root, new_root, [*proof, old_root]),
        (old, new, old_root, new_root, [*proof, new_root]),
        (old, new, old_root, new_root, [b"", *proof]),
        (old, new, old_root, new_root, [old_root, *proof]),
        (old, new, old_root, new_root, [new_root, *proof]),
        (old, new, old_root, new_root, [proof[0], *proof]),
        (old, new, old_root, new_root, proof[:-1]),
    ]
    probes += [
        (old, new, old_root, new_root, [*proof[:i], flipped(proof[i], 16), *proof[i + 1 :]])
        for i in range(len(proof))
    ]
    return probes


def test_every_corrupted_inclusion_proof_is_refused(store: MemoryNodeStore) -> None:
    checked = 0
    for size in (1, 2, 3, 5, 8, 13, 16, 17, 31, 32, 37):
        root = root_hash(store, size)
        for index in range(size):
            leaf = leaf_hash(f"entry {index}".encode())
            proof = inclusion_proof(store, index, size)
            assert verify_inclusion(leaf, index, size, proof, root)
            for probe in corrupted_inclusion(index, size, proof, root, leaf):
                assert not verify_inclusion(*probe), (index, size, probe[:2])
                checked += 1
    assert checked > 2000


def test_every_corrupted_consistency_proof_is_refused(store: MemoryNodeStore) -> None:
    checked = 0
    for new in range(2, 38):
        new_root = root_hash(store, new)
        for old in range(1, new):
            old_root = root_hash(store, old)
            proof = consistency_proof(store, old, new)
            assert verify_consistency(old, new, old_root, new_root, proof)
            for probe in corrupted_consistency(old, new, old_root, new_root, proof):
                assert not verify_consistency(*probe), (old, new)
                checked += 1
    assert checked > 10000


def test_a_single_entry_tree_proves_itself_with_an_empty_path() -> None:
    leaf = leaf_hash(b"data")
    assert verify_inclusion(leaf, 0, 1, [], leaf)
    assert not verify_inclusion(leaf, 0, 1, [], EMPTY_ROOT)
    assert not verify_inclusion(b"", 0, 1, [], b"")


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 0), (2, 1), (-1, 4)])
def test_indices_outside_the_tree_never_verify(index: int, size: int) -> None:
    assert not verify_inclusion(SOME_HASH, index, size, [], SOME_HASH)


def test_consistency_edge_cases(store: MemoryNodeStore) -> None:
    root5 = root_hash(store, 5)
    assert verify_consistency(5, 5, root5, root5, [])
    assert not verify_consistency(5, 5, root5, root_hash(store, 6), [])
    assert not verify_consistency(5, 5, root5, root5, [root5])
    assert verify_consistency(0, 5, EMPTY_ROOT, root5, [])
    assert not verify_consistency(0, 5, SOME_HASH, root5, [])
    assert not verify_consistency(0, 5, EMPTY_ROOT, root5, [root5])
    assert not verify_consistency(6, 5, root_hash(store, 6), root5, [])
    assert not verify_consistency(1, 2, root_hash(store, 1), root_hash(store, 2), [])
