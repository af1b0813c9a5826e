"""Appending entries, signing tree heads and proving inclusion and consistency, in the database."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import select

from compliance import db
from compliance.credentials.jcs import canonicalize
from compliance.credentials.keys import current_signing_key, key_resolver, rotate_signing_key
from compliance.transparency import merkle
from compliance.transparency import service as log_service
from compliance.transparency.db_store import SqlNodeStore
from compliance.transparency.models import LogEntry, LogTreeHead, TreeHeadPublic
from compliance.transparency.tree_head import verify_tree_head
from compliance.transparency.verify import verify_consistency, verify_inclusion
from tests.transparency_app.conftest import T0, fill_log


def _signing_key(app: Flask):
    return current_signing_key(app.config["SIGNING_KEY_DIR"])


def _head_document(head: LogTreeHead) -> dict:
    return TreeHeadPublic.from_row(head).model_dump()


def test_append_stores_the_canonical_entry_and_its_leaf_hash(app: Flask) -> None:
    with db.session_scope(app) as session:
        first = log_service.append(
            session=session,
            kind="certificate.issued",
            payload={"certificate": "HRD-2026-000123", "tier": "B", "score": 71.5},
            now=T0,
        )
        second = log_service.append(
            session=session,
            kind="certificate.status_changed",
            payload={"certificate": "HRD-2026-000123", "status": "suspended"},
            now=T0 + timedelta(days=3),
        )
        session.commit()
        assert (first.index, second.index) == (0, 1)
        stored = session.get(LogEntry, 0)
        expected = canonicalize(
            {
                "kind": "certificate.issued",
                "logged_at": "2026-03-01T12:00:00Z",
                "payload": {"certificate": "HRD-2026-000123", "tier": "B", "score": 71.5},
            }
        )
        assert stored.entry.encode() == expected
        assert stored.leaf_hash == hashlib.sha256(b"\x00" + expected).digest()
        assert stored.kind == "certificate.issued"
        assert log_service.tree_size(session=session) == 2


@pytest.mark.parametrize(
    ("kind", "payload", "problem"),
    [
        ("certificate.deleted", {}, "not a kind of log entry"),
        ("challenge.filed", {"certificate": "HRD-1", "challenger": "Red Delta"}, "challenger"),
        (
            "challenge.decided",
            {"outcome": "upheld", "evidence": [{"victims": [{"name": "X"}]}]},
            "victims",
        ),
        ("certificate.issued", {"score": float("nan")}, "not JSON the log can sign"),
        ("certificate.issued", {"id": 2**60}, "not JSON the log can sign"),
        ("methodology.published", {"text": "x" * 70_000}, "at most 65536"),
    ],
)
def test_append_refuses_what_the_public_log_must_not_hold(
    app: Flask, kind: str, payload: dict, problem: str
) -> None:
    with db.session_scope(app) as session:
        with pytest.raises(log_service.LogEntryRefused, match=problem):
            log_service.append(session=session, kind=kind, payload=payload, now=T0)
        session.commit()
        assert log_service.tree_size(session=session) == 0


def test_an_append_rolls_back_with_the_callers_transaction(app: Flask) -> None:
    fill_log(app, 2)
    with db.session_scope(app) as session:
        log_service.append(session=session, kind="methodology.published", payload={}, now=T0)
        session.rollback()
    with db.session_scope(app) as session:
        assert log_service.tree_size(session=session) == 2
        entry = log_service.append(
            session=session, kind="methodology.published", payload={}, now=T0
        )
        assert entry.index == 2


def test_a_head_is_signed_once_per_size_and_every_head_is_kept(app: Flask) -> None:
    key = _signing_key(app)
    resolve = key_resolver({key.kid: key.public_key})
    with db.session_scope(app) as session:
        empty = log_service.current_head(session=session, key=key, now=T0)
        session.commit()
        assert empty.tree_size == 0
        assert empty.root_hash == hashlib.sha256(b"").digest()
    fill_log(app, 5)
    with db.session_scope(app) as session:
        head = log_service.current_head(session=session, key=key, now=T0 + timedelta(hours=1))
        again = log_service.current_head(session=session, key=key, now=T0 + timedelta(hours=2))
        session.commit()
        assert again.id == head.id and head.tree_size == 5
        checked = verify_tree_head(_head_document(head), resolve_key=resolve)
        assert checked.valid and checked.tree_size == 5 and checked.root_hash == head.root_hash
        sizes = session.exec(select(LogTreeHead.tree_size).order_by(LogTreeHead.id)).all()
        assert sizes == [0, 5]


def test_after_a_rotation_new_heads_are_signed_by_the_new_key(app: Flask) -> None:
    old_key = _signing_key(app)
    fill_log(app, 2)
    with db.session_scope(app) as session:
        first = log_service.current_head(session=session, key=old_key, now=T0)
        session.commit()
    new_key = rotate_signing_key(app.config["SIGNING_KEY_DIR"])
    fill_log(app, 1, first_version=2)
    with db.session_scope(app) as session:
        second = log_service.current_head(session=session, key=_signing_key(app), now=T0)
        session.commit()
    assert (first.key_id, second.key_id) == (old_key.kid, new_key.kid)
    both = key_resolver({old_key.kid: old_key.public_key, new_key.kid: new_key.public_key})
    assert verify_tree_head(_head_document(first), resolve_key=both).valid
    assert verify_tree_head(_head_document(second), resolve_key=both).valid


def test_every_inclusion_and_consistency_proof_verifies_against_signed_heads(app: Flask) -> None:
    fill_log(app, 13)
    key = _signing_key(app)
    with db.session_scope(app) as session:
        store = SqlNodeStore(session)
        roots = {size: merkle.root_hash(store, size) for size in (1, 6, 8, 13)}
        head = log_service.current_head(session=session, key=key, now=T0)
        assert head.root_hash == roots[13]
        leaves = {row.index: row.leaf_hash for row in session.exec(select(LogEntry)).all()}
        for size in (1, 6, 8, 13):
            for index in range(size):
                proof = log_service.inclusion(session=session, index=index, tree_size=size)
                assert proof.leaf_hash == leaves[index]
                assert verify_inclusion(leaves[index], index, size, proof.audit_path, roots[size])
        for first in (0, 1, 6, 8, 13):
            proof = log_service.consistency(session=session, first=first, second=13)
            old_root = roots.get(first, hashlib.sha256(b"").digest())
            assert verify_consistency(first, 13, old_root, roots[13], proof.proof)


@pytest.mark.parametrize(
    ("call", "parameter", "words"),
    [
        (
            lambda s: log_service.inclusion(session=s, index=3, tree_size=3),
            "index",
            "not in a tree",
        ),
        (lambda s: log_service.inclusion(session=s, index=0, tree_size=9), "tree_size", "holds 3"),
        (lambda s: log_service.consistency(session=s, first=3, second=2), "first", "larger"),
        (lambda s: log_service.consistency(session=s, first=1, second=4), "second", "holds 3"),
        (lambda s: log_service.entry_range(session=s, start=4, end=None), "start", "holds 3"),
        (lambda s: log_service.entry_range(session=s, start=2, end=1), "end", "before start"),
    ],
)
def test_out_of_range_requests_name_the_parameter(app: Flask, call, parameter, words) -> None:
    fill_log(app, 3)
    with db.session_scope(app) as session:
        with pytest.raises(log_service.OutOfRange, match=words) as raised:
            call(session)
        assert raised.value.errors[0].pointer == f"/{parameter}"


def test_entry_ranges_are_cut_to_the_log_and_to_a_thousand(app: Flask) -> None:
    fill_log(app, 1003)
    with db.session_scope(app) as session:
        page = log_service.entry_range(session=session, start=2, end=None)
        assert (page.start, page.end, len(page.entries)) == (2, 1002, 1000)
        assert [row.index for row in page.entries[:2]] == [2, 3]
        tail = log_service.entry_range(session=session, start=1000, end=5000)
        assert (tail.end, [row.index for row in tail.entries]) == (1003, [1000, 1001, 1002])
        assert log_service.entry_range(session=session, start=1003, end=None).entries == []
        assert [row.index for row in log_service.iter_entries(session=session, end=1003)] == list(
            range(1003)
        )


def test_a_shrunken_log_is_never_signed(app: Flask) -> None:
    fill_log(app, 4)
    key = _signing_key(app)
    with db.session_scope(app) as session:
        log_service.current_head(session=session, key=key, now=T0)
        session.commit()
        session.execute(sa.text("DELETE FROM log_node WHERE level = 0 AND idx = 3"))
        with pytest.raises(log_service.LogDamaged, match="holds 3 entries but a head of 4"):
            log_service.current_head(session=session, key=key, now=T0)


def test_the_latest_entries_come_newest_first_with_their_json(app: Flask) -> None:
    fill_log(app, 4)
    with db.session_scope(app) as session:
        latest = log_service.latest_entries(session=session, limit=2)
        assert [row.index for row in latest] == [3, 2]
        assert json.loads(latest[0].entry)["payload"]["version"] == 3


def test_a_batch_appends_in_order_or_not_at_all(app: Flask) -> None:
    with db.session_scope(app) as session:
        assert log_service.append_many(session=session, entries=[], now=T0) == []
        rows = log_service.append_many(
            session=session,
            entries=[("certificate.issued", {"n": n}) for n in range(4)],
            now=T0,
        )
        assert [row.index for row in rows] == [0, 1, 2, 3]
        with pytest.raises(log_service.LogEntryRefused, match="email"):
            log_service.append_many(
                session=session,
                entries=[("certificate.issued", {"n": 4}), ("challenge.filed", {"email": "a@b"})],
                now=T0,
            )
        session.commit()
        assert log_service.tree_size(session=session) == 4
        single = log_service.append(session=session, kind="key.rotated", payload={}, now=T0)
        assert single.index == 4
