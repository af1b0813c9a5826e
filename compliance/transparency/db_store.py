"""The Merkle tree's `NodeStore` in SQL: the `log_node` table, read and written in the caller's
transaction.

Each call is one statement: the leaf count is the largest level-0 index (an index lookup, not
a count) read once per store, a read is one ``(level, idx) IN (...)`` query, a write one
multi-row INSERT. Writers must hold the log's append lock (`service.append` takes it); a store
lives for one operation, so the count it read stays the size that operation works on.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session

from compliance.transparency.models import LogNode
from compliance.transparency.store import HASH_SIZE, MissingNode, NodeKey

_table = LogNode.__table__


def leaf_count_subquery() -> sa.ScalarSelect[int]:
    """The number of leaves as a scalar subquery: the largest level-0 index plus one (an index
    lookup, not a count), so a caller can read it in the same statement as other rows."""
    return (
        sa.select(sa.func.coalesce(sa.func.max(_table.c.idx) + 1, 0))
        .where(_table.c.level == 0)
        .scalar_subquery()
    )


class SqlNodeStore:
    """`NodeStore` over the `log_node` table."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._leaf_count: int | None = None

    def leaf_count(self) -> int:
        if self._leaf_count is None:
            self._leaf_count = self._session.execute(sa.select(leaf_count_subquery())).scalar_one()
        return self._leaf_count

    def read(self, keys: Sequence[NodeKey]) -> list[bytes]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return []
        rows = self._session.execute(
            sa.select(_table.c.level, _table.c.idx, _table.c.hash).where(
                sa.tuple_(_table.c.level, _table.c.idx).in_(wanted)
            )
        ).all()
        found = {(level, idx): bytes(digest) for level, idx, digest in rows}
        for level, index in wanted:
            if (level, index) not in found:
                raise MissingNode(
                    f"the log has no node at level {level}, index {index}: the node table is "
                    "incomplete or damaged"
                )
        return [found[key] for key in keys]

    def write(self, level: int, first_index: int, hashes: Sequence[bytes]) -> None:
        for digest in hashes:
            if len(digest) != HASH_SIZE:
                raise ValueError(f"a node hash is {HASH_SIZE} bytes, not {len(digest)}")
        if hashes:
            if level == 0:
                self._leaf_count = first_index + len(hashes)
            self._session.execute(
                sa.insert(_table),
                [
                    {"level": level, "idx": first_index + offset, "hash": digest}
                    for offset, digest in enumerate(hashes)
                ],
            )
