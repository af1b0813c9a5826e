"""the job importing an assessment's answers workbook

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 04:00:00.000000

Answers workbooks are imported by a job, never in the request: `import_job_id` names the last
one, so the assessment's page can follow it and then show what it found.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("import_job_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_column("import_job_id")
