"""Screening tables and the data models that decide what leaves the building.

A `Match` links one incident to one organisation, supplier or site (the pair), with how the
engine found it and the reviewer's decision; it is upserted by pair at every re-screening and
never deleted. `PairDecision` keeps every reviewer decision on a pair, so re-screening can
apply it again. `MatchResponse` is the matched organisation's answer (right of reply).
`ScreeningRun` records each re-screening: its scope and the entities it used.
`ScreeningSecret` keys the fingerprints that tell whether an incident changed materially.

Incidents appear in answers only through `IncidentPublic` built without protected fields.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import pydantic
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, model_validator
from sqlmodel import Field, SQLModel

from compliance.clock import now
from compliance.db import enum_column, utc_column
from compliance.incidents.models import IncidentPublic
from compliance.outbound import PublicLink
from compliance.phrases import Phrase
from scoring import ResponseLevel


class EntityKind(StrEnum):
    organisation = "organisation"
    supplier = "supplier"
    site = "site"


class MatchMethod(StrEnum):
    identifier = "identifier"
    name = "name"
    alias = "alias"
    former_name = "former_name"
    parent = "parent"
    place_radius = "place_radius"
    place_region = "place_region"


class MatchStatus(StrEnum):
    """`suggested`: awaiting a reviewer's decision (strong or weak, see `Match.suggested`)."""

    suggested = "suggested"
    confirmed = "confirmed"
    dismissed = "dismissed"


class MatchDecision(StrEnum):
    confirmed = "confirmed"
    dismissed = "dismissed"


class RunScope(StrEnum):
    full = "full"  # every incident against every entity
    changed = "changed"  # incidents recorded since the previous periodic run
    targeted = "targeted"  # incidents named by a trigger (an import, a submission)


class ResponseStep(StrEnum):
    public_response = "public_response"
    investigation = "investigation"
    remedy = "remedy"


class Match(SQLModel, table=True):
    """An incident linked to an entity; `organisation_id` is the organisation it is shown on."""

    __tablename__ = "incident_match"
    __table_args__ = (
        sa.UniqueConstraint("incident_id", "entity_kind", "entity_key", name="uq_match_pair"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    incident_version: int
    entity_kind: EntityKind = Field(sa_type=enum_column(EntityKind))
    entity_key: str = Field(max_length=320)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    method: MatchMethod = Field(sa_type=enum_column(MatchMethod))
    score: int
    suggested: bool
    explanation: str = Field(sa_type=sa.Text)
    # The explanation's `Phrase.as_json()`, so pages word it in their language; None on rows
    # screened before it was kept (they show `explanation`, in English).
    explanation_terms: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    path: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    status: MatchStatus = Field(
        default=MatchStatus.suggested, sa_type=enum_column(MatchStatus), index=True
    )
    active: bool = True
    facts_fingerprint: str = Field(max_length=64)
    finding_hash: str = Field(max_length=64)
    review_reason: str | None = Field(default=None, sa_type=sa.Text)
    reviewed_by_id: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: datetime | None = Field(default=None, sa_column=utc_column())
    found_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))


