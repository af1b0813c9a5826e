"""certificates: the register and its public id sequence

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 18:56:59
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import compliance.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "certificate_sequence",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    op.create_table(
        "certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cert_id", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "organisation_name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False
        ),
        sa.Column("country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
        sa.Column("sector", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("tier", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("issued_at", compliance.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", compliance.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("methodology_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column(
            "methodology_version", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("methodology_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("questionnaire", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("inputs_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("status_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("status_changed_at", compliance.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("credential_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("key_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("key_fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("log_index", sa.BigInteger(), nullable=True),
        sa.Column("status_log_index", sa.BigInteger(), nullable=True),
        sa.Column("pdf_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("pdf_status", sa.String(length=32), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", compliance.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"],
            ["certificate.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assessment_id"),
        sa.UniqueConstraint("cert_id"),
        sa.UniqueConstraint("year", "number"),
    )
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificate_country"), ["country"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_certificate_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_certificate_organisation_name"), ["organisation_name"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_certificate_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_status"))
        batch_op.drop_index(batch_op.f("ix_certificate_organisation_name"))
        batch_op.drop_index(batch_op.f("ix_certificate_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_certificate_country"))

    op.drop_table("certificate")
    op.drop_table("certificate_sequence")
