"""What an investor watches and the alerts it has received.

A `Watch` links an investor (a financial institution) to an organisation it holds or lends to;
`portfolio_id` remembers the portfolio it came from, when it did. An `Alert` is one event on a
watched organisation, copied to each investor watching it; its `payload` holds public data
only (certificate ids and statuses, incident refs and public facts, challenge case numbers),
never protected incident fields and never who filed a challenge.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from compliance.clock import now
from compliance.db import enum_column, utc_column


class AlertKind(StrEnum):
    certificate_issued = "certificate.issued"
    certificate_suspended = "certificate.suspended"
    certificate_reinstated = "certificate.reinstated"
    certificate_revoked = "certificate.revoked"
    certificate_expired = "certificate.expired"
    certificate_superseded = "certificate.superseded"
    incident_confirmed = "incident.confirmed"
    challenge_admitted = "challenge.admitted"


class Watch(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("investor_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    investor_id: int = Field(foreign_key="organisation.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    portfolio_id: int | None = Field(default=None, foreign_key="portfolio.id")
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))


class Alert(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=36, sa_column_kwargs={"unique": True})
    investor_id: int = Field(foreign_key="organisation.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    kind: AlertKind = Field(sa_type=enum_column(AlertKind))
    summary: str = Field(max_length=500)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))


# --- What callers send and get back -----------------------------------------------------------


class WatchAdd(BaseModel):
    organisation_ids: list[int] = PydanticField(
        min_length=1,
        max_length=1000,
        description="Organisations (companies or financial institutions) to watch",
    )


class OrganisationPath(BaseModel):
    organisation_id: int = PydanticField(ge=1, le=2**63 - 1)


class PortfolioPath(BaseModel):
    portfolio_id: int = PydanticField(ge=1, le=2**63 - 1)


class WatchPublic(BaseModel):
    organisation_id: int
    organisation_name: str
    kind: str
    country: str | None
    portfolio_id: int | None
    watched_since: datetime
    certificate: str | None = PydanticField(description="Public id of the latest certificate")
    certificate_status: str | None
    tier: str | None


class WatchPage(BaseModel):
    items: list[WatchPublic]
    next_cursor: str | None = None


class WatchAdded(BaseModel):
    added: int = PydanticField(description="Organisations newly watched")
    already_watched: int
    watching: int = PydanticField(description="Organisations watched in all")


class AlertPublic(BaseModel):
    id: int
    event_id: str
    kind: AlertKind
    organisation_id: int
    summary: str
    payload: dict[str, Any]
    created_at: datetime


class AlertPage(BaseModel):
    items: list[AlertPublic]
    next_cursor: str | None = None
