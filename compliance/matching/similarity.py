"""How alike two normalised company names are, 0-100, with rapidfuzz doing the string work.

Measured on tests/matching/name_pairs.csv and in bench/screening.py. The base is a plain ratio
over the token-sorted text (rapidfuzz's token_sort_ratio, without re-sorting per comparison),
or over the text without spaces when higher ("Anglo Gold Ashanti" / "AngloGold Ashanti"): it
handles word order and typos, and still punishes an extra distinctive word, which
token_set_ratio, partial_ratio and WRatio forgive ("Minera Andina" would equal "Minera Andina
del Sur"). Then the distinctive (non-generic) words decide, within bounds:
- the score is at most their ratio plus `DISTINCTIVE_SLACK`, so shared generic words do not
  make "Tahoe Resources" and "Teck Resources" alike, and a name made only of generic words
  meets no name that has a distinctive one;
- the score is at least their ratio minus `GENERIC_ALLOWANCE`, so generic words alone do not
  keep "Antamina" from "Cía. Minera Antamina", or "Pluspetrol" from "Pluspetrol Perú";
- names of subsidiaries in different countries ("Enel Green Power México" / "... Perú"),
  names whose numbers differ ("Lote 8" / "Lote 88") and very short names ("Vale" / "Valle")
  are capped below the suggestion threshold unless they are equal.
"""

from __future__ import annotations

from rapidfuzz.distance import Indel

from compliance.matching.names import NormalisedName

DISTINCTIVE_SLACK = 5
GENERIC_ALLOWANCE = 3
GENERIC_ONLY_CAP = 70
OTHER_COUNTRY_CAP = 80
DIGIT_MISMATCH_CAP = 75
SHORT_NAME_CAP = 80
SHORT_NAME_LENGTH = 5


def ratio(a: str, b: str) -> float:
    """rapidfuzz's fuzz.ratio (normalised Indel similarity x 100)."""
    return Indel.normalized_similarity(a, b) * 100


def _equal(a: NormalisedName, b: NormalisedName) -> bool:
    return (
        a.sorted_text == b.sorted_text
        or a.compact == b.compact
        or a.compact == b.compact_with_form
        or a.compact_with_form == b.compact
    )


def name_similarity(a: NormalisedName, b: NormalisedName) -> int:
    """Similarity of two normalised names, 100 when they normalise to the same words."""
    if _equal(a, b):
        return 100
    score = max(ratio(a.sorted_text, b.sorted_text), ratio(a.compact, b.compact))
    if a.distinctive and b.distinctive:
        distinctive = ratio(a.distinctive, b.distinctive)
        score = min(max(score, distinctive - GENERIC_ALLOWANCE), distinctive + DISTINCTIVE_SLACK)
    elif a.distinctive or b.distinctive:
        score = min(score, GENERIC_ONLY_CAP)
    if a.countries and b.countries and a.countries != b.countries:
        score = min(score, OTHER_COUNTRY_CAP)
    if a.digits != b.digits:
        score = min(score, DIGIT_MISMATCH_CAP)
    elif min(len(a.compact), len(b.compact)) <= SHORT_NAME_LENGTH:
        score = min(score, SHORT_NAME_CAP)
    return round(score)
