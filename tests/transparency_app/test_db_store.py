"""The SQL node store gives the tree the same hashes and proofs as the in-memory reference,
in a constant number of statements whatever the log's size."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask

from compliance import db
from compliance.transparency import merkle
from compliance.transparency import service as log_service
from compliance.transparency.db_store import SqlNodeStore
from compliance.transparency.models import LogNode
from compliance.transparency.store import MemoryNodeStore, MissingNode
from tests.transparency_app.conftest import T0, fill_log


@contextmanager
def counted_statements(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = db.engine(app)
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_sql_store_matches_the_memory_store_for_every_size_and_proof(app: Flask) -> None:
    rng = random.Random(7)
    entries = [rng.randbytes(rng.randrange(0, 40)) for _ in range(70)]
    memory = MemoryNodeStore()
    with db.session_scope(app) as session:
        sql = SqlNodeStore(session)
        position = 0
        for batch in (1, 2, 5, 1, 8, 13, 3, 16, 21):
            merkle.extend(memory, entries[position : position + batch])
            merkle.extend(sql, entries[position : position + batch])
            position += batch
        session.commit()
        assert sql.leaf_count() == memory.leaf_count() == 70
        for size in range(71):
            assert merkle.root_hash(sql, size) == merkle.root_hash(memory, size)
        for _ in range(60):
            size = rng.randrange(1, 71)
            index = rng.randrange(size)
            assert merkle.inclusion_proof(sql, index, size) == merkle.inclusion_proof(
                memory, index, size
            )
            old = rng.randrange(size + 1)
            assert merkle.consistency_proof(sql, old, size) == merkle.consistency_proof(
                memory, old, size
            )


def test_a_proof_is_two_statements_and_an_append_a_handful_at_any_size(app: Flask) -> None:
    fill_log(app, 1023)
    with db.session_scope(app) as session:
        with counted_statements(app) as statements:
            log_service.inclusion(session=session, index=517, tree_size=1023)
        # leaf count, the audit path in one query, the leaf itself
        assert len(statements) == 3
        with counted_statements(app) as statements:
            log_service.consistency(session=session, first=300, second=1023)
        assert len(statements) == 2
        with counted_statements(app) as statements:
            log_service.append(
                session=session, kind="methodology.published", payload={"v": 1}, now=T0
            )
        # lock, leaf count, left siblings, 11 levels of nodes (1023 -> 1024 completes them
        # all), the entry row: logarithmic, not linear
        assert len(statements) <= 16
        session.rollback()


def test_reading_an_absent_node_names_it(app: Flask) -> None:
    fill_log(app, 3)
    with db.session_scope(app) as session:
        store = SqlNodeStore(session)
        assert store.read([(0, 2), (1, 0), (0, 2)])[0] == store.read([(0, 2)])[0]
        with pytest.raises(MissingNode, match="level 1, index 1"):
            store.read([(0, 0), (1, 1)])
        session.execute(sa.delete(LogNode).where(LogNode.level == 0, LogNode.idx == 0))
        with pytest.raises(MissingNode, match="level 0, index 0"):
            merkle.inclusion_proof(store, 1, 3)


def test_a_node_hash_must_be_32_bytes(app: Flask) -> None:
    with db.session_scope(app) as session, pytest.raises(ValueError, match="32 bytes, not 31"):
        SqlNodeStore(session).write(0, 0, [b"\x00" * 31])
