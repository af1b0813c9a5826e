"""What the portfolio endpoints accept and answer (the table models never leave the building)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from compliance.phrases import Worded
from compliance.portfolios.models import PortfolioStatus, Resolution, RunStatus


class PortfolioQueued(BaseModel):
    """An accepted upload: its import job checks, stores and resolves the holdings, then
    starts a screening run."""

    portfolio_id: int
    job_id: str
    status_url: str = Field(description="Poll this job (GET /api/v1/jobs/{id}) for progress.")
    portfolio_url: str


class PortfolioSummary(BaseModel):
    id: int
    name: str
    status: PortfolioStatus
    filename: str
    holding_count: int
    created_at: datetime
    updated_at: datetime
    url: str


class PortfolioPage(BaseModel):
    items: list[PortfolioSummary]
    next_cursor: str | None


class CandidatePublic(BaseModel):
    """A known organisation a holding may stand for; `score` is the name likeness 0-100."""

    organisation_id: int
    name: str
    country: str | None
    score: int


class HoldingPublic(BaseModel):
    position: int = Field(description="The holding's row number in the uploaded sheet.")
    name: str
    isin: str | None
    lei: str | None
    country: str | None
    sector: str | None
    weight: float | None = Field(description="Percent of the portfolio.")
    market_value: float | None
    organisation_id: int | None
    organisation_name: str | None
    resolution: Resolution
    candidates: list[CandidatePublic]


class PortfolioProblemPublic(BaseModel):
    sheet: str
    row: int
    column: str
    cell: str
    value: str
    problem: Worded
    fix: Worded


class RunSummary(BaseModel):
    number: int
    status: RunStatus
    created_at: datetime
    finished_at: datetime | None
    status_url: str | None


class PortfolioPublic(PortfolioSummary):
    """A portfolio with its holdings as last accepted, and the state of its last upload."""

    resolution_counts: dict[str, int]
    holdings: list[HoldingPublic]
    upload_status_url: str | None = Field(
        description="The import job of the last upload (while status is 'validating')."
    )
    problems: list[PortfolioProblemPublic] = Field(
        description="Every problem of the last upload when status is 'invalid' (capped)."
    )
    problem_total: int
    refusal: Worded | None = Field(description="Why the last upload was refused as a whole.")
    report_url: str | None = Field(description="The fix-it workbook when status is 'invalid'.")
    latest_run: RunSummary | None = Field(description="The last screening run that succeeded.")
    newest_run: RunSummary | None = Field(description="The last screening run, whatever its state.")


class MappingIn(BaseModel):
    organisation_id: int | None = Field(
        ge=1,
        le=2**63 - 1,
        description="The company or financial institution this holding stands for; null forgets "
        "the choice and resolves the holding automatically again.",
    )


class MappingResult(BaseModel):
    holding: HoldingPublic
    also_applied: int = Field(
        description="Other holdings of this investor's portfolios with the same ISIN, LEI or "
        "name and country, updated with the same choice."
    )
