"""A small sector vocabulary shared by incidents, sites and context risk.

Sources label sectors freely (Global Witness: 'Mining & Extractives', 'Hydropower', 'Sector
could not be confirmed*'; companies: 'Oil palm plantations', 'Hidroeléctrica'). Everything maps
to the riskiest sectors named by the investor guidance in DOMAIN.md, plus 'other' (a sector is
known but outside that list: poaching, fishing, conservation) and 'unknown' (none given, or the
source could not confirm one). Hydropower, wind and solar are one sector, 'renewable_energy',
as in the Business & Human Rights Resource Centre's counts.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from compliance.matching.names import fold

Sector = Literal[
    "mining",
    "agribusiness",
    "fossil_fuels",
    "renewable_energy",
    "logging",
    "infrastructure",
    "other",
    "unknown",
]
INFORMATIVE_SECTORS: frozenset[Sector] = frozenset(
    {"mining", "agribusiness", "fossil_fuels", "renewable_energy", "logging", "infrastructure"}
)

_UNKNOWN = re.compile(
    r"could not be confirmed|unconfirmed|unknown|not known|unspecified|^n ?a$|^none$|^-+$"
)
# Checked in this order: 'oil palm' is agribusiness, 'coal mining' fossil fuels, a 'hydropower
# dam' renewable energy before it is infrastructure.
_KEYWORDS: tuple[tuple[Sector, tuple[str, ...]], ...] = (
    (
        "renewable_energy",
        ("hydro", "hidro", "dam", "wind", "eolic", "solar", "geotherm", "renewab"),
    ),
    ("logging", ("logging", "timber", "forestr", "wood", "pulp", "paper", "madera", "forestal")),
    ("agribusiness", ("palm", "soy", "sugar", "cattle", "ranch", "livestock", "plantation")),
    ("fossil_fuels", ("oil", "gas", "petrol", "coal", "fossil", "carbon", "pipeline", "fracking")),
    ("mining", ("mining", "mine", "miner", "extracti", "gold", "copper", "nickel", "lithium")),
    ("agribusiness", ("agri", "agro", "farm", "crop", "food", "fruit", "banana", "coffee")),
    ("infrastructure", ("infrastruct", "road", "rail", "port", "construct", "airport", "highway")),
)


@lru_cache(maxsize=4096)
def normalise_sector(label: str | None) -> Sector:
    """Map a sector label as written in any source to the shared vocabulary."""
    text = " ".join(re.sub(r"[^a-z0-9]+", " ", fold(label or "")).split())
    if not text or _UNKNOWN.search(text):
        return "unknown"
    words = text.split()
    for sector, stems in _KEYWORDS:
        if any(word.startswith(stem) for word in words for stem in stems):
            return sector
    return "other"
