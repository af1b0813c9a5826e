"""The methodology file: canonical hashing, checks on load, and the choices it must encode."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest

from scoring import RulesInvalid, canonical_json, parse_rules, rules_json, sha256_hex
from scoring.facts import EvidenceLevel
from scoring.rules import Tier
from tests.scoring.builders import RULES


def test_canonical_json_sorts_keys_drops_whitespace_and_keeps_text() -> None:
    assert canonical_json({"b": [1, 2.5], "a": "défenseur"}) == '{"a":"défenseur","b":[1,2.5]}'


def test_canonical_json_refuses_nan() -> None:
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def test_sha256_is_of_the_utf8_canonical_text() -> None:
    value = {"z": 1, "a": ["é"]}
    expected = hashlib.sha256('{"a":["é"],"z":1}'.encode()).hexdigest()
    assert sha256_hex(value) == expected


def test_content_hash_is_the_hash_of_the_published_file_whatever_its_layout() -> None:
    data = json.loads(rules_json())
    assert RULES.content_hash == sha256_hex(data)
    reformatted = json.loads(json.dumps(data, indent=7))
    assert parse_rules(reformatted).content_hash == RULES.content_hash
    assert RULES.id == "hrd-sentinel-method" and RULES.version == "1.0"


def test_changing_any_number_changes_the_hash() -> None:
    data = json.loads(rules_json())
    data["incidents"]["half_life_years"] = 3
    assert parse_rules(data).content_hash != RULES.content_hash


def _broken(change) -> str:
    data = copy.deepcopy(json.loads(rules_json()))
    change(data)
    with pytest.raises(RulesInvalid) as caught:
        parse_rules(data)
    return str(caught.value)


def test_section_weights_must_add_up_to_100() -> None:
    message = _broken(lambda d: d["questionnaires"]["company/1"]["sections"][0].update(weight=11))
    assert "company/1" in message and "101" in message


def test_tiers_must_be_in_order_with_growing_thresholds() -> None:
    assert "grow strictly" in _broken(lambda d: d["tiers"][2].update(min_score=40))


def test_unknown_method_is_named() -> None:
    message = _broken(
        lambda d: d["questionnaires"]["company/1"]["indicators"][0].update(method="vibes")
    )
    assert "'vibes' is not one of" in message


def test_evidence_must_earn_more_as_it_gets_stronger() -> None:
    message = _broken(lambda d: d["evidence"]["levels"]["documented"].update(multiplier=0.1))
    assert "multipliers must grow" in message


def test_a_complete_response_can_never_erase_an_incident() -> None:
    message = _broken(lambda d: d["incidents"]["response_credit"]["remedy"].update(evidenced=0.7))
    assert "must leave some weight" in message


def test_red_flags_name_real_questions() -> None:
    message = _broken(lambda d: d["red_flags"][4]["questions"].update({"company/1": "Z9"}))
    assert "no question Z9" in message


def test_evidence_multipliers_reward_evidence_and_verification() -> None:
    multipliers = [RULES.evidence.multiplier(level) for level in EvidenceLevel]
    assert multipliers == [0.25, 0.75, 1.0]


def test_severity_follows_the_order_of_harm() -> None:
    order = [
        "killing",
        "physical_violence",
        "arbitrary_detention",
        "judicial_harassment",
        "death_threat",
        "surveillance",
        "smear_campaign",
        "other",
    ]
    severity = RULES.incidents.severity
    assert [severity[t] for t in order] == sorted((severity[t] for t in order), reverse=True)
    assert severity["enforced_disappearance"] == severity["killing"]
    assert severity["sexual_violence"] >= severity["arbitrary_detention"]


def test_company_weights_favour_practice_and_remedy_over_policy() -> None:
    weights = {s.section_id: s.weight for s in RULES.questionnaires["company/1"].sections}
    assert weights["A"] < weights["B"] <= weights["E"] and weights["E"] == max(weights.values())
    fi = {s.section_id: s.weight for s in RULES.questionnaires["financial_institution/1"].sections}
    assert set(fi) == set("ABEFG") and fi["G"] == max(fi.values())


def test_every_rule_says_why() -> None:
    texts = [RULES.evidence.rationale, RULES.tiers_rationale, RULES.confidence.rationale]
    texts += [m.rationale for m in RULES.methods.values()]
    texts += [p.rationale for p in RULES.principles]
    texts += [flag.rationale for flag in RULES.red_flags]
    for qrules in RULES.questionnaires.values():
        texts += [s.rationale for s in qrules.sections]
        texts += [
            i.rationale
            for i in qrules.indicators
            if i.method.value not in ("yes_partly_no",) or i.when_hidden.value != "not_applicable"
        ]
    assert all(len(text) > 40 for text in texts)


def test_tiers_are_the_four_published_ones() -> None:
    assert [(t.tier, t.min_score) for t in RULES.tiers] == [
        (Tier.NOT_CERTIFIED, 0),
        (Tier.CONDITIONAL, 40),
        (Tier.CERTIFIED, 60),
        (Tier.CERTIFIED_LEADING, 80),
    ]
