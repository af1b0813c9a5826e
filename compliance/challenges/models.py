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
from pydantic import BaseModel, EmailStr, HttpUrl, model_validator
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from compliance.db import enum_column, utc_column


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


Link = HttpUrl


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


class ChallengeFull(ChallengePublic):
    """A case as the API answers it: `filed_by` only for reviewers and the filer's own
    organisation; null for the challenged company."""

    filed_by: FilerPublic | None = PydanticField(
        default=None, description="Who filed: reviewers and the filer's organisation only"
    )
