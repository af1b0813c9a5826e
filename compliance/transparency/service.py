"""The transparency log inside the app: append entries, sign tree heads, serve entries and proofs.

Everything appended is public, to everyone, forever: an entry can never be changed or removed
without every auditor noticing. Payloads therefore never contain protected data (names of
defenders, victims, reporters or challengers, exact locations, contact data, narratives);
callers pass payloads that are already redacted, and `append` refuses keys that name such data
as a last guard.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from compliance import db
from compliance.credentials.jcs import JsonValue, NotCanonicalizable, canonicalize
from compliance.credentials.keys import SigningKey
from compliance.credentials.timestamps import parse_datetime_stamp, to_datetime_stamp
from compliance.errors import InvalidInput, NotFound, ProblemDetail
from compliance.incidents.content import ProtectedContent
from compliance.incidents.mapping import PROTECTED_FIELDS
from compliance.phrases import Phrase
from compliance.transparency import merkle
from compliance.transparency.db_store import SqlNodeStore, leaf_count_subquery
from compliance.transparency.models import (
    ConsistencyProof,
    InclusionProof,
    LogEntry,
    LogEntryKind,
    LogTreeHead,
)
from compliance.transparency.tree_head import sign_tree_head

MAX_PAGE = 1000
MAX_ENTRY_BYTES = 64 * 1024
# pg_advisory_xact_lock key of appends: the bytes "hrd-log" read as an integer.
APPEND_LOCK_KEY = int.from_bytes(b"hrd-log", "big")
# Keys a log payload may never carry, at any depth: the protected fields of incident records,
# and the identity of people who file challenges or sign in.
PROTECTED_PAYLOAD_KEYS = (
    frozenset(ProtectedContent.model_fields)
    | PROTECTED_FIELDS
    | {"email", "challenger", "challenger_id", "challenger_email", "filed_by", "filed_by_id"}
)


class LogEntryRefused(ValueError):
    """A payload the public log must not take: unknown kind, protected data, not JSON, too big."""


class LogDamaged(RuntimeError):
    """The stored log contradicts a tree head it already signed; it needs an operator."""


class OutOfRange(InvalidInput):
    """An index or tree size the log has not reached, or a range the wrong way round."""

    def __init__(self, detail: str, *, parameter: str) -> None:
        super().__init__(detail, errors=[ProblemDetail(pointer=f"/{parameter}", detail=detail)])


@dataclass(frozen=True)
class EntryRange:
    """Entries `start` (included) to `end` (excluded) of a log of `tree_size` entries."""

    tree_size: int
    start: int
    end: int
    entries: list[LogEntry]


def append(
    *, session: Session, kind: str, payload: Mapping[str, JsonValue], now: datetime
) -> LogEntry:
    """Append an entry in the caller's transaction; it is public once the caller commits.

    Costs O(log n) node reads and writes. Appends are serialised (an advisory lock on
    PostgreSQL, the write lock on SQLite) and held until the caller's commit, so concurrent
    appends on several processes never interleave: append last, just before the commit, and
    do slow work (rendering a PDF) before it. The payload must be public data only.
    """
    (row,) = append_many(session=session, entries=[(kind, payload)], now=now)
    return row


def append_many(
    *,
    session: Session,
    entries: Sequence[tuple[str, Mapping[str, JsonValue]]],
    now: datetime,
) -> list[LogEntry]:
    """Append (kind, payload) entries in order, like `append`, in O(k + log n) for k entries."""
    documents = [_canonical_entry(kind, payload, now) for kind, payload in entries]
    if not documents:
        return []
    _lock_appends(session)
    indices = merkle.extend(SqlNodeStore(session), documents)
    rows = [
        LogEntry(
            index=index,
            kind=LogEntryKind(kind),
            entry=canonical.decode("utf-8"),
            leaf_hash=merkle.leaf_hash(canonical),
            created_at=now,
        )
        for index, (kind, _payload), canonical in zip(indices, entries, documents, strict=True)
    ]
    session.add_all(rows)
    session.flush()
    return rows


def tree_size(*, session: Session) -> int:
    """How many entries the log holds (committed, or appended in this transaction)."""
    return SqlNodeStore(session).leaf_count()


def tree_size_column() -> sa.ScalarSelect[int]:
    """`tree_size` as a column, to read the log's size in the same query as other rows."""
    return leaf_count_subquery()


def latest_head(*, session: Session) -> LogTreeHead | None:
    """The most recently signed tree head, if any was ever signed."""
    return session.exec(select(LogTreeHead).order_by(LogTreeHead.id.desc()).limit(1)).first()


def current_head(*, session: Session, key: SigningKey, now: datetime) -> LogTreeHead:
    """The latest signed tree head, signing (and keeping) a new one when the log has grown."""
    store = SqlNodeStore(session)
    size = store.leaf_count()
    latest = latest_head(session=session)
    if latest is not None and latest.tree_size == size:
        return latest
    if latest is not None and latest.tree_size > size:
        raise LogDamaged(
            f"the log holds {size} entries but a head of {latest.tree_size} entries was signed: "
            "entries were removed from the database; restore it from a backup"
        )
    signed = sign_tree_head(size, merkle.root_hash(store, size), now, key.private_key)
    head = LogTreeHead(
        tree_size=size,
        root_hash=bytes.fromhex(signed["root_hash"]),
        timestamp=parse_datetime_stamp(signed["timestamp"]),
        key_id=signed["key_id"],
        signature=bytes.fromhex(signed["signature"]),
    )
    session.add(head)
    session.flush()
    return head


