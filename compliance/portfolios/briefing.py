"""What a portfolio briefing says: one finding per holding, the portfolio's aggregates, and what
changed since the previous run. These models are stored as a run's `results` and `changes`
(JSON), served as `briefing.json`, and turned into plain rows for the PDF and xlsx renderers.

What a red flag, data gap, engagement question or context reason says is kept twice: as a code
with its parameters (`code`, `params`), which the PDF and xlsx word in the language of the run
(`reports.briefing_texts`), and in English (`label`, `topic`/`text`/`why`, `reasons`), the
machine-readable form the JSON and the web page show.

Only public data goes in: incidents as `IncidentPublic` shows them (pseudonymous reference,
month, region, bands), certificates as the public register shows them. Protected incident
fields (names, contacts, exact places, narratives) never reach these models.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

PARAMS = "What the text says as data (counts, references, codes), to word it in a language"


class CertificateFinding(BaseModel):
    cert_id: str
    status: str = Field(description="active, suspended, revoked, expired or superseded")
    tier: str
    tier_label: str
    score: float
    issued_on: date
    expires_on: date
    under_challenge: bool = Field(description="An admitted challenge stands against it")
    verify_url: str


class IncidentFinding(BaseModel):
    """An incident of the last five years matched to the holding's organisation (public view)."""

    ref: str
    match_status: str = Field(description="confirmed by a reviewer, or suggested by screening")
    link: str = Field(description="own_operations or value_chain")
    occurred_on: str = Field(description="YYYY-MM or YYYY (public precision)")
    year: int
    country: str
    region: str | None
    sector: str
    attack_types: list[str]
    most_severe: str
    severity: float = Field(description="Points of the methodology's most severe attack type")
    severe: bool
    verification_status: str
    collective_targeted: bool
    people_affected_band: str | None
    perpetrator_type: str


class RedFlag(BaseModel):
    code: str
    label: str = Field(description="In English")
    params: dict[str, Any] = Field(default_factory=dict, description=PARAMS)


class DataGap(BaseModel):
    code: str
    label: str = Field(description="In English")
    params: dict[str, Any] = Field(default_factory=dict, description=PARAMS)


class ContextFactor(BaseModel):
    """One reason of a context finding as data (a fixed list, or an incident record)."""

    code: str = Field(
        description="fixed_countries, fixed_sectors, fixed_country, country_record, "
        "region_record or sector_record"
    )
    params: dict[str, Any] = Field(default_factory=dict, description=PARAMS)


class ContextFinding(BaseModel):
    """Context risk of the organisation's listed sites (or of its home country and sector)."""

    level: str = Field(description="low, elevated or high")
    heightened_due_diligence: bool
    basis: str = Field(description="sites (the listed sites) or home (country and sector)")
    sites: int
    sites_high: int
    reasons: list[str] = Field(description="In English")
    factors: list[ContextFactor] = Field(
        default_factory=list, description="The reasons as data, in the same order"
    )


class EngagementQuestion(BaseModel):
    ref: str = Field(description="Question id of the questionnaire, or a generic key")
    topic: str = Field(description="In English")
    text: str = Field(description="In English")
    why: str = Field(description="In English")
    code: str = Field("", description="indicator, generic, incident or challenge")
    params: dict[str, Any] = Field(default_factory=dict, description=PARAMS)


class HoldingFinding(BaseModel):
    position: int
    name: str
    isin: str | None
    lei: str | None
    country: str | None
    sector: str | None
    weight: float = Field(description="Share of the portfolio, percent")
    market_value: float | None
    resolution: str
    organisation_id: int | None
    organisation_name: str | None
    certificate: CertificateFinding | None
    tier: str = Field(description="Certificate tier in force, or 'none'")
    incidents: list[IncidentFinding]
    confirmed_incidents: int
    suggested_incidents: int
    severe_incidents: int = Field(description="Confirmed severe incidents of the last five years")
    red_flags: list[RedFlag]
    context: ContextFinding | None
    data_gaps: list[DataGap]
    questions: list[EngagementQuestion]
    priority: float = Field(description="How urgent engagement is (higher first)")


class Share(BaseModel):
    key: str
    label: str
    weight: float = Field(description="Percent of the portfolio")
    holdings: int


class YearCount(BaseModel):
    year: int
    confirmed: int
    suggested: int


class EngageItem(BaseModel):
    position: int
    name: str
    weight: float
    priority: float
    reasons: list[str]


class Aggregates(BaseModel):
    holdings: int
    resolved: int
    certified_weight: float = Field(description="Percent of weight under an active certificate")
    by_tier: list[Share]
    by_sector: list[Share]
    by_country: list[Share]
    severe_exposure: float = Field(
        description="Percent of weight in holdings with a confirmed severe incident (5 years)"
    )
    incident_exposure: float = Field(
        description="Weighted severe incidents: sum over holdings of weight x severe incidents"
    )
    red_flag_holdings: int
    red_flag_weight: float
    incidents_by_year: list[YearCount]
    top_engage: list[EngageItem]


class HoldingRef(BaseModel):
    position: int
    name: str
    organisation_id: int | None


class IncidentChange(BaseModel):
    position: int
    name: str
    ref: str
    match_status: str
    occurred_on: str
    most_severe: str


class ValueChange(BaseModel):
    position: int
    name: str
    before: str
    after: str


class Changes(BaseModel):
    """What changed since the previous succeeded run of the same portfolio."""

    previous_run: int
    holdings_added: list[HoldingRef]
    holdings_removed: list[HoldingRef]
    new_incidents: list[IncidentChange]
    status_changes: list[ValueChange]
    tier_changes: list[ValueChange]
    new_red_flags: list[ValueChange]

    @property
    def total(self) -> int:
        return (
            len(self.holdings_added)
            + len(self.holdings_removed)
            + len(self.new_incidents)
            + len(self.status_changes)
            + len(self.tier_changes)
            + len(self.new_red_flags)
        )


class Briefing(BaseModel):
    portfolio_id: int
    portfolio_name: str
    run: int
    as_of: date
    generated_at: datetime
    methodology: str
    holdings: list[HoldingFinding]
    aggregates: Aggregates
    changes: Changes | None = None
