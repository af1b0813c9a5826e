"""the terms of a refused upload's reason, to word it in the page's language

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29 07:30:00.000000

`dataset_upload.detail` and `portfolio.refusal` stay the English text the API answers with;
`detail_terms` and `refusal_terms` keep its msgid and parameters (`phrases.kept`). Uploads
refused before this revision have none and are shown in English.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("dataset_upload", "detail_terms"), ("portfolio", "refusal_terms"))


def upgrade() -> None:
    for table, column in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(column, sa.JSON(), nullable=True))


def downgrade() -> None:
    for table, column in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