def entry_range(*, session: Session, start: int, end: int | None) -> EntryRange:
    """At most `MAX_PAGE` entries from `start`; `end` (excluded) is cut to the log's size."""
    size = tree_size(session=session)
    if start > size:
        raise OutOfRange(
            Phrase(
                "start is %(start)s but the log holds %(size)s entries (indices 0 to %(last)s)",
                start=start,
                size=size,
                last=size - 1,
            ),
            parameter="start",
        )
    if end is not None and end < start:
        raise OutOfRange(
            Phrase("end (%(end)s) is before start (%(start)s)", end=end, start=start),
            parameter="end",
        )
    last = min(size, start + MAX_PAGE, size if end is None else end)
    rows = session.exec(
        select(LogEntry)
        .where(LogEntry.index >= start, LogEntry.index < last)
        .order_by(LogEntry.index)
    ).all()
    return EntryRange(size, start, last, list(rows))


def iter_entries(*, session: Session, end: int) -> Iterator[LogEntry]:
    """Entries 0 to `end` (excluded) in order, read a page at a time."""
    start = 0
    while start < end:
        page = entry_range(session=session, start=start, end=end)
        if not page.entries:
            return
        yield from page.entries
        start = page.end


def latest_entries(*, session: Session, limit: int) -> list[LogEntry]:
    """The newest entries first."""
    return list(session.exec(select(LogEntry).order_by(LogEntry.index.desc()).limit(limit)).all())


def index_of_leaf(*, session: Session, leaf_hash: bytes, tree_size: int) -> int:
    """The index of the first entry with this leaf hash within the first `tree_size` entries."""
    index = session.execute(
        sa.select(sa.func.min(LogEntry.index)).where(
            LogEntry.leaf_hash == leaf_hash, LogEntry.index < tree_size
        )
    ).scalar_one()
    if index is None:
        raise NotFound(
            Phrase(
                "no entry among the first %(tree_size)s has the leaf hash %(leaf_hash)s; check "
                "the hash (SHA-256 of 0x00 followed by the entry's canonical JSON)",
                tree_size=tree_size,
                leaf_hash=leaf_hash.hex(),
            )
        )
    return index


def inclusion(*, session: Session, index: int, tree_size: int) -> InclusionProof:
    """The audit path of entry `index` in the tree of the first `tree_size` entries."""
    store = SqlNodeStore(session)
    _check_tree_size(store.leaf_count(), tree_size, parameter="tree_size")
    if not 0 <= index < tree_size:
        raise OutOfRange(
            Phrase(
                "index %(index)s is not in a tree of %(tree_size)s entries (indices 0 to "
                "%(last)s); ask for a larger tree_size",
                index=index,
                tree_size=tree_size,
                last=tree_size - 1,
            ),
            parameter="index",
        )
    path = merkle.inclusion_proof(store, index, tree_size)
    (leaf,) = store.read([(0, index)])
    return InclusionProof(index=index, tree_size=tree_size, leaf_hash=leaf, audit_path=path)


def consistency(*, session: Session, first: int, second: int) -> ConsistencyProof:
    """The proof that the tree of `first` entries is a prefix of the tree of `second`."""
    store = SqlNodeStore(session)
    _check_tree_size(store.leaf_count(), second, parameter="second")
    if first > second:
        raise OutOfRange(
            Phrase(
                "first (%(first)s) is larger than second (%(second)s); a log only grows, so ask "
                "for the smaller size first",
                first=first,
                second=second,
            ),
            parameter="first",
        )
    return ConsistencyProof(
        first=first, second=second, proof=merkle.consistency_proof(store, first, second)
    )


def _check_tree_size(size: int, requested: int, *, parameter: str) -> None:
    if requested > size:
        raise OutOfRange(
            Phrase(
                "%(parameter)s is %(requested)s but the log holds %(size)s entries; use a size "
                "from a signed tree head (GET /api/v1/log/head)",
                parameter=parameter,
                requested=requested,
                size=size,
            ),
            parameter=parameter,
        )


def _canonical_entry(kind: str, payload: Mapping[str, JsonValue], now: datetime) -> bytes:
    try:
        entry_kind = LogEntryKind(kind)
    except ValueError:
        known = ", ".join(member.value for member in LogEntryKind)
        raise LogEntryRefused(f"{kind!r} is not a kind of log entry; use one of {known}") from None
    protected = sorted(_protected_keys(payload))
    if protected:
        raise LogEntryRefused(
            f"the {kind} payload contains protected fields ({', '.join(protected)}); the log is "
            "public forever, so pass a redacted payload"
        )
    document = {
        "kind": entry_kind.value,
        "logged_at": to_datetime_stamp(now),
        "payload": dict(payload),
    }
    try:
        canonical = canonicalize(document)
    except NotCanonicalizable as error:
        raise LogEntryRefused(f"the {kind} payload is not JSON the log can sign: {error}") from None
    if len(canonical) > MAX_ENTRY_BYTES:
        raise LogEntryRefused(
            f"the {kind} entry is {len(canonical)} bytes; the log takes at most "
            f"{MAX_ENTRY_BYTES}: log hashes and identifiers, not documents"
        )
    return canonical


def _protected_keys(value: object) -> set[str]:
    if isinstance(value, Mapping):
        found = {key for key in value if isinstance(key, str) and key in PROTECTED_PAYLOAD_KEYS}
        for item in value.values():
            found |= _protected_keys(item)
        return found
    if isinstance(value, list | tuple):
        return set().union(*(_protected_keys(item) for item in value))
    return set()


def _lock_appends(session: Session) -> None:
    """Take the append lock until the caller's transaction ends."""
    db.serialise_writes(session, key=APPEND_LOCK_KEY)
