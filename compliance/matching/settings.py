"""Tunable numbers of the screening engine, in one place so a methodology version can pin them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ScreeningSettings:
    """Thresholds and weights; defaults are the ones measured on tests/matching/name_pairs.csv.

    Scores run 0-100. A match at or above `suggest_threshold` is put to reviewers; matches
    between `min_score` and the threshold are kept as weak context; lower ones are dropped.
    Places: a site within a quarter of `radius_km` scores 95, within half 90, within the radius
    (widened by the location's uncertainty) 85; a site in the same admin region as an incident
    located only by region scores `region_score`, which stays below `min_score` unless the
    sectors agree. Same sector adds the sector bonus, two different known sectors subtract.
    """

    suggest_threshold: int = 88
    min_score: int = 80
    country_bonus: int = 4
    country_penalty: int = 5
    radius_km: float = 10.0
    approximate_precision_m: float = 5_000.0
    max_point_precision_m: float = 25_000.0
    region_score: int = 70
    region_sector_bonus: int = 20
    radius_sector_bonus: int = 5
    sector_penalty: int = 10
    common_token_share: float = 0.005
    common_token_floor: int = 100

    def is_suggested(self, score: int) -> bool:
        return score >= self.suggest_threshold
