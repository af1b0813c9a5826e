"""The log's Merkle tree, RFC 6962 / RFC 9162 §2.1, computed from stored complete subtrees.

Appending stores each subtree hash the moment the subtree becomes complete, so an append is
O(log n) reads and writes, and the tree head, inclusion proofs and consistency proofs of any
size up to the current one are folded from O(log n) stored nodes, with no rebuild.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from compliance.transparency.store import NodeKey, NodeStore

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


class LogError(ValueError):
    """A request the log cannot answer, such as a proof for a size it has not reached."""


def leaf_hash(entry: bytes) -> bytes:
    """SHA-256(0x00 || entry)."""
    return hashlib.sha256(LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def append(store: NodeStore, entry: bytes) -> int:
    """Add one entry to the log; return its index."""
    return extend(store, [entry]).start


def extend(store: NodeStore, entries: Sequence[bytes]) -> range:
    """Add entries in order; return their indices.

    Works level by level: hash the new leaves, then every parent whose children are now both
    present, reading at most one stored left sibling per level.
    """
    old_size = store.leaf_count()
    new_size = old_size + len(entries)
    if not entries:
        return range(old_size, old_size)
    left_keys = _left_siblings(old_size, new_size)
    stored_left = dict(zip(left_keys, store.read(left_keys), strict=True))
    sha256 = hashlib.sha256
    level_hashes = [sha256(LEAF_PREFIX + entry).digest() for entry in entries]
    store.write(0, old_size, level_hashes)
    level = 0
    while (new_size >> (level + 1)) > (old_size >> (level + 1)):
        first_child = old_size >> level
        if first_child % 2:
            level_hashes = [stored_left[(level, first_child - 1)], *level_hashes]
            first_child -= 1
        level_hashes = [
            sha256(NODE_PREFIX + level_hashes[i] + level_hashes[i + 1]).digest()
            for i in range(0, len(level_hashes) - 1, 2)
        ]
        level += 1
        store.write(level, first_child // 2, level_hashes)
    return range(old_size, new_size)


def root_hash(store: NodeStore, size: int | None = None) -> bytes:
    """The Merkle tree head of the first `size` entries (default: all of them)."""
    size = store.leaf_count() if size is None else size
    _check_size(store, size)
    if size == 0:
        return EMPTY_ROOT
    keys = _subtrees(0, size)
    return _fold(store.read(keys))


def inclusion_proof(store: NodeStore, index: int, size: int) -> list[bytes]:
    """The audit path PATH(index, D[size]) of RFC 9162 §2.1.3.1, leaf side first."""
    _check_size(store, size)
    if not 0 <= index < size:
        raise LogError(f"entry {index} is not in a log of {size} entries")
    plan: list[list[NodeKey]] = []
    start, end = 0, size
    while end - start > 1:
        middle = start + _largest_power_of_two_below(end - start)
        if index < middle:
            plan.append(_subtrees(middle, end))
            end = middle
        else:
            plan.append(_subtrees(start, middle))
            start = middle
    return _resolve(store, plan[::-1])


def consistency_proof(store: NodeStore, old_size: int, new_size: int) -> list[bytes]:
    """PROOF(old_size, D[new_size]) of RFC 9162 §2.1.4.1: the new log extends the old one."""
    _check_size(store, new_size)
    if not 0 <= old_size <= new_size:
        raise LogError(f"cannot prove a log of {old_size} entries is a prefix of {new_size}")
    if old_size in (0, new_size):
        return []
    plan: list[list[NodeKey]] = []
    start, end, old_is_whole_subtree = 0, new_size, True
    while old_size != end:
        middle = start + _largest_power_of_two_below(end - start)
        if old_size <= middle:
            plan.append(_subtrees(middle, end))
            end = middle
        else:
            plan.append(_subtrees(start, middle))
            start = middle
            old_is_whole_subtree = False
    if not old_is_whole_subtree:
        plan.append(_subtrees(start, end))
    return _resolve(store, plan[::-1])


def _left_siblings(old_size: int, new_size: int) -> list[NodeKey]:
    """Stored nodes that become the left child of a parent completed by this append."""
    keys = []
    level = 0
    while (new_size >> (level + 1)) > (old_size >> (level + 1)):
        if (old_size >> level) % 2:
            keys.append((level, (old_size >> level) - 1))
        level += 1
    return keys


def _subtrees(start: int, end: int) -> list[NodeKey]:
    """The complete subtrees covering leaves [start, end), largest (leftmost) first.

    Every range the RFC recursion produces starts on a multiple of its largest power of two,
    so the greedy split is exactly the RFC's split into complete left parts.
    """
    keys = []
    while start < end:
        level = (end - start).bit_length() - 1
        keys.append((level, start >> level))
        start += 1 << level
    return keys


def _resolve(store: NodeStore, plan: list[list[NodeKey]]) -> list[bytes]:
    """Read every node of the plan at once; each proof element folds its subtrees."""
    hashes = iter(store.read([key for keys in plan for key in keys]))
    return [_fold([next(hashes) for _ in keys]) for keys in plan]


def _fold(subtree_hashes: list[bytes]) -> bytes:
    """MTH of adjacent complete subtrees (largest first): fold from the right."""
    result = subtree_hashes[-1]
    for left in reversed(subtree_hashes[:-1]):
        result = node_hash(left, result)
    return result


def _largest_power_of_two_below(n: int) -> int:
    """The k of RFC 9162: the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_size(store: NodeStore, size: int) -> None:
    count = store.leaf_count()
    if not 0 <= size <= count:
        raise LogError(f"the log holds {count} entries; there is no tree of size {size}")
