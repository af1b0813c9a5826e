"""Incident tables and the data models that decide what leaves the building.

An `Incident` is the identity of a record (source and source id, pseudonymous `ref`, review
status); each revision of what it says is an `IncidentVersion`, never overwritten. Protected
fields live in `IncidentProtected`, one row per version, with no relationship attribute that
could load them by accident: only `incidents.service` reads that table, and only for viewers
entitled to it. `IncidentPublic.for_viewer` is the one place where a record becomes an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

import pydantic
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, field_validator
from sqlmodel import Field, SQLModel

from compliance import policy
from compliance.accounts.actor import Actor
from compliance.clock import now
from compliance.db import enum_column, utc_column
from compliance.incidents.content import ProtectedContent, Victim
from compliance.incidents.redaction import format_date, people_band, public_date_precision
from compliance.incidents.vocabulary import (
    AttackType,
    ConsentBasis,
    CoordinatePrecision,
    DatePrecision,
    DefenderGroup,
    PerpetratorType,
    Sector,
    VerificationStatus,
    country_code,
)


class Incident(SQLModel, table=True):
    """The identity of an incident record; what it says lives in its versions."""

    __table_args__ = (sa.UniqueConstraint("source", "source_id", name="uq_incident_source"),)

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=20, sa_column_kwargs={"unique": True})
    source: str = Field(max_length=64, index=True)
    source_id: str = Field(max_length=200)
    current_version: int = 1
    verification_status: VerificationStatus = Field(
        default=VerificationStatus.alleged, sa_type=enum_column(VerificationStatus)
    )
    withdrawn: bool = False
    withdrawn_at: datetime | None = Field(default=None, sa_column=utc_column())
    submitted_by_organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", index=True
    )
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))


class IncidentVersion(SQLModel, table=True):
    """One revision of an incident's public facts; coordinates here are coarse only."""

    __tablename__ = "incident_version"
    __table_args__ = (sa.UniqueConstraint("incident_id", "version", name="uq_incident_version"),)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    version: int
    content_hash: str = Field(max_length=64)
    import_id: int | None = Field(default=None, foreign_key="incident_import.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))
    occurred_on: date = Field(index=True)
    date_precision: DatePrecision = Field(sa_type=enum_column(DatePrecision))
    country: str = Field(max_length=2, index=True)
    region: str | None = Field(default=None, max_length=200)
    latitude: float | None = None
    longitude: float | None = None
    coordinate_precision: CoordinatePrecision | None = Field(
        default=None, sa_type=enum_column(CoordinatePrecision)
    )
    sector: Sector = Field(sa_type=enum_column(Sector), index=True)
    attack_types: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    defender_groups: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    collective_targeted: bool = False
    people_affected: int | None = None
    perpetrator_type: PerpetratorType = Field(sa_type=enum_column(PerpetratorType))
    companies_alleged: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    consent_basis: ConsentBasis = Field(sa_type=enum_column(ConsentBasis))


class IncidentProtected(SQLModel, table=True):
    """Protected fields of one version: names, contact, precise place, narrative."""

    __tablename__ = "incident_protected"

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="incident_version.id", sa_column_kwargs={"unique": True})
    victims: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    reporter_name: str | None = Field(default=None, max_length=300)
    reporter_contact: str | None = Field(default=None, max_length=500)
    latitude: float | None = None
    longitude: float | None = None
    location_detail: str | None = Field(default=None, max_length=1000)
    narrative: str | None = Field(default=None, sa_type=sa.Text)


class ReviewDecision(StrEnum):
    alleged = "alleged"
    corroborated = "corroborated"
    verified = "verified"
    withdrawn = "withdrawn"


class IncidentReview(SQLModel, table=True):
    """A reviewer's decision on an incident, with the reason (seen by reviewers only)."""

    __tablename__ = "incident_review"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    decision: ReviewDecision = Field(sa_type=enum_column(ReviewDecision))
    reason: str = Field(sa_type=sa.Text)
    decided_by_id: int = Field(foreign_key="user.id")
    decided_at: datetime = Field(sa_column=utc_column(nullable=False))


class ImportStatus(StrEnum):
    queued = "queued"
    imported = "imported"
    rejected = "rejected"
    failed = "failed"  # crashed; nothing was imported and the file was dropped


class IncidentImport(SQLModel, table=True):
    """One file or feed body imported (or refused). The raw file is dropped once read."""

    __tablename__ = "incident_import"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=64)
    file_format: str = Field(max_length=32)
    file_sha256: str = Field(max_length=64)
    payload: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    mapping: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    status: ImportStatus = Field(default=ImportStatus.queued, sa_type=enum_column(ImportStatus))
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    report: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    feed_id: int | None = Field(default=None, foreign_key="incident_feed.id", index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=utc_column())


