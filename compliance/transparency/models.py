"""Tables of the public transparency log and the models its answers are made of.

`LogEntry` keeps each entry's canonical JSON (the exact bytes that were hashed into the tree),
`LogNode` the hash of every complete subtree (`db_store.SqlNodeStore`), `LogTreeHead` every
signed tree head handed out. Everything here is public: entries never carry protected data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from compliance.credentials.timestamps import to_datetime_stamp
from compliance.db import enum_column, utc_column


class LogEntryKind(StrEnum):
    """What happened. Stored as a plain string, so a new kind needs no migration."""

    certificate_issued = "certificate.issued"
    certificate_status_changed = "certificate.status_changed"
    challenge_filed = "challenge.filed"
    challenge_acknowledged = "challenge.acknowledged"
    challenge_answered = "challenge.answered"
    challenge_decided = "challenge.decided"
    methodology_published = "methodology.published"
    key_rotated = "key.rotated"


class LogEntry(SQLModel, table=True):
    """One appended entry: `entry` is its RFC 8785 canonical JSON, hashed into the tree."""

    __tablename__ = "log_entry"

    index: int = TableField(
        sa_column=sa.Column("index", sa.BigInteger(), primary_key=True, autoincrement=False)
    )
    kind: LogEntryKind = TableField(sa_type=enum_column(LogEntryKind))
    entry: str = TableField(sa_column=sa.Column(sa.Text(), nullable=False))
    leaf_hash: bytes = TableField(
        sa_column=sa.Column(sa.LargeBinary(32), nullable=False, index=True)
    )
    created_at: datetime = TableField(sa_column=utc_column(nullable=False))


class LogNode(SQLModel, table=True):
    """The hash of the complete subtree `idx` at `level` (level 0: leaf hashes)."""

    __tablename__ = "log_node"

    level: int = TableField(sa_column=sa.Column(sa.SmallInteger(), primary_key=True))
    idx: int = TableField(
        sa_column=sa.Column(sa.BigInteger(), primary_key=True, autoincrement=False)
    )
    hash: bytes = TableField(sa_column=sa.Column(sa.LargeBinary(32), nullable=False))


class LogTreeHead(SQLModel, table=True):
    """A signed tree head as it was handed out; kept so every head ever shown can be audited."""

    __tablename__ = "log_tree_head"

    id: int | None = TableField(default=None, primary_key=True)
    tree_size: int = TableField(sa_column=sa.Column(sa.BigInteger(), nullable=False))
    root_hash: bytes = TableField(sa_column=sa.Column(sa.LargeBinary(32), nullable=False))
    timestamp: datetime = TableField(sa_column=utc_column(nullable=False))
    key_id: str = TableField(max_length=64)
    signature: bytes = TableField(sa_column=sa.Column(sa.LargeBinary(64), nullable=False))


class TreeHeadPublic(BaseModel):
    """A signed tree head: the Ed25519 signature covers the other four fields (see tree_head)."""

    tree_size: int = Field(description="Entries in the log when the head was signed")
    root_hash: str = Field(description="RFC 6962 Merkle tree hash, hex")
    timestamp: str = Field(description="When the head was signed, UTC, e.g. 2026-03-01T12:00:00Z")
    key_id: str = Field(description="kid of the signing key in /.well-known/hrd-sentinel/keys.json")
    signature: str = Field(description="Ed25519 signature, hex")

    @classmethod
    def from_row(cls, head: LogTreeHead) -> TreeHeadPublic:
        return cls(
            tree_size=head.tree_size,
            root_hash=head.root_hash.hex(),
            timestamp=to_datetime_stamp(head.timestamp),
            key_id=head.key_id,
            signature=head.signature.hex(),
        )


class LogEntryPublic(BaseModel):
    """An entry as published; SHA-256(0x00 || canonical JSON of `entry`) is `leaf_hash`."""

    index: int
    kind: str
    entry: dict[str, Any] = Field(description="The entry: kind, logged_at and a public payload")
    leaf_hash: str = Field(description="RFC 6962 leaf hash, hex")

    @classmethod
    def from_row(cls, row: LogEntry) -> LogEntryPublic:
        return cls(
            index=row.index,
            kind=str(row.kind),
            entry=json.loads(row.entry),
            leaf_hash=row.leaf_hash.hex(),
        )


class LogEntryPage(BaseModel):
    """Entries `start` (included) to `end` (excluded); fetch the next page from `next_start`."""

    tree_size: int = Field(description="Entries in the log now")
    start: int
    end: int
    entries: list[LogEntryPublic]
    next_start: int | None = Field(description="Where the next page starts; null at the end")


@dataclass(frozen=True)
class InclusionProof:
    """The audit path showing the entry at `index` is in the tree of `tree_size` entries."""

    index: int
    tree_size: int
    leaf_hash: bytes
    audit_path: list[bytes]


@dataclass(frozen=True)
class ConsistencyProof:
    """The proof that the tree of `first` entries is a prefix of the tree of `second`."""

    first: int
    second: int
    proof: list[bytes]


class InclusionProofPublic(BaseModel):
    index: int
    tree_size: int
    leaf_hash: str = Field(description="hex")
    audit_path: list[str] = Field(description="RFC 9162 §2.1.3 audit path, leaf side first, hex")

    @classmethod
    def from_proof(cls, proof: InclusionProof) -> InclusionProofPublic:
        return cls(
            index=proof.index,
            tree_size=proof.tree_size,
            leaf_hash=proof.leaf_hash.hex(),
            audit_path=[node.hex() for node in proof.audit_path],
        )


class ConsistencyProofPublic(BaseModel):
    first: int
    second: int
    proof: list[str] = Field(description="RFC 9162 §2.1.4 consistency proof, hex")

    @classmethod
    def from_proof(cls, proof: ConsistencyProof) -> ConsistencyProofPublic:
        return cls(
            first=proof.first, second=proof.second, proof=[node.hex() for node in proof.proof]
        )
