"""Stored portfolios: the holdings of each upload, how each was resolved, and every screening run.

A `Portfolio` belongs to one investor organisation. Each accepted upload replaces its holdings
(`PortfolioHolding`, in file order). Each screening is a `PortfolioRun` whose `results` hold the
whole briefing (per-holding findings and aggregates) as the run saw it, so a later run can say
what changed and a briefing can be rendered again without re-screening.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from compliance.clock import now
from compliance.db import enum_column, utc_column


class PortfolioStatus(StrEnum):
    validating = "validating"  # the upload waits for its import job
    invalid = "invalid"  # the last upload had bad rows: problems and a fix-it workbook
    refused = "refused"  # the last upload could not be read at all
    ready = "ready"  # holdings stored and resolved


class Resolution(StrEnum):
    identifier = "identifier"  # matched by LEI or ISIN
    name = "name"  # matched by normalised name (and country) through the screening engine
    mapped = "mapped"  # the investor chose the organisation (remembered for next uploads)
    ambiguous = "ambiguous"  # several candidates: the investor must choose
    unresolved = "unresolved"  # no known organisation


class RunStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class Portfolio(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    status: PortfolioStatus = Field(
        default=PortfolioStatus.validating, sa_type=enum_column(PortfolioStatus)
    )
    filename: str = Field(max_length=255)
    file_sha256: str = Field(max_length=64)
    holding_count: int = 0
    upload_job_id: str | None = Field(default=None, max_length=32)
    problems: list[dict[str, Any]] | None = Field(default=None, sa_type=sa.JSON)
    problem_total: int = 0
    refusal: str | None = Field(default=None, max_length=2000)
    refusal_terms: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)  # phrases.terms_of
    fixit_file: str | None = Field(default=None, max_length=200)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))


class PortfolioHolding(SQLModel, table=True):
    """One row of the portfolio as the investor wrote it, and the organisation it stands for."""

    __tablename__ = "portfolio_holding"
    __table_args__ = (sa.UniqueConstraint("portfolio_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    portfolio_id: int = Field(foreign_key="portfolio.id", index=True)
    position: int  # the row number the investor sees in the file
    name: str = Field(max_length=300)
    isin: str | None = Field(default=None, max_length=12)
    lei: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, max_length=2)
    sector: str | None = Field(default=None, max_length=64)
    weight: float | None = None  # percent of the portfolio
    market_value: float | None = None
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    resolution: Resolution = Field(default=Resolution.unresolved, sa_type=enum_column(Resolution))
    candidates: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)


class HoldingMapping(SQLModel, table=True):
    """An investor's choice of organisation for a holding key, reused on every later upload."""

    __tablename__ = "holding_mapping"
    __table_args__ = (sa.UniqueConstraint("investor_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    investor_id: int = Field(foreign_key="organisation.id", index=True)
    key: str = Field(max_length=400)  # "isin:…", "lei:…" or "name:<normalised name>|<country>"
    organisation_id: int = Field(foreign_key="organisation.id")
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))


class PortfolioRun(SQLModel, table=True):
    """One screening of a portfolio: its results, what changed since the run before, its files."""

    __tablename__ = "portfolio_run"
    __table_args__ = (sa.UniqueConstraint("portfolio_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    portfolio_id: int = Field(foreign_key="portfolio.id", index=True)
    number: int  # 1, 2, ... per portfolio
    status: RunStatus = Field(default=RunStatus.queued, sa_type=enum_column(RunStatus))
    job_id: str | None = Field(default=None, max_length=32)
    previous_run_id: int | None = Field(default=None, foreign_key="portfolio_run.id")
    results: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    changes: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    briefing_pdf: str | None = Field(default=None, max_length=200)  # FileStore key
    briefing_xlsx: str | None = Field(default=None, max_length=200)
    error: str | None = Field(default=None, max_length=2000)
    requested_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=utc_column())
