"""challenge evidence files, retaliation watch, re-scored certificates

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28 20:49:53.309822

A re-score after an upheld challenge issues a replacement certificate for the same assessment,
so `certificate.assessment_id` is no longer unique (an index instead).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import compliance.db

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite keeps the constraint unnamed; batch mode names reflected constraints by this rule.
SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    op.create_table(
        "retaliation_watch_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", compliance.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("incidents_checked", sa.Integer(), nullable=False),
        sa.Column("alerts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "challenge_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=32), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", compliance.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenge.id"]),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("challenge_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_challenge_evidence_challenge_id"), ["challenge_id"], unique=False
        )
    op.create_table(
        "retaliation_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("incident_version", sa.Integer(), nullable=False),
        sa.Column("named", sa.JSON(), nullable=False),
        sa.Column("linked_by", sa.JSON(), nullable=False),
        sa.Column("found_at", compliance.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenge.id"]),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("challenge_id", "incident_id", name="uq_retaliation_alert"),
    )
    with op.batch_alter_table("retaliation_alert", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retaliation_alert_challenge_id"), ["challenge_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_retaliation_alert_incident_id"), ["incident_id"], unique=False
        )
    with op.batch_alter_table("challengefiler", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("community", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "evidence_key_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True
            )
        )
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "certificate", schema=None, naming_convention=SQLITE_NAMES, recreate="always"
        ) as batch_op:
            batch_op.drop_constraint("uq_certificate_assessment_id", type_="unique")
            batch_op.create_index(
                batch_op.f("ix_certificate_assessment_id"), ["assessment_id"], unique=False
            )
    else:
        unique = next(
            c["name"]
            for c in sa.inspect(op.get_bind()).get_unique_constraints("certificate")
            if c["column_names"] == ["assessment_id"]
        )
        with op.batch_alter_table("certificate", schema=None) as batch_op:
            batch_op.drop_constraint(unique, type_="unique")
            batch_op.create_index(
                batch_op.f("ix_certificate_assessment_id"), ["assessment_id"], unique=False
            )


def downgrade() -> None:
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_assessment_id"))
        batch_op.create_unique_constraint("uq_certificate_assessment_id", ["assessment_id"])
    with op.batch_alter_table("challengefiler", schema=None) as batch_op:
        batch_op.drop_column("evidence_key_sha256")
        batch_op.drop_column("community")
    with op.batch_alter_table("retaliation_alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retaliation_alert_incident_id"))
        batch_op.drop_index(batch_op.f("ix_retaliation_alert_challenge_id"))
    op.drop_table("retaliation_alert")
    with op.batch_alter_table("challenge_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenge_evidence_challenge_id"))
    op.drop_table("challenge_evidence")
    op.drop_table("retaliation_watch_run")
