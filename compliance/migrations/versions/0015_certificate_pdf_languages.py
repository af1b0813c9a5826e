"""certificate PDFs in Spanish and French

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 01:20:00.000000

`pdf_sha256` stays the English PDF; `pdf_localized` maps each other language (es, fr) to the
hash of its stored PDF, rendered by the same job for the same status (`pdf_status`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pdf_localized", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_column("pdf_localized")
