"""Where incidents and sites meet: great-circle radius search, admin regions, country codes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pycountry
from sklearn.neighbors import BallTree

from compliance.matching.names import fold

EARTH_RADIUS_KM = 6371.0088

_REGION_PARTS = re.compile(r"[,;/()|]+")
_REGION_WORDS = re.compile(r"[^a-z0-9]+")
_REGION_GENERIC = frozenset(
    {
        "province", "provincia", "provincie", "prov", "department", "departamento", "departement",
        "dept", "state", "estado", "region", "regiao", "district", "distrito", "county",
        "municipality", "municipio", "prefecture", "governorate", "oblast", "territory", "of",
        "de", "del", "da", "do", "dos", "das", "la", "el", "the",
    }
)  # fmt: skip
_COUNTRY_ALIASES = {
    "democratic republic of congo": "CD",
    "democratic republic of the congo": "CD",
    "dr congo": "CD",
    "drc": "CD",
    "republic of congo": "CG",
    "congo brazzaville": "CG",
    "russia": "RU",
    "turkey": "TR",
    "ivory coast": "CI",
    "south korea": "KR",
    "north korea": "KP",
    "uk": "GB",
    "usa": "US",
    "burma": "MM",
    "swaziland": "SZ",
    "east timor": "TL",
    "palestine": "PS",
}


def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a country as sources write it, or None if not recognised."""
    cleaned = " ".join(_REGION_WORDS.sub(" ", fold(name)).split())
    if not cleaned:
        return None
    if cleaned in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[cleaned]
    try:
        return pycountry.countries.lookup(name.strip()).alpha_2
    except LookupError:
        return None


@lru_cache(maxsize=16384)
def region_keys(region: str | None) -> frozenset[str]:
    """Comparable keys for an admin region as written: 'Bukidnon, Mindanao' gives both parts;
    accents, case, punctuation and words such as 'Province' or 'Departamento' are dropped."""
    keys = set()
    for part in _REGION_PARTS.split(fold(region or "")):
        words = [
            word for word in _REGION_WORDS.sub(" ", part).split() if word not in _REGION_GENERIC
        ]
        if words:
            keys.add(" ".join(words))
    return frozenset(keys)


@dataclass(frozen=True, slots=True)
class SiteHits:
    """Aligned arrays: query `query[i]` lies `distance_km[i]` from site `site[i]`."""

    query: np.ndarray
    site: np.ndarray
    distance_km: np.ndarray


class SiteLocator:
    """Ball tree with the haversine metric over site coordinates (radians)."""

    def __init__(self, latitudes: Sequence[float], longitudes: Sequence[float]) -> None:
        self._size = len(latitudes)
        points = np.radians(np.column_stack([latitudes, longitudes]).reshape(-1, 2))
        self._tree = BallTree(points, metric="haversine") if self._size else None

    def within(
        self, latitudes: Sequence[float], longitudes: Sequence[float], radii_km: Sequence[float]
    ) -> SiteHits:
        """Every (query, site) pair closer than that query's radius, for all queries at once."""
        empty = np.zeros(0, dtype=np.int64)
        if self._tree is None or len(latitudes) == 0:
            return SiteHits(empty, empty, np.zeros(0))
        points = np.radians(np.column_stack([latitudes, longitudes]))
        radii = np.asarray(radii_km, dtype=float) / EARTH_RADIUS_KM
        sites, distances = self._tree.query_radius(points, r=radii, return_distance=True)
        counts = np.fromiter((len(found) for found in sites), dtype=np.int64, count=len(sites))
        if not counts.sum():
            return SiteHits(empty, empty, np.zeros(0))
        return SiteHits(
            query=np.repeat(np.arange(len(sites)), counts),
            site=np.concatenate(sites).astype(np.int64),
            distance_km=np.concatenate(distances) * EARTH_RADIUS_KM,
        )
