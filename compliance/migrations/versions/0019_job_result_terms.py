"""the terms of a job result's phrases, to word them in the page's language

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29 08:00:00.000000

`job.result` stays what the API answers with, in English; `result_terms` is the same result with
each phrase kept as its msgid and parameters (`phrases.tree_terms`), or null when it has none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result_terms", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("result_terms")
