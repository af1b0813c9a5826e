"""Challenge tables and the models that decide what each reader sees of a challenge.

The filer's identity lives in its own table (`ChallengeFiler`) that only the service reads,
and only for reviewers and the filer's own organisation; nothing the company can receive is
built from it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

import sqlalchemy as sa
from pydantic import BaseModel, EmailStr, model_validator
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from compliance.db import enum_column, utc_column
from compliance.outbound import PublicLink


class ChallengeState(StrEnum):
    filed = "filed"
    inadmissible = "inadmissible"
    awaiting_response = "awaiting_response"  # acknowledged: the company's window is open
    under_review = "under_review"
    dismissed = "dismissed"
    upheld = "upheld"


ADMITTED = frozenset({ChallengeState.awaiting_response, ChallengeState.under_review})


class Outcome(StrEnum):
    conditions = "conditions"
    rescore = "rescore"
    suspension = "suspension"
    revocation = "revocation"


class Challenge(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_number: str = Field(max_length=20, sa_column_kwargs={"unique": True})
    certificate_id: int = Field(foreign_key="certificate.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)  # challenged
    claims: list[dict[str, str | None]] = Field(sa_type=sa.JSON)
    grounds: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    evidence_links: list[str] = Field(sa_type=sa.JSON)
    incident_refs: list[str] = Field(sa_type=sa.JSON)
    state: ChallengeState = Field(sa_type=enum_column(ChallengeState), index=True)
    filed_at: datetime = Field(sa_column=utc_column(nullable=False))
    acknowledge_by: datetime = Field(sa_column=utc_column(nullable=False))
    acknowledged_at: datetime | None = Field(default=None, sa_column=utc_column())
    respond_by: datetime | None = Field(default=None, sa_column=utc_column())
    responded_at: datetime | None = Field(default=None, sa_column=utc_column())
    company_response: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    company_evidence_links: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    no_response: bool = False
    decide_by: datetime | None = Field(default=None, sa_column=utc_column())
    decided_at: datetime | None = Field(default=None, sa_column=utc_column())
    decision_reasons: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    outcome: Outcome | None = Field(default=None, sa_type=enum_column(Outcome))
    conditions: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    conditions_deadline: date | None = None
    notices_sent: list[str] = Field(default_factory=list, sa_type=sa.JSON)


class ChallengeFiler(SQLModel, table=True):
    """PROTECTED: who filed. Never serialised for the challenged company, never logged."""

    challenge_id: int = Field(foreign_key="challenge.id", primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    contact_email: str | None = Field(default=None, max_length=320)
    community: str | None = Field(default=None, max_length=300)  # whom the filer speaks for
    evidence_key_sha256: str | None = Field(default=None, max_length=64)  # anonymous filers


class EvidenceParty(StrEnum):
    challenger = "challenger"
    company = "company"


class ChallengeEvidence(SQLModel, table=True):
    """A file given as evidence in a case. A challenger's file (its bytes, name and hash may
    identify who filed) is served to reviewers and the filer's organisation only."""

    __tablename__ = "challenge_evidence"

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    party: EvidenceParty = Field(sa_type=enum_column(EvidenceParty))
    filename: str = Field(max_length=255)
    description: str | None = Field(default=None, max_length=1000)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    uploaded_at: datetime = Field(sa_column=utc_column(nullable=False))


class RetaliationAlert(SQLModel, table=True):
    """PROTECTED: a new incident that names the challenger (organisation or community) and is
    linked to the challenged company. Reviewers only; one per incident and challenge."""

    __tablename__ = "retaliation_alert"
    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "incident_id", name="uq_retaliation_alert"),
    )

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    incident_version: int
    named: list[str] = Field(sa_type=sa.JSON)  # which of the challenger's names, where
    linked_by: list[str] = Field(sa_type=sa.JSON)  # how the incident reaches the company
    found_at: datetime = Field(sa_column=utc_column(nullable=False))


class RetaliationWatchRun(SQLModel, table=True):
    """One periodic run of the retaliation watch: the next run looks from here."""

    __tablename__ = "retaliation_watch_run"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(sa_column=utc_column(nullable=False))
    incidents_checked: int = 0
    alerts: int = 0


class Claim(BaseModel):
    """What is contested: the whole certificate, a section, an indicator (question), the scope."""

    kind: Literal["certificate", "section", "indicator", "scope"]
    ref: str | None = PydanticField(
        default=None, max_length=80, description="Section or question id (section, indicator)"
    )

    @model_validator(mode="after")
    def ref_when_needed(self) -> Claim:
        if self.kind in ("section", "indicator") and not self.ref:
            raise ValueError(f"a {self.kind} claim needs the id of the {self.kind} in ref")
        return self