class FeedFormat(StrEnum):
    json = "json"
    csv = "csv"
    global_witness = "global-witness"


class IncidentFeed(SQLModel, table=True):
    """A URL fetched on a schedule and imported through the same path as files."""

    __tablename__ = "incident_feed"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, sa_column_kwargs={"unique": True})
    url: str = Field(max_length=2000)
    file_format: FeedFormat = Field(sa_type=enum_column(FeedFormat))
    mapping: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    interval_minutes: int = 1440
    active: bool = True
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)
    last_attempt_at: datetime | None = Field(default=None, sa_column=utc_column())
    last_success_at: datetime | None = Field(default=None, sa_column=utc_column())
    last_error: str | None = Field(default=None, max_length=2000)
    consecutive_failures: int = 0
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))


# --- What callers send ---------------------------------------------------------------------


def _country(value: str) -> str:
    code = country_code(value) if len(value.strip()) == 2 else None
    if code is None:
        raise ValueError("must be an ISO 3166-1 alpha-2 country code such as 'CO'")
    return code


class IncidentCreate(BaseModel):
    """An incident submitted by an NGO (or a reviewer). Fields marked protected are seen only
    by the submitting organisation and the reviewers."""

    model_config = ConfigDict(extra="forbid")

    source_reference: str | None = pydantic.Field(
        default=None,
        min_length=1,
        max_length=120,
        description="Your own case reference; sending it again records a new version.",
    )
    occurred_on: date
    date_precision: DatePrecision = DatePrecision.day
    country: str = pydantic.Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2 code")
    region: str | None = pydantic.Field(default=None, max_length=200)
    sector: Sector = Sector.unknown
    attack_types: list[AttackType] = pydantic.Field(min_length=1, max_length=len(AttackType))
    defender_groups: list[DefenderGroup] = pydantic.Field(default_factory=list, max_length=30)
    collective_targeted: bool = False
    people_affected: int | None = pydantic.Field(default=None, ge=0, le=1_000_000)
    perpetrator_type: PerpetratorType = PerpetratorType.unknown
    companies_alleged: list[str] = pydantic.Field(default_factory=list, max_length=50)
    consent_basis: ConsentBasis = pydantic.Field(
        description="Why this record may be kept and shared."
    )
    victim_names: list[str] = pydantic.Field(
        default_factory=list, max_length=200, description="Protected."
    )
    reporter_name: str | None = pydantic.Field(
        default=None, max_length=300, description="Protected."
    )
    reporter_contact: str | None = pydantic.Field(
        default=None, max_length=500, description="Protected."
    )
    latitude: float | None = pydantic.Field(
        default=None, ge=-90, le=90, description="Protected if precise."
    )
    longitude: float | None = pydantic.Field(
        default=None, ge=-180, le=180, description="Protected if precise."
    )
    coordinate_precision: CoordinatePrecision | None = None
    location_detail: str | None = pydantic.Field(
        default=None, max_length=1000, description="Protected."
    )
    narrative: str | None = pydantic.Field(
        default=None, max_length=20_000, description="Protected."
    )

    @field_validator("country")
    @classmethod
    def _iso_country(cls, value: str) -> str:
        return _country(value)

    @field_validator("companies_alleged", "victim_names")
    @classmethod
    def _trimmed_names(cls, values: list[str]) -> list[str]:
        cleaned = [v.strip() for v in values if v.strip()]
        if any(len(v) > 300 for v in cleaned):
            raise ValueError("each name may have at most 300 characters")
        return cleaned


class VerificationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ReviewDecision = pydantic.Field(
        description="corroborated, verified or alleged; withdrawn marks the record withdrawn"
    )
    reason: str = pydantic.Field(min_length=3, max_length=2000)


class FeedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = pydantic.Field(min_length=1, max_length=100)
    url: str = pydantic.Field(min_length=8, max_length=2000, pattern=r"^https?://")
    file_format: FeedFormat = pydantic.Field(alias="format")
    mapping: dict[str, Any] | None = pydantic.Field(
        default=None, description="Column mapping; required unless the format is global-witness."
    )
    interval_minutes: int = pydantic.Field(default=1440, ge=5, le=60 * 24 * 31)


# --- What callers get back -----------------------------------------------------------------


@dataclass(frozen=True)
class IncidentRecord:
    """An incident with one of its versions; `protected` is None unless loaded for a viewer
    entitled to it (see `incidents.service`)."""

    incident: Incident
    version: IncidentVersion
    protected: ProtectedContent | None = None


def may_read_protected(actor: Actor | None, incident: Incident) -> bool:
    return policy.allowed(actor, "incident.read_protected", incident)


