"""The scoring methodology as pure functions (standard library only).

`score(facts, rules, as_of)` turns an assessment's facts into a `Score`; the rules are the
published methodology file read by `default_rules()`.
"""

from scoring.canonical import canonical_json, sha256_hex
from scoring.engine import inputs_hash, score
from scoring.errors import FactsInvalid, NoRulesForQuestionnaire, RulesInvalid, ScoringError
from scoring.facts import (
    AssessmentFacts,
    EvidenceFacts,
    EvidenceLevel,
    IncidentFacts,
    IncidentResponse,
    Link,
    QuestionFacts,
    ResponseLevel,
    Verification,
)
from scoring.result import Score
from scoring.rules import Rules, Tier, default_rules, load_rules, parse_rules, rules_json

__all__ = [
    "AssessmentFacts",
    "EvidenceFacts",
    "EvidenceLevel",
    "FactsInvalid",
    "IncidentFacts",
    "IncidentResponse",
    "Link",
    "NoRulesForQuestionnaire",
    "QuestionFacts",
    "ResponseLevel",
    "Rules",
    "RulesInvalid",
    "Score",
    "ScoringError",
    "Tier",
    "Verification",
    "canonical_json",
    "default_rules",
    "inputs_hash",
    "load_rules",
    "parse_rules",
    "rules_json",
    "score",
    "sha256_hex",
]
