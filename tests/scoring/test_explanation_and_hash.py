"""Every point traces to its source, and the inputs hash lets anyone recompute the score."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import replace
from datetime import date

import pytest

from scoring import EvidenceFacts, EvidenceLevel, inputs_hash, score
from scoring.result import Explanation
from tests.scoring.builders import AS_OF, RULES, best_answers, evidence_everywhere, facts, incident


def leaves(node: Explanation):
    if not node.children:
        yield node
    for child in node.children:
        yield from leaves(child)


def _mixed():
    answers = {**best_answers(), "A4": "partly", "B5": "no"}
    evidence = [e for e in evidence_everywhere(answers) if e.question_id not in ("A1", "C1")]
    evidence.append(EvidenceFacts("EV-doc", "C1", EvidenceLevel.DOCUMENTED))
    return facts(answers, evidence=evidence, incidents=[incident(attack_types=("death_threat",))])


def test_the_points_of_the_leaves_add_up_to_the_total() -> None:
    result = score(_mixed(), RULES, AS_OF)
    assert sum(leaf.points for leaf in leaves(result.explanation)) == pytest.approx(
        result.total, abs=0.05
    )


def test_every_point_names_a_question_an_evidence_item_or_an_incident() -> None:
    result = score(_mixed(), RULES, AS_OF)
    carrying = [leaf for leaf in leaves(result.explanation) if leaf.points]
    assert carrying and all(
        leaf.source is not None and leaf.source.kind in ("question", "evidence", "incident")
        for leaf in carrying
    )
    kinds = {leaf.source.kind for leaf in carrying}
    assert kinds == {"question", "evidence", "incident"}


def test_evidence_leaves_carry_the_share_evidence_adds() -> None:
    result = score(_mixed(), RULES, AS_OF)
    c1 = next(n for n in leaves(result.explanation) if n.source and n.source.ref == "EV-doc")
    a_question = next(n for n in leaves(result.explanation) if n.source and n.source.ref == "C1")
    assert c1.points == pytest.approx(
        2 * a_question.points, abs=0.001
    )  # 0.75 = 0.25 answer + 0.5 evidence


def test_a_floor_at_zero_is_explained_by_the_rule() -> None:
    result = score(facts({}, incidents=[incident()]), RULES, AS_OF)
    floor = [
        leaf
        for leaf in leaves(result.explanation)
        if leaf.source and leaf.source.kind == "rule" and leaf.points
    ]
    assert result.total == 0 and len(floor) == 1
    assert sum(leaf.points for leaf in leaves(result.explanation)) == pytest.approx(0, abs=0.01)


def test_the_score_records_its_methodology_and_inputs_hash() -> None:
    subject = _mixed()
    result = score(subject, RULES, AS_OF)
    assert (result.methodology_id, result.methodology_version) == ("hrd-sentinel-method", "1.0")
    assert result.methodology_hash == RULES.content_hash
    assert result.inputs_hash == inputs_hash(subject, RULES, AS_OF)


def test_the_inputs_hash_ignores_order_but_not_content() -> None:
    subject = _mixed()
    shuffled = replace(
        subject,
        evidence=tuple(reversed(subject.evidence)),
        questions=tuple(reversed(subject.questions)),
    )
    assert inputs_hash(shuffled, RULES, AS_OF) == inputs_hash(subject, RULES, AS_OF)
    assert inputs_hash(subject, RULES, date(2025, 7, 1)) != inputs_hash(subject, RULES, AS_OF)
    fewer = replace(subject, evidence=subject.evidence[1:])
    assert inputs_hash(fewer, RULES, AS_OF) != inputs_hash(subject, RULES, AS_OF)


def test_a_score_converts_to_plain_json() -> None:
    result = score(_mixed(), RULES, AS_OF)
    data = json.loads(json.dumps(dataclasses.asdict(result), default=str))
    assert data["tier"] == result.tier.value and data["as_of"] == "2025-06-30"
    assert data["explanation"]["children"][0]["children"][0]["source"] == {
        "kind": "section",
        "ref": "A",
    }
