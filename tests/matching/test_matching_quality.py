"""Precision and recall of the engine's suggestions on a labelled set of name pairs.

name_pairs.csv holds incident names as sources write them and the organisation record they
should (or must not) be linked to, inspired by mining, agribusiness, energy and logging groups
in Latin America, Asia and Africa: legal forms, accents, word order, abbreviations, aliases of
subsidiaries, former names, transliterations, typos, and near-misses that share words or letters
with another company. All organisations go into one index, as in production, and each incident
is screened with the engine's own decision (`Match.suggested`).
"""

import csv
from collections import Counter
from pathlib import Path

from compliance.matching.engine import ScreeningIndex
from compliance.matching.entities import Entity, IncidentFacts

PAIRS = Path(__file__).with_name("name_pairs.csv")
NAME_METHODS = {"identifier", "name", "alias", "former_name"}


def _names(cell: str) -> tuple[str, ...]:
    return tuple(part for part in cell.split("|") if part)


def _labelled_predictions() -> list[tuple[dict[str, str], bool]]:
    with PAIRS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    organisations: dict[tuple[str, ...], Entity] = {}
    for row in rows:
        key = (row["entity_name"], row["entity_aliases"], row["entity_former_names"])
        if key not in organisations:
            organisations[key] = Entity(
                kind="organisation",
                id=len(organisations),
                name=row["entity_name"],
                aliases=_names(row["entity_aliases"]),
                former_names=_names(row["entity_former_names"]),
                country=row["entity_country"],
            )
    index = ScreeningIndex(organisations.values())
    incidents = [
        IncidentFacts(
            id=number, alleged_companies=(row["incident_name"],), country=row["incident_country"]
        )
        for number, row in enumerate(rows)
    ]
    suggested = {
        (match.incident_id, match.entity_id)
        for match in index.screen(incidents)
        if match.suggested and match.method in NAME_METHODS
    }
    return [
        (
            row,
            (
                number,
                organisations[
                    (row["entity_name"], row["entity_aliases"], row["entity_former_names"])
                ].id,
            )
            in suggested,
        )
        for number, row in enumerate(rows)
    ]


def test_labelled_set_is_large_and_covers_the_hard_cases():
    with PAIRS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cases = Counter(row["case"] for row in rows)
    assert len(rows) >= 200
    assert Counter(row["should_match"] for row in rows)["0"] >= 80
    for case in (
        "legal_form",
        "accents",
        "abbreviation",
        "translation",
        "alias_subsidiary",
        "former_name",
        "transliteration",
        "typo",
        "near_miss",
    ):
        assert cases[case] >= 2, case


def test_engine_precision_and_recall_on_labelled_pairs_are_at_least_95_percent():
    predictions = _labelled_predictions()
    true_positive = sum(1 for row, found in predictions if found and row["should_match"] == "1")
    false_positive = [row for row, found in predictions if found and row["should_match"] == "0"]
    missed = [row for row, found in predictions if not found and row["should_match"] == "1"]
    precision = true_positive / (true_positive + len(false_positive))
    recall = true_positive / (true_positive + len(missed))
    assert precision >= 0.95, [(r["incident_name"], r["entity_name"]) for r in false_positive]
    assert recall >= 0.95, [(r["incident_name"], r["entity_name"]) for r in missed]
