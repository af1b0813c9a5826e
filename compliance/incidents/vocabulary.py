"""The normalised words an incident record is described with, and how source words map to them.

Sources write sectors, attack types and defender groups in their own words; records store only
these values so that filters, scoring and matching can rely on them.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar

import pycountry


class Sector(StrEnum):
    mining = "mining"
    agribusiness = "agribusiness"
    fossil_fuels = "fossil_fuels"
    renewable_energy = "renewable_energy"
    hydropower = "hydropower"
    wind = "wind"
    logging = "logging"
    infrastructure = "infrastructure"
    other = "other"
    unknown = "unknown"


class AttackType(StrEnum):
    killing = "killing"
    death_threat = "death_threat"
    arbitrary_detention = "arbitrary_detention"
    judicial_harassment = "judicial_harassment"
    physical_violence = "physical_violence"
    sexual_violence = "sexual_violence"
    smear_campaign = "smear_campaign"
    intimidation = "intimidation"
    surveillance = "surveillance"
    enforced_disappearance = "enforced_disappearance"
    other = "other"


class DefenderGroup(StrEnum):
    indigenous = "indigenous"
    land_environmental = "land_environmental"
    labour = "labour"
    journalist = "journalist"
    woman_defender = "woman_defender"
    community = "community"
    lgbtiq = "lgbtiq"
    afro_descendant = "afro_descendant"
    small_scale_farmer = "small_scale_farmer"
    lawyer = "lawyer"
    park_ranger = "park_ranger"
    state_official = "state_official"
    child = "child"
    relative = "relative"
    other = "other"


class PerpetratorType(StrEnum):
    unknown = "unknown"
    hired_killers = "hired_killers"
    paramilitary = "paramilitary"
    police = "police"
    armed_forces = "armed_forces"
    organised_crime = "organised_crime"
    landowners = "landowners"
    poachers = "poachers"
    private_security = "private_security"
    state_officials = "state_officials"
    company = "company"
    community_members = "community_members"
    other = "other"


class VerificationStatus(StrEnum):
    alleged = "alleged"
    corroborated = "corroborated"
    verified = "verified"


class DatePrecision(StrEnum):
    day = "day"
    month = "month"
    year = "year"


class CoordinatePrecision(StrEnum):
    """How well the coordinates locate the incident: only region and country are coarse."""

    exact = "exact"
    approximate = "approximate"
    region = "region"
    country = "country"


PRECISE_COORDINATES = frozenset({CoordinatePrecision.exact, CoordinatePrecision.approximate})


class ConsentBasis(StrEnum):
    """Why the record may be kept: the people concerned agreed, it is public, or it protects."""

    informed_consent = "informed_consent"
    public_source = "public_source"
    legitimate_interest_protection = "legitimate_interest_protection"


E = TypeVar("E", bound=StrEnum)
_SPACES = re.compile(r"[\s_\-/]+")

SYNONYMS: dict[type[StrEnum], dict[str, str]] = {
    Sector: {
        "mining and extractives": "mining",
        "extractives": "mining",
        "oil and gas": "fossil_fuels",
        "renewables": "renewable_energy",
        "hydroelectric": "hydropower",
        "wind power": "wind",
        "roads and infrastructure": "infrastructure",
        "agriculture": "agribusiness",
        "forestry": "logging",
    },
    AttackType: {
        "murder": "killing",
        "killed": "killing",
        "threat": "death_threat",
        "death threats": "death_threat",
        "arbitrary arrest": "arbitrary_detention",
        "detention": "arbitrary_detention",
        "criminalisation": "judicial_harassment",
        "criminalization": "judicial_harassment",
        "slapp": "judicial_harassment",
        "beating": "physical_violence",
        "disappearance": "enforced_disappearance",
        "stigmatisation": "smear_campaign",
    },
    DefenderGroup: {
        "indigenous peoples": "indigenous",
        "environmental": "land_environmental",
        "land rights": "land_environmental",
        "labor": "labour",
        "trade union": "labour",
        "women": "woman_defender",
        "woman": "woman_defender",
        "afrodescendant": "afro_descendant",
        "peasant": "small_scale_farmer",
    },
    PerpetratorType: {
        "unspecified": "unknown",
        "hitmen": "hired_killers",
        "military": "armed_forces",
        "army": "armed_forces",
        "corporation": "company",
        "corporations": "company",
    },
}


def _plain(text: str) -> str:
    """Text without accents: 'Perú' -> 'Peru'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Text as compared with the vocabulary: no accents, lower case, single spaces."""
    return _SPACES.sub(" ", _plain(text).replace("&", " and ").casefold()).strip()


@lru_cache(maxsize=64)
def _lookup(vocabulary: type[StrEnum]) -> dict[str, StrEnum]:
    words = {fold(key): vocabulary(value) for key, value in SYNONYMS.get(vocabulary, {}).items()}
    return {**words, **{fold(member.value): member for member in vocabulary}}


def parse_term(vocabulary: type[E], text: str) -> E | None:
    """The vocabulary value a source word means ('Mining & Extractives' -> mining), or None."""
    return _lookup(vocabulary).get(fold(text))


_COUNTRY_ALIASES = {
    "democratic republic of congo": "CD",
    "democratic republic of the congo": "CD",
    "drc": "CD",
    "dr congo": "CD",
    "republic of congo": "CG",
    "russia": "RU",
    "turkey": "TR",
    "ivory coast": "CI",
    "uk": "GB",
    "usa": "US",
    "burma": "MM",
    "palestine": "PS",
}


def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a country given as a code (alpha-2, alpha-3, numeric) or name."""
    value = text.strip()
    if not value:
        return None
    if value.isdigit() and len(value) <= 3:
        found = pycountry.countries.get(numeric=value.zfill(3))
        return found.alpha_2 if found else None
    alias = _COUNTRY_ALIASES.get(fold(value))
    if alias:
        return alias
    for candidate in dict.fromkeys((value, _plain(value))):
        try:
            return pycountry.countries.lookup(candidate).alpha_2
        except LookupError:
            continue
    return None
