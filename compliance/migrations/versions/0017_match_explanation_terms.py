"""the terms of a match's explanation, to word it in the page's language

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 06:00:00.000000

`explanation` stays the English text the API answers with; `explanation_terms` keeps its msgid
and parameters (`Phrase.as_json()`). Rows screened before this revision have none and are shown
in English.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incident_match", schema=None) as batch_op:
        batch_op.add_column(sa.Column("explanation_terms", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incident_match", schema=None) as batch_op:
        batch_op.drop_column("explanation_terms")
