"""transparency log: entries, Merkle tree nodes, signed tree heads

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 18:30:59
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import compliance.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "log_entry",
        sa.Column("index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("entry", sa.Text(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", compliance.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("index"),
    )
    with op.batch_alter_table("log_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_log_entry_leaf_hash"), ["leaf_hash"], unique=False)

    op.create_table(
        "log_node",
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx"),
    )
    op.create_table(
        "log_tree_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("timestamp", compliance.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("key_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("signature", sa.LargeBinary(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("log_tree_head")
    op.drop_table("log_node")
    with op.batch_alter_table("log_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_log_entry_leaf_hash"))

    op.drop_table("log_entry")
