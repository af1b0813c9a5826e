"""The stored Merkle tree against the RFC's definition and the Certificate Transparency vectors."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import pytest

from compliance.transparency.merkle import (
    EMPTY_ROOT,
    LogError,
    append,
    consistency_proof,
    extend,
    inclusion_proof,
    leaf_hash,
    root_hash,
)
from compliance.transparency.store import MemoryNodeStore, MissingNode, NodeKey
from compliance.transparency.verify import verify_consistency, verify_inclusion
from tests.transparency import reference

# The test data of Google's certificate-transparency (and transparency-dev/merkle) code.
CT_LEAVES = [
    bytes.fromhex(text)
    for text in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_INCLUSION = [  # (leaf index, tree size, audit path)
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
CT_CONSISTENCY = [  # (old size, new size, proof)
    (1, 1, []),
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
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]


class CountingStore(MemoryNodeStore):
    """The in-memory store, counting node reads and writes to pin the O(log n) costs."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0
        self.writes = 0

    def read(self, keys: Sequence[NodeKey]) -> list[bytes]:
        self.reads += len(keys)
        return super().read(keys)

    def write(self, level: int, first_index: int, hashes: Sequence[bytes]) -> None:
        self.writes += len(hashes)
        super().write(level, first_index, hashes)


def log_of(entries: list[bytes]) -> MemoryNodeStore:
    store = MemoryNodeStore()
    extend(store, entries)
    return store


def entries_for(count: int) -> list[bytes]:
    return [f"entry {index}".encode() for index in range(count)]


def test_ct_reference_roots_for_every_size() -> None:
    store = MemoryNodeStore()
    assert root_hash(store).hex() == CT_ROOTS[0]
    for size, entry in enumerate(CT_LEAVES, start=1):
        append(store, entry)
        assert root_hash(store).hex() == CT_ROOTS[size]
    assert [root_hash(store, size).hex() for size in range(9)] == CT_ROOTS


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_ct_reference_inclusion_proofs(index: int, size: int, path: list[str]) -> None:
    store = log_of(CT_LEAVES)
    assert [node.hex() for node in inclusion_proof(store, index, size)] == path
    root = bytes.fromhex(CT_ROOTS[size])
    assert verify_inclusion(
        leaf_hash(CT_LEAVES[index]), index, size, inclusion_proof(store, index, size), root
    )


@pytest.mark.parametrize(("old", "new", "path"), CT_CONSISTENCY)
def test_ct_reference_consistency_proofs(old: int, new: int, path: list[str]) -> None:
    store = log_of(CT_LEAVES)
    assert [node.hex() for node in consistency_proof(store, old, new)] == path
    assert verify_consistency(
        old,
        new,
        bytes.fromhex(CT_ROOTS[old]),
        bytes.fromhex(CT_ROOTS[new]),
        [bytes.fromhex(node) for node in path],
    )


def test_roots_and_every_proof_match_the_rfc_definition_for_sizes_1_to_64() -> None:
    entries = entries_for(64)
    store = log_of(entries)
    for size in range(1, 65):
        prefix = entries[:size]
        root = reference.mth(prefix)
        assert root_hash(store, size) == root
        for index in range(size):
            proof = inclusion_proof(store, index, size)
            assert proof == reference.path(index, prefix), (index, size)
            assert verify_inclusion(leaf_hash(entries[index]), index, size, proof, root)
        for old in range(1, size + 1):
            proof = consistency_proof(store, old, size)
            assert proof == reference.proof(old, prefix), (old, size)
            assert verify_consistency(old, size, reference.mth(entries[:old]), root, proof)


def test_appending_one_by_one_equals_bulk_extension_in_any_batches() -> None:
    entries = entries_for(300)
    one_by_one = MemoryNodeStore()
    for entry in entries:
        append(one_by_one, entry)
    batched = MemoryNodeStore()
    rng = random.Random(6962)
    position = 0
    while position < len(entries):
        batch = entries[position : position + rng.randint(1, 40)]
        assert extend(batched, batch) == range(position, position + len(batch))
        position += len(batch)
    assert batched.leaf_count() == one_by_one.leaf_count() == 300
    for size in (1, 2, 3, 128, 255, 256, 257, 300):
        assert (
            root_hash(batched, size) == root_hash(one_by_one, size) == reference.mth(entries[:size])
        )


def test_append_costs_logarithmic_reads_and_writes() -> None:
    store = CountingStore()
    extend(store, entries_for(2**14 - 1))
    store.reads = store.writes = 0
    assert append(store, b"the entry that completes every level") == 2**14 - 1
    assert store.writes == 15  # the leaf and one node per level up to the new 2**14 subtree
    assert store.reads == 14
    store.reads = store.writes = 0
    append(store, b"one more")
    assert store.writes == 1 and store.reads == 0


def test_proofs_read_logarithmically_many_nodes() -> None:
    size = 100_003
    store = CountingStore()
    extend(store, entries_for(size))
    bound = 2 * math.ceil(math.log2(size)) + 1
    rng = random.Random(9162)
    for _ in range(200):
        store.reads = 0
        inclusion_proof(store, rng.randrange(size), size)
        assert store.reads <= bound
        store.reads = 0
        old = rng.randrange(1, size)
        consistency_proof(store, old, size)
        assert store.reads <= bound
    store.reads = 0
    root_hash(store)
    assert store.reads == bin(size).count("1")


def test_empty_log_has_the_empty_root() -> None:
    assert root_hash(MemoryNodeStore()) == EMPTY_ROOT
    assert extend(MemoryNodeStore(), []) == range(0, 0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda store: inclusion_proof(store, 5, 5), "entry 5 is not in a log of 5 entries"),
        (lambda store: inclusion_proof(store, 0, 6), "no tree of size 6"),
        (lambda store: consistency_proof(store, 4, 3), "cannot prove a log of 4"),
        (lambda store: consistency_proof(store, 1, 9), "no tree of size 9"),
        (lambda store: root_hash(store, 6), "the log holds 5 entries"),
    ],
)
def test_impossible_requests_are_refused_with_a_reason(call, message: str) -> None:
    with pytest.raises(LogError, match=message):
        call(log_of(entries_for(5)))


def test_store_accepts_nodes_only_in_order_and_reports_missing_ones() -> None:
    store = MemoryNodeStore()
    with pytest.raises(ValueError, match="next index is 0, not 1"):
        store.write(0, 1, [bytes(32)])
    with pytest.raises(ValueError, match="32 bytes, not 31"):
        store.write(0, 0, [bytes(31)])
    with pytest.raises(MissingNode, match="level 3, index 0"):
        store.read([(3, 0)])
