"""Appends from many connections at once never interleave (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta

from flask import Flask
from sqlmodel import select

from compliance import db
from compliance.transparency import merkle
from compliance.transparency import service as log_service
from compliance.transparency.db_store import SqlNodeStore
from compliance.transparency.models import LogEntry
from compliance.transparency.store import MemoryNodeStore
from tests.transparency_app.conftest import T0, fill_log

WRITERS = 20


def test_twenty_simultaneous_appends_get_distinct_indices_and_a_sound_tree(app: Flask) -> None:
    fill_log(app, 3)
    start = threading.Barrier(WRITERS)
    indices: list[int] = []
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait(timeout=30)
            with db.session_scope(app) as session:
                session.exec(select(LogEntry).limit(1)).all()  # a read first, as a caller would
                entry = log_service.append(
                    session=session,
                    kind="certificate.issued",
                    payload={"certificate": f"HRD-2026-{number:06d}"},
                    now=T0 + timedelta(seconds=number),
                )
                indices.append(entry.index)
                session.commit()
        except BaseException as error:  # reported below, with the thread's traceback
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    assert sorted(indices) == list(range(3, 3 + WRITERS))

    with db.session_scope(app) as session:
        rows = session.exec(select(LogEntry).order_by(LogEntry.index)).all()
        assert [row.index for row in rows] == list(range(3 + WRITERS))
        fresh = MemoryNodeStore()
        merkle.extend(fresh, [row.entry.encode() for row in rows])
        stored = SqlNodeStore(session)
        assert stored.leaf_count() == 3 + WRITERS
        for size in range(1, 3 + WRITERS + 1):
            assert merkle.root_hash(stored, size) == merkle.root_hash(fresh, size)
        certificates = sorted(row.entry for row in rows[3:])
        assert len(set(certificates)) == WRITERS
        assert log_service.tree_size(session=session) == 3 + WRITERS
