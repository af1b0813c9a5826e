"""Screening engine: links incident records to organisations, suppliers and sites.

Pure: dataclasses in, matches out; no Flask, no database, no clock. Build a `ScreeningIndex`
over the entities once, call `screen(incidents)`, store the `Match` objects. `context_risk`
turns an incident history into risk levels per country, region and sector.
"""

from compliance.matching.context_risk import (
    ContextAssessment,
    ContextRisk,
    ContextRiskReport,
    ContextRiskSettings,
    RiskFactor,
    RiskLevel,
    context_risk,
)
from compliance.matching.engine import ScreeningIndex
from compliance.matching.entities import (
    Entity,
    EntityId,
    EntityKind,
    IncidentFacts,
    InvalidScreeningInput,
    Match,
    MatchMethod,
    PathStep,
    PrecisionLabel,
    normalise_identifier,
)
from compliance.matching.names import NormalisedName, normalise_name
from compliance.matching.places import country_code, region_keys
from compliance.matching.sectors import INFORMATIVE_SECTORS, Sector, normalise_sector
from compliance.matching.settings import ScreeningSettings
from compliance.matching.similarity import name_similarity

__all__ = [
    "INFORMATIVE_SECTORS",
    "ContextAssessment",
    "ContextRisk",
    "ContextRiskReport",
    "ContextRiskSettings",
    "Entity",
    "EntityId",
    "EntityKind",
    "IncidentFacts",
    "InvalidScreeningInput",
    "Match",
    "MatchMethod",
    "NormalisedName",
    "PathStep",
    "PrecisionLabel",
    "RiskFactor",
    "RiskLevel",
    "ScreeningIndex",
    "ScreeningSettings",
    "Sector",
    "context_risk",
    "country_code",
    "name_similarity",
    "normalise_identifier",
    "normalise_name",
    "normalise_sector",
    "region_keys",
]
