"""Where the Merkle tree keeps its node hashes: one hash per complete subtree.

Node ``(level, index)`` is the hash of the complete subtree over leaves
``index * 2**level`` to ``(index + 1) * 2**level - 1``; level 0 holds the leaf hashes. Nodes are
only ever added, in index order at each level, and never change, so a SQL table
``(level INT, idx BIGINT, hash BYTEA, PRIMARY KEY (level, idx))`` implements the interface
directly: `leaf_count` counts level 0, `read` is one ``SELECT ... WHERE (level, idx) IN (...)``
and `write` one multi-row ``INSERT``. Appends must be serialised (one writer at a time).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

HASH_SIZE = 32

NodeKey = tuple[int, int]


class MissingNode(LookupError):
    """The store lacks a node the tree needs: the stored log is incomplete or damaged."""


class NodeStore(Protocol):
    """Storage for the hashes of complete subtrees."""

    def leaf_count(self) -> int:
        """How many leaves the log holds (the number of level-0 nodes)."""
        ...

    def read(self, keys: Sequence[NodeKey]) -> list[bytes]:
        """The hashes at `keys`, in the same order; raise `MissingNode` if one is absent."""
        ...

    def write(self, level: int, first_index: int, hashes: Sequence[bytes]) -> None:
        """Store consecutive nodes of one level, starting at `first_index`."""
        ...


class MemoryNodeStore:
    """A `NodeStore` in memory: one bytearray of concatenated 32-byte hashes per level.

    Compact enough for a million-leaf log (about 64 MB) where a dict of node objects is not.
    """

    def __init__(self) -> None:
        self._levels: list[bytearray] = []

    def leaf_count(self) -> int:
        return len(self._levels[0]) // HASH_SIZE if self._levels else 0

    def read(self, keys: Sequence[NodeKey]) -> list[bytes]:
        hashes = []
        for level, index in keys:
            start = index * HASH_SIZE
            if level >= len(self._levels) or index < 0 or start >= len(self._levels[level]):
                raise MissingNode(f"the log has no node at level {level}, index {index}")
            hashes.append(bytes(self._levels[level][start : start + HASH_SIZE]))
        return hashes

    def write(self, level: int, first_index: int, hashes: Sequence[bytes]) -> None:
        while len(self._levels) <= level:
            self._levels.append(bytearray())
        stored = self._levels[level]
        if first_index * HASH_SIZE != len(stored):
            raise ValueError(
                f"nodes at level {level} must be appended in order: next index is "
                f"{len(stored) // HASH_SIZE}, not {first_index}"
            )
        for digest in hashes:
            if len(digest) != HASH_SIZE:
                raise ValueError(f"a node hash is {HASH_SIZE} bytes, not {len(digest)}")
        stored += b"".join(hashes)