Link = PublicLink  # evidence links never point the service at private addresses


class ChallengeCreate(BaseModel):
    claims: list[Claim] = PydanticField(
        default_factory=lambda: [Claim(kind="certificate")], min_length=1, max_length=50
    )
    grounds: str = PydanticField(min_length=20, max_length=20_000)
    evidence_links: list[Link] = PydanticField(default_factory=list, max_length=20)
    incident_refs: list[str] = PydanticField(
        default_factory=lambda: [], max_length=20, description="Incident record references"
    )
    contact_email: EmailStr | None = PydanticField(
        default=None,
        description="Anonymous filers only: where to send news of the case (kept protected)",
    )
    community: str | None = PydanticField(
        default=None,
        max_length=300,
        description="The community you speak for, if any (kept protected; reviewers watch for "
        "incidents naming it)",
    )


class ChallengeResponseIn(BaseModel):
    response: str = PydanticField(min_length=20, max_length=20_000)
    evidence_links: list[Link] = PydanticField(default_factory=list, max_length=20)


class ChallengeDecisionIn(BaseModel):
    action: Literal["acknowledge", "inadmissible", "start_review", "dismiss", "uphold"]
    reasons: str | None = PydanticField(default=None, max_length=20_000)
    outcome: Outcome | None = None
    conditions: str | None = PydanticField(default=None, max_length=20_000)
    conditions_deadline: date | None = None

    @model_validator(mode="after")
    def complete(self) -> ChallengeDecisionIn:
        if (
            self.action in ("inadmissible", "dismiss", "uphold")
            and not (self.reasons or "").strip()
        ):
            raise ValueError(f"'{self.action}' needs reasons, which are published")
        if self.action == "uphold" and self.outcome is None:
            raise ValueError(
                "'uphold' needs an outcome: conditions, rescore, suspension or revocation"
            )
        if self.action != "uphold" and self.outcome is not None:
            raise ValueError("only 'uphold' takes an outcome")
        if self.outcome == Outcome.conditions and not (
            self.conditions and self.conditions_deadline
        ):
            raise ValueError("an outcome of conditions needs the conditions and their deadline")
        return self


class TrackerEntry(BaseModel):
    """One case on a certificate's public tracker: no grounds, no filer."""

    case_number: str
    cert_id: str
    claims: list[Claim]
    state: ChallengeState
    filed_at: datetime
    acknowledge_by: datetime
    acknowledged_at: datetime | None
    respond_by: datetime | None
    responded_at: datetime | None
    no_response: bool
    decide_by: datetime | None
    decided_at: datetime | None
    outcome: Outcome | None
    overdue: list[str] = PydanticField(description="Deadlines the process has missed")


class ChallengePublic(TrackerEntry):
    """What the challenged company sees: the case, never who filed it."""

    grounds: str
    evidence_links: list[str]
    incident_refs: list[str]
    company_response: str | None
    company_evidence_links: list[str]
    decision_reasons: str | None
    conditions: str | None
    conditions_deadline: date | None


class FilerPublic(BaseModel):
    organisation_name: str | None
    user_email: str | None
    contact_email: str | None
    community: str | None = None


class EvidenceFilePublic(BaseModel):
    id: int
    party: EvidenceParty
    filename: str
    description: str | None
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime
    download: str = PydanticField(description="Where to download it (same access rules)")


class RetaliationAlertPublic(BaseModel):
    """Reviewers only."""

    incident_ref: str
    incident_version: int
    named: list[str]
    linked_by: list[str]
    found_at: datetime


class EvidenceAdded(BaseModel):
    case_number: str
    party: EvidenceParty
    file: EvidenceFilePublic | None
    link: str | None


class ChallengeFull(ChallengePublic):
    """A case as the API answers it: `filed_by` only for reviewers and the filer's own
    organisation; null for the challenged company."""

    filed_by: FilerPublic | None = PydanticField(
        default=None, description="Who filed: reviewers and the filer's organisation only"
    )
    files: list[EvidenceFilePublic] = PydanticField(
        default_factory=list,
        description="Evidence files the reader may download: the challenger's files only for "
        "reviewers and the filer's organisation",
    )
    challenger_files_withheld: int = PydanticField(
        default=0, description="For the company: how many challenger files only reviewers see"
    )
    retaliation_alerts: list[RetaliationAlertPublic] | None = PydanticField(
        default=None, description="Reviewers only: new incidents naming the challenger"
    )
    evidence_key: str | None = PydanticField(
        default=None,
        description="Anonymous filing only, once: the key to add evidence to this case later "
        "(POST /api/v1/challenges/{case_number}/evidence with field 'key'). Keep it safe.",
    )
