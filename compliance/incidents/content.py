"""What an incident record says, split into public facts and protected fields, and its hash.

Imports, feeds and NGO submissions all produce an `IncidentDraft`; the service stores its
`content` in `incident_version` and its `protected` part in `incident_protected`. The content
hash covers both, so a revision of any field (a victim's name included) is a new version, and
re-importing the same record is recognised as unchanged.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from compliance.incidents.vocabulary import (
    PRECISE_COORDINATES,
    AttackType,
    ConsentBasis,
    CoordinatePrecision,
    DatePrecision,
    DefenderGroup,
    PerpetratorType,
    Sector,
    country_code,
)

_DIGIT = re.compile(r"\d")
_NARRATIVE_WORDS = re.compile(r"\b(killing|killed|murder|asesinat|assassinat|victim)", re.I)
_SPACES = re.compile(r"\s+")


class IncidentContent(BaseModel):
    """The facts of one version that anyone signed in may see (before redaction rules)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    occurred_on: date
    date_precision: DatePrecision = DatePrecision.day
    country: str = Field(min_length=2, max_length=2)
    region: str | None = Field(default=None, max_length=200)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    coordinate_precision: CoordinatePrecision | None = None
    sector: Sector = Sector.unknown
    attack_types: tuple[AttackType, ...] = Field(min_length=1)
    defender_groups: tuple[DefenderGroup, ...] = ()
    collective_targeted: bool = False
    people_affected: int | None = Field(default=None, ge=0, le=1_000_000)
    perpetrator_type: PerpetratorType = PerpetratorType.unknown
    companies_alleged: tuple[str, ...] = ()
    consent_basis: ConsentBasis = ConsentBasis.public_source

    @field_validator("country")
    @classmethod
    def _iso_country(cls, value: str) -> str:
        code = country_code(value)
        if code is None or code != value.upper():
            raise ValueError("must be an ISO 3166-1 alpha-2 country code such as 'CO'")
        return code

    @field_validator("attack_types", "defender_groups", "companies_alleged")
    @classmethod
    def _distinct_in_order(cls, values: tuple) -> tuple:
        return tuple(dict.fromkeys(values))


class Victim(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = Field(default=None, max_length=300)
    gender: str | None = Field(default=None, max_length=40)
    age: int | None = Field(default=None, ge=0, le=130)


class ProtectedContent(BaseModel):
    """Fields readable only by reviewers and the submitting NGO (DESIGN.md, do no harm)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    victims: tuple[Victim, ...] = ()
    reporter_name: str | None = Field(default=None, max_length=300)
    reporter_contact: str | None = Field(default=None, max_length=500)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    location_detail: str | None = Field(default=None, max_length=1000)
    narrative: str | None = Field(default=None, max_length=20_000)

    @property
    def is_empty(self) -> bool:
        return self == ProtectedContent()


class IncidentDraft(BaseModel):
    """One record as a source gives it, ready to be stored as a version."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source_id: str = Field(min_length=1, max_length=200)
    content: IncidentContent
    protected: ProtectedContent = ProtectedContent()
    withdrawn: bool = False

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON of everything the record says (not its status)."""
        canonical = json.dumps(
            {
                "content": self.content.model_dump(mode="json"),
                "protected": self.protected.model_dump(mode="json"),
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


def split_location(
    latitude: float | None,
    longitude: float | None,
    precision: CoordinatePrecision | None,
) -> tuple[dict, dict]:
    """Coordinates as (public part, protected part): precise points are protected.

    A region or country centroid says no more than the region itself, so it stays public;
    exact and approximate points could lead to a person, so they go to the protected table.
    """
    if latitude is None or longitude is None:
        return {"coordinate_precision": None}, {}
    precision = precision or CoordinatePrecision.approximate
    point = {"latitude": latitude, "longitude": longitude}
    if precision in PRECISE_COORDINATES:
        return {"coordinate_precision": precision}, point
    return {"coordinate_precision": precision, **point}, {}


def clean_region(text: str | None) -> tuple[str | None, str | None]:
    """A region as written, tidied, as (public region, protected detail).

    Sources sometimes put a sentence in the region column (Global Witness has one that names a
    victim and a date). A region with digits and several words, or that reads like an account
    of the attack, is kept only as a protected location detail.
    """
    if text is None:
        return None, None
    region = _SPACES.sub(" ", text).strip().strip(".,;").strip()
    if not region:
        return None, None
    words = len(region.split())
    if _NARRATIVE_WORDS.search(region) or (_DIGIT.search(region) and words > 2) or len(region) > 80:
        return None, region
    return region, None
