"""Certificates: the register's rows and the models that decide what the API shows of them.

A certificate is issued once per approved assessment (a re-score after an upheld challenge
issues its replacement for the same assessment, see `challenges.rescoring`) and never
rewritten: its signed credential (`credential`, RFC 8785 canonical JSON) is the certificate;
the other columns are the register's searchable copy of it, plus its current status. Every
issue and status change is also in the public transparency log (`log_index`,
`status_log_index`), so a quiet edit of this table shows up in verification.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from compliance.clock import now
from compliance.db import enum_column, utc_column
from compliance.pagination import PageQuery
from compliance.phrases import Worded
from compliance.transparency.models import InclusionProofPublic, LogEntryPublic, TreeHeadPublic
from scoring import Tier


class CertificateStatus(StrEnum):
    active = "active"
    suspended = "suspended"
    revoked = "revoked"
    expired = "expired"
    superseded = "superseded"


STATUS_LABELS = {
    CertificateStatus.active: "Active",
    CertificateStatus.suspended: "Suspended",
    CertificateStatus.revoked: "Revoked",
    CertificateStatus.expired: "Expired",
    CertificateStatus.superseded: "Superseded",
}


class Certificate(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("year", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    cert_id: str = Field(max_length=20, sa_column_kwargs={"unique": True})
    year: int
    number: int
    assessment_id: int = Field(foreign_key="assessment.id", index=True)  # re-scores reissue
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    organisation_name: str = Field(max_length=300, index=True)
    country: str | None = Field(default=None, max_length=2, index=True)
    sector: str | None = Field(default=None, max_length=64)
    tier: Tier = Field(sa_type=enum_column(Tier))
    score: float
    sections: list[dict[str, Any]] = Field(sa_type=sa.JSON)
    scope: dict[str, Any] = Field(sa_type=sa.JSON)
    issued_at: datetime = Field(sa_column=utc_column(nullable=False))
    expires_at: datetime = Field(sa_column=utc_column(nullable=False))
    methodology_id: str = Field(max_length=64)
    methodology_version: str = Field(max_length=32)
    methodology_hash: str = Field(max_length=64)
    questionnaire: str = Field(max_length=80)
    inputs_hash: str = Field(max_length=64)
    status: CertificateStatus = Field(
        default=CertificateStatus.active, sa_type=enum_column(CertificateStatus), index=True
    )
    status_reason: str | None = Field(default=None, max_length=2000)
    status_changed_at: datetime = Field(sa_column=utc_column(nullable=False))
    credential: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    credential_sha256: str = Field(max_length=64)
    key_id: str = Field(max_length=64)
    key_fingerprint: str = Field(max_length=64)
    log_index: int | None = Field(default=None, sa_type=sa.BigInteger())
    status_log_index: int | None = Field(default=None, sa_type=sa.BigInteger())
    pdf_sha256: str | None = Field(default=None, max_length=64)  # the English PDF
    # The PDFs in the other languages (es, fr): locale -> hash, for the same `pdf_status`.
    pdf_localized: dict[str, str] | None = Field(default=None, sa_type=sa.JSON)
    pdf_status: CertificateStatus | None = Field(
        default=None, sa_type=enum_column(CertificateStatus)
    )
    superseded_by_id: int | None = Field(default=None, foreign_key="certificate.id")
    review_flag: str | None = Field(default=None, max_length=2000)
    review_flagged_at: datetime | None = Field(default=None, sa_column=utc_column())
    issued_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))

    @property
    def status_list_index(self) -> int:
        """This certificate's bit in the revocation and suspension lists."""
        return self.id


class CertificateSequence(SQLModel, table=True):
    """The last public number handed out in a year: `HRD-<year>-<number>`."""

    __tablename__ = "certificate_sequence"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_number: int = 0


class SectionScorePublic(BaseModel):
    section_id: str
    label: str
    percent: float = PydanticField(description="Share of the section's points earned, 0-100")


class ScopePublic(BaseModel):
    """What the certificate covers: the assessment's site and supplier lists, when given."""

    sites: int | None = PydanticField(description="Sites listed; null when no list was given")
    suppliers: int | None = PydanticField(
        description="Suppliers listed; null when no list was given"
    )
    dataset_versions: list[int] = PydanticField(
        description="Ids of the site and supplier dataset versions the certificate covers"
    )


class CertificateLinks(BaseModel):
    page: str
    credential: str = PydanticField(description="The signed JSON (W3C Verifiable Credential)")
    pdf: str


class CertificateSummary(BaseModel):
    """A line of the public register."""

    cert_id: str
    organisation_name: str
    country: str | None
    sector: str | None
    tier: Tier
    tier_label: str
    score: float
    status: CertificateStatus
    issued_at: datetime
    expires_at: datetime
    links: CertificateLinks
    under_challenge: bool = PydanticField(
        description="An admitted challenge stands against this certificate (being decided)"
    )


class CertificatePublic(CertificateSummary):
    """A certificate as the register publishes it."""

    sections: list[SectionScorePublic]
    scope: ScopePublic
    status_reason: str | None
    status_changed_at: datetime
    superseded_by: str | None
    methodology_id: str
    methodology_version: str
    methodology_hash: str
    questionnaire: str
    inputs_hash: str = PydanticField(description="SHA-256 of the scoring inputs")
    credential_sha256: str = PydanticField(description="SHA-256 of the signed JSON")
    key_id: str
    key_fingerprint: str
    log_index: int | None = PydanticField(description="Transparency-log entry of the issue")


class RegisterPage(BaseModel):
    items: list[CertificateSummary]
    next_cursor: str | None


class RegisterQuery(PageQuery):
    name: str | None = PydanticField(
        default=None, max_length=200, description="Part of the organisation's name"
    )
    country: str | None = PydanticField(
        default=None, min_length=2, max_length=2, description="ISO 3166-1 alpha-2 code"
    )
    sector: str | None = PydanticField(default=None, max_length=64)
    tier: Tier | None = None
    status: CertificateStatus | None = None


class StatusChange(BaseModel):
    """A reviewer's change of a certificate's status; the reason is shown on its public page."""

    action: Literal["suspend", "reinstate", "revoke"]
    reason: str = PydanticField(
        min_length=10,
        max_length=2000,
        description="Why, in words the public can read: never name defenders or challengers.",
    )


class VerificationCheck(BaseModel):
    name: Literal["signature", "validity", "register", "record", "status", "log"]
    passed: bool
    detail: Worded


class VerificationReport(BaseModel):
    """The answer to "is this certificate genuine and in force?", one check at a time."""

    valid: bool = PydanticField(
        description="True when every check passed: genuine, in the register, active, logged"
    )
    summary: Worded
    cert_id: str | None
    source: Literal["id", "json", "pdf"]
    signature_valid: bool | None
    matches_register: bool | None
    status: CertificateStatus | None
    in_log: bool | None
    checks: list[VerificationCheck]
    certificate: CertificatePublic | None
    log_entry: LogEntryPublic | None
    inclusion_proof: InclusionProofPublic | None
    tree_head: TreeHeadPublic | None