class IncidentPublic(BaseModel):
    """An incident as everyone signed in sees it: pseudonymous ref, region, month, bands."""

    view: Literal["public", "protected"] = "public"
    ref: str
    source: str
    version: int
    occurred_on: str = pydantic.Field(description="YYYY-MM-DD, YYYY-MM or YYYY, per date_precision")
    date_precision: DatePrecision
    country: str
    region: str | None
    latitude: float | None
    longitude: float | None
    coordinate_precision: CoordinatePrecision | None
    sector: Sector
    attack_types: list[AttackType]
    defender_groups: list[DefenderGroup]
    collective_targeted: bool
    people_affected_band: str | None
    perpetrator_type: PerpetratorType
    companies_alleged: list[str]
    verification_status: VerificationStatus
    withdrawn: bool
    recorded_at: datetime

    @classmethod
    def for_viewer(cls, record: IncidentRecord, actor: Actor | None) -> IncidentPublic:
        """The protected view for reviewers and the submitting NGO, the public one otherwise."""
        if record.protected is not None and may_read_protected(actor, record.incident):
            return IncidentProtectedView.of(record)
        return IncidentPublic.of(record)

    @classmethod
    def of(cls, record: IncidentRecord) -> IncidentPublic:
        incident, version = record.incident, record.version
        precision = public_date_precision(DatePrecision(version.date_precision))
        return IncidentPublic(
            occurred_on=format_date(version.occurred_on, precision),
            date_precision=precision,
            ref=incident.ref,
            source=incident.source,
            version=version.version,
            country=version.country,
            region=version.region,
            latitude=version.latitude,
            longitude=version.longitude,
            coordinate_precision=version.coordinate_precision,
            sector=version.sector,
            attack_types=version.attack_types,
            defender_groups=version.defender_groups,
            collective_targeted=version.collective_targeted,
            people_affected_band=people_band(version.people_affected),
            perpetrator_type=version.perpetrator_type,
            companies_alleged=version.companies_alleged,
            verification_status=incident.verification_status,
            withdrawn=incident.withdrawn,
            recorded_at=version.created_at,
        )


class IncidentProtectedView(IncidentPublic):
    """An incident with its protected fields, for reviewers and the submitting NGO only.

    The fields it shares with `IncidentPublic` hold the same coarse values; exact values have
    fields of their own, so a protected view cut back to the public model leaks nothing.
    """

    view: Literal["public", "protected"] = "protected"
    id: int
    source_id: str
    exact_date: str = pydantic.Field(description="The date as precisely as the source gives it")
    exact_date_precision: DatePrecision
    exact_latitude: float | None
    exact_longitude: float | None
    people_affected: int | None
    consent_basis: ConsentBasis
    submitted_by_organisation_id: int | None
    victims: list[Victim]
    reporter_name: str | None
    reporter_contact: str | None
    location_detail: str | None
    narrative: str | None

    @classmethod
    def of(cls, record: IncidentRecord) -> IncidentProtectedView:
        protected = record.protected or ProtectedContent()
        version = record.version
        precision = DatePrecision(version.date_precision)
        return IncidentProtectedView(
            **IncidentPublic.of(record).model_dump(exclude={"view"}),
            view="protected",
            id=record.incident.id,
            source_id=record.incident.source_id,
            exact_date=format_date(version.occurred_on, precision),
            exact_date_precision=precision,
            exact_latitude=protected.latitude,
            exact_longitude=protected.longitude,
            people_affected=version.people_affected,
            consent_basis=version.consent_basis,
            submitted_by_organisation_id=record.incident.submitted_by_organisation_id,
            victims=list(protected.victims),
            reporter_name=protected.reporter_name,
            reporter_contact=protected.reporter_contact,
            location_detail=protected.location_detail,
            narrative=protected.narrative,
        )


class IncidentPage(BaseModel):
    items: list[IncidentPublic]
    next_cursor: str | None


class IncidentVersions(BaseModel):
    items: list[IncidentProtectedView | IncidentPublic]


class RowProblem(BaseModel):
    """One reason a row was refused; `row` as the user numbers it (CSV/xlsx lines, JSON items)."""

    row: int | None = None
    column: str | None = None
    field: str | None = None
    value: str | None = None
    problem: str


class ImportReport(BaseModel):
    import_id: int | None = None
    source: str
    status: ImportStatus
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    rejected: int = 0
    problems: list[RowProblem] = pydantic.Field(default_factory=list)
    problems_total: int = 0
    warnings: list[RowProblem] = pydantic.Field(default_factory=list)
    warnings_total: int = 0


class ImportQueued(BaseModel):
    import_id: int
    job_id: str
    status_url: str


class FeedPublic(BaseModel):
    id: int
    name: str
    url: str
    file_format: FeedFormat
    interval_minutes: int
    active: bool
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    created_at: datetime


class FeedList(BaseModel):
    items: list[FeedPublic]


class FetchQueued(BaseModel):
    feed_id: int
    job_id: str
    status_url: str
