"""scheduled runs of periodic jobs

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import compliance.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scheduled_run",
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("next_run_at", compliance.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", compliance.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_job_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.PrimaryKeyConstraint("kind"),
    )


def downgrade() -> None:
    op.drop_table("scheduled_run")