class PairDecision(SQLModel, table=True):
    """A reviewer's decision on an (incident, entity) pair, kept for every later re-screening.

    `facts_fingerprint` is a keyed hash of the incident's matching facts when the decision was
    taken (see `rescreen.material_fingerprint`): a dismissal holds while it is unchanged.
    """

    __tablename__ = "match_decision"
    __table_args__ = (
        sa.Index("ix_match_decision_pair", "incident_id", "entity_kind", "entity_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id")
    entity_kind: EntityKind = Field(sa_type=enum_column(EntityKind))
    entity_key: str = Field(max_length=320)
    match_id: int | None = Field(default=None, foreign_key="incident_match.id")
    decision: MatchDecision = Field(sa_type=enum_column(MatchDecision))
    reason: str = Field(sa_type=sa.Text)
    incident_version: int
    facts_fingerprint: str = Field(max_length=64)
    decided_by_id: int = Field(foreign_key="user.id")
    decided_at: datetime = Field(sa_column=utc_column(nullable=False))


class MatchResponse(SQLModel, table=True):
    """The matched organisation's public answer to an incident; the latest answer counts."""

    __tablename__ = "match_response"

    id: int | None = Field(default=None, primary_key=True)
    match_id: int = Field(foreign_key="incident_match.id", sa_column_kwargs={"unique": True})
    public_response: str | None = Field(default=None, sa_type=sa.Text)
    investigation_opened: bool = False
    investigation_description: str | None = Field(default=None, sa_type=sa.Text)
    remedy_offered: str | None = Field(default=None, sa_type=sa.Text)
    evidence: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    responded_by_id: int = Field(foreign_key="user.id")
    responded_at: datetime = Field(sa_column=utc_column(nullable=False))


class ScreeningSecret(SQLModel, table=True):
    """The key of the fingerprints of matching facts (see `rescreen.material_fingerprint`),
    random and shared by every process through the database, which holds what it protects."""

    __tablename__ = "screening_secret"

    id: int = Field(default=1, primary_key=True)
    key: str = Field(max_length=64)


class ScreeningRun(SQLModel, table=True):
    __tablename__ = "screening_run"

    id: int | None = Field(default=None, primary_key=True)
    scope: RunScope = Field(sa_type=enum_column(RunScope), index=True)
    job_id: str | None = Field(default=None, max_length=32)
    entities: int
    entities_fingerprint: str = Field(max_length=64)
    incidents_screened: int = 0
    matches_new: int = 0
    matches_updated: int = 0
    matches_reopened: int = 0
    matches_inactive: int = 0
    started_at: datetime = Field(sa_column=utc_column(nullable=False))


# --- What callers send ---------------------------------------------------------------------

_LEI = r"^[0-9A-Za-z]{20}$"
Isin = Annotated[str, pydantic.StringConstraints(pattern=r"^[A-Za-z]{2}[0-9A-Za-z]{9}[0-9]$")]


class ScreeningEntityIn(BaseModel):
    """An entity to screen: a name with what else is known, or a known organisation's id."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = pydantic.Field(default=None, min_length=1, max_length=300)
    aliases: list[str] = pydantic.Field(default_factory=list, max_length=20)
    lei: str | None = pydantic.Field(default=None, pattern=_LEI)
    isins: list[Isin] = pydantic.Field(default_factory=list, max_length=50)
    country: str | None = pydantic.Field(
        default=None, min_length=2, max_length=2, description="ISO 3166-1 alpha-2"
    )
    sector: str | None = pydantic.Field(default=None, max_length=64)
    organisation_id: int | None = pydantic.Field(
        default=None, ge=1, le=2**63 - 1, description="Screen a known organisation instead"
    )

    @model_validator(mode="after")
    def _name_or_organisation(self) -> ScreeningEntityIn:
        if (self.name is None) == (self.organisation_id is None):
            raise ValueError("give either a name (with what else you know) or an organisation_id")
        if any(len(alias) > 300 or not alias.strip() for alias in self.aliases):
            raise ValueError("each alias needs 1 to 300 characters")
        return self


class ScreeningRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entities: list[ScreeningEntityIn] = pydantic.Field(min_length=1, max_length=10_000)


class ReviewAction(StrEnum):
    confirm = "confirm"
    dismiss = "dismiss"


class ReviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: ReviewAction
    reason: str = pydantic.Field(min_length=3, max_length=2000)


class ResponseEvidenceIn(BaseModel):
    """A link (or an evidence item of your assessment) supporting one step of the response."""

    model_config = ConfigDict(extra="forbid")

    supports: ResponseStep
    url: PublicLink | None = None
    evidence_id: int | None = pydantic.Field(default=None, ge=1, le=2**63 - 1)
    description: str | None = pydantic.Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _one_target(self) -> ResponseEvidenceIn:
        if (self.url is None) == (self.evidence_id is None):
            raise ValueError("give either a url or the evidence_id of an assessment's evidence")
        return self


class MatchResponseIn(BaseModel):
    """The organisation's answer: what it says publicly, the investigation, the remedy."""

    model_config = ConfigDict(extra="forbid")

    public_response: str | None = pydantic.Field(default=None, max_length=10_000)
    investigation_opened: bool = False
    investigation_description: str | None = pydantic.Field(default=None, max_length=5_000)
    remedy_offered: str | None = pydantic.Field(default=None, max_length=5_000)
    evidence: list[ResponseEvidenceIn] = pydantic.Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _coherent(self) -> MatchResponseIn:
        for name in ("public_response", "investigation_description", "remedy_offered"):
            value = getattr(self, name)
            setattr(self, name, value.strip() if value and value.strip() else None)
        if self.investigation_description and not self.investigation_opened:
            raise ValueError("describe an investigation only when one was opened")
        given = {
            ResponseStep.public_response: self.public_response is not None,
            ResponseStep.investigation: self.investigation_opened,
            ResponseStep.remedy: self.remedy_offered is not None,
        }
        if not any(given.values()):
            raise ValueError("give a public response, an investigation opened or a remedy offered")
        for item in self.evidence:
            if not given[item.supports]:
                raise ValueError(f"evidence supports '{item.supports}', which the answer lacks")
        return self


# --- What callers get back -----------------------------------------------------------------


class PathStepPublic(BaseModel):
    """One link from the organisation the match is shown on to what was matched."""

    kind: EntityKind
    name: str
    organisation_id: int | None = None


class ResponseEvidencePublic(BaseModel):
    supports: ResponseStep
    url: str | None
    evidence_ref: str | None
    description: str | None


class ResponseLevelsPublic(BaseModel):
    """How the methodology reads the response (each step none, stated or evidenced)."""

    public_answer: ResponseLevel
    investigation: ResponseLevel
    remedy: ResponseLevel


class MatchResponsePublic(BaseModel):
    public_response: str | None
    investigation_opened: bool
    investigation_description: str | None
    remedy_offered: str | None
    evidence: list[ResponseEvidencePublic]
    levels: ResponseLevelsPublic
    responded_at: datetime


class MatchPublic(BaseModel):
    """A stored match as a viewer may see it; `review_reason` is for reviewers only."""

    id: int
    organisation_id: int
    organisation_name: str
    entity_kind: EntityKind
    method: MatchMethod
    score: int = pydantic.Field(ge=0, le=100)
    suggested: bool = pydantic.Field(description="At or above the threshold put to reviewers")
    status: MatchStatus
    active: bool = pydantic.Field(description="False when the latest screening no longer finds it")
    explanation: str
    path: list[PathStepPublic]
    incident_version: int = pydantic.Field(description="The incident version last screened")
    incident: IncidentPublic
    reviewed_at: datetime | None
    review_reason: str | None
    response: MatchResponsePublic | None
    found_at: datetime
    updated_at: datetime


class MatchCard(MatchPublic):
    """A match as a web page shows it: also the terms of its explanation, to word it in the
    page's language. Never an API answer, which keeps `explanation` in English."""

    explanation_terms: dict[str, Any] | None = None

    @property
    def explanation_phrase(self) -> str:
        """The explanation as a `Phrase` for the `localized` filter; the English text on rows
        kept without terms."""
        if self.explanation_terms is None:
            return self.explanation
        return Phrase.from_json(self.explanation_terms)


class MatchPage(BaseModel):
    items: list[MatchPublic]
    next_cursor: str | None


class ScreeningMatchPublic(BaseModel):
    method: MatchMethod
    score: int = pydantic.Field(ge=0, le=100)
    suggested: bool
    explanation: str
    path: list[PathStepPublic]
    incident: IncidentPublic
    reviewed: MatchDecision | None = pydantic.Field(
        description="A reviewer's decision on this incident and this known organisation"
    )


class ScreenedEntityPublic(BaseModel):
    index: int = pydantic.Field(description="Position of the entity in the request")
    name: str
    organisation_id: int | None
    matches_total: int
    matches: list[ScreeningMatchPublic] = pydantic.Field(description="Best first, at most 100")


class ScreeningResult(BaseModel):
    incidents_screened: int
    entities: list[ScreenedEntityPublic]


class EntityScreeningQueued(BaseModel):
    job_id: str
    status_url: str
