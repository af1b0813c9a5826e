"""The methodology as data: read the rules file, check it, and give it a content hash.

The JSON file is the published methodology; the same parsed `Rules` drive the scorer, the
methodology page and its PDF, so what is published cannot drift from what is computed. The
content hash is the SHA-256 of the file's canonical JSON (see `canonical`), so reformatting
the file keeps it and any change to a number or a text changes it.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from typing import Any

from scoring.canonical import sha256_hex
from scoring.errors import RulesInvalid
from scoring.facts import EvidenceLevel, Link, ResponseLevel, Verification

DEFAULT_RULES_FILE = "hrd-sentinel-method-1.0.json"
RESPONSE_STEPS = ("public_answer", "investigation", "remedy")


class Tier(StrEnum):
    NOT_CERTIFIED = "not_certified"
    CONDITIONAL = "conditional"
    CERTIFIED = "certified"
    CERTIFIED_LEADING = "certified_leading"


TIER_ORDER = tuple(Tier)


def tier_rank(tier: Tier) -> int:
    return TIER_ORDER.index(tier)


class Method(StrEnum):
    """How a question's answer becomes points."""

    YES_PARTLY_NO = "yes_partly_no"
    CHOICE = "choice"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMBER = "number"
    DATE = "date"
    URL = "url"
    CONTEXT = "context"


class WhenHidden(StrEnum):
    """What a question hidden by the questionnaire's conditions counts as."""

    NOT_APPLICABLE = "not_applicable"
    ZERO = "zero"


@dataclass(frozen=True)
class EvidenceLevelRule:
    level: EvidenceLevel
    multiplier: float
    label: str
    description: str


@dataclass(frozen=True)
class EvidenceRules:
    levels: Mapping[EvidenceLevel, EvidenceLevelRule]
    rationale: str

    def multiplier(self, level: EvidenceLevel) -> float:
        return self.levels[level].multiplier


@dataclass(frozen=True)
class MethodRule:
    method: Method
    label: str
    description: str
    rationale: str
    points: Mapping[str, float]


@dataclass(frozen=True)
class Principle:
    id: str
    title: str
    rule: str
    rationale: str


@dataclass(frozen=True)
class Band:
    """One band of a number or date rule; the first band that holds gives the points."""

    points: float
    at_most: float | None = None
    at_least: float | None = None
    within_years: float | None = None


@dataclass(frozen=True)
class IndicatorRule:
    """How one question is scored."""

    question_id: str
    method: Method
    points: Mapping[str, float | None]
    weights: Mapping[str, float]
    bands: tuple[Band, ...]
    when_hidden: WhenHidden
    evidence_from: tuple[str, ...]
    requires_evidence: bool
    no_evidence_needed: tuple[str, ...]
    rationale: str

    @property
    def scored(self) -> bool:
        return self.method is not Method.CONTEXT

    @property
    def evidence_questions(self) -> tuple[str, ...]:
        """The questions whose evidence supports this answer: its own first."""
        return (self.question_id, *self.evidence_from)


@dataclass(frozen=True)
class SectionRule:
    section_id: str
    weight: float
    rationale: str


@dataclass(frozen=True)
class QuestionnaireRules:
    """The rules for one questionnaire version, e.g. 'company/1'."""

    key: str
    title: str
    sections: tuple[SectionRule, ...]
    indicators: tuple[IndicatorRule, ...]

    def indicator(self, question_id: str) -> IndicatorRule | None:
        return next((i for i in self.indicators if i.question_id == question_id), None)


@dataclass(frozen=True)
class IncidentRules:
    severity: Mapping[str, float]
    severity_rationale: str
    collective_multiplier: float
    collective_rationale: str
    verification_weights: Mapping[Verification, float]
    verification_rationale: str
    link_weights: Mapping[Link, float]
    link_rationale: str
    half_life_years: float
    decay_rationale: str
    response_credit: Mapping[str, Mapping[ResponseLevel, float]]
    response_rationale: str

    @property
    def max_response_credit(self) -> float:
        return sum(max(levels.values(), default=0.0) for levels in self.response_credit.values())


@dataclass(frozen=True)
class RedFlagRule:
    """A condition shown as a red flag; with `caps_tier` it also limits the tier."""

    id: str
    label: str
    kind: str
    caps_tier: Tier | None
    remedy: str
    rationale: str
    questions: Mapping[str, str] = field(default_factory=dict)
    when: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    attack_types: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    verification: tuple[Verification, ...] = ()
    perpetrators: tuple[str, ...] = ()
    within_months: int = 0
    response: Mapping[str, tuple[ResponseLevel, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class TierRule:
    tier: Tier
    min_score: float
    label: str
    description: str


@dataclass(frozen=True)
class ConfidenceLevelRule:
    level: str
    answered_share: float
    evidenced_share: float
    verified_share: float


@dataclass(frozen=True)
class ConfidenceRules:
    levels: tuple[ConfidenceLevelRule, ...]
    rationale: str


@dataclass(frozen=True)
class Rules:
    """A published methodology version."""

    id: str
    version: str
    content_hash: str
    title: str
    summary: str
    max_points: float
    evidence: EvidenceRules
    methods: Mapping[Method, MethodRule]
    principles: tuple[Principle, ...]
    questionnaires: Mapping[str, QuestionnaireRules]
    incidents: IncidentRules
    red_flags: tuple[RedFlagRule, ...]
    tiers: tuple[TierRule, ...]
    tiers_rationale: str
    confidence: ConfidenceRules

    def tier(self, tier: Tier) -> TierRule:
        return next(rule for rule in self.tiers if rule.tier is tier)


# --- Reading and checking ------------------------------------------------------------------


class _Reader:
    """Typed access to one JSON object, naming the path in every error."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            raise RulesInvalid(f"{where}: expected an object")
        self.data: dict[str, Any] = data
        self.where = where

    def at(self, key: str) -> str:
        return f"{self.where}.{key}"

    def get(self, key: str, default: object = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise RulesInvalid(f"{self.at(key)}: missing")
            return default
        return self.data[key]

    def text(self, key: str, default: object = ...) -> str:
        value = self.get(key, default)
        if not isinstance(value, str) or (default is ... and not value.strip()):
            raise RulesInvalid(f"{self.at(key)}: expected a non-empty text")
        return value

    def number(self, key: str, *, low: float = 0.0, high: float = float("inf")) -> float:
        return _number(self.get(key), self.at(key), low=low, high=high)

    def child(self, key: str) -> _Reader:
        return _Reader(self.get(key), self.at(key))

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RulesInvalid(f"{self.at(key)}: expected a list of texts")
        return tuple(value)


def _number(value: object, where: str, *, low: float = 0.0, high: float = float("inf")) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RulesInvalid(f"{where}: expected a number")
    if not low <= value <= high:
        raise RulesInvalid(f"{where}: {value} is outside {low:g} to {high:g}")
    return float(value)


def _enum(enum: type[StrEnum], value: object, where: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise RulesInvalid(f"{where}: '{value}' is not one of {allowed}") from None


def parse_rules(data: object) -> Rules:
    """Check parsed JSON rules and turn them into `Rules`; raises RulesInvalid."""
    root = _Reader(data, "rules")
    max_points = root.number("indicator_max_points", low=1)
    evidence = _evidence(root.child("evidence"))
    methods = _methods(root.child("answer_methods"), max_points)
    questionnaires = {
        key: _questionnaire(key, _Reader(value, f"rules.questionnaires.{key}"), max_points)
        for key, value in root.child("questionnaires").data.items()
    }
    if not questionnaires:
        raise RulesInvalid("rules.questionnaires: at least one questionnaire is needed")
    tiers = _tiers(root)
    return Rules(
        id=root.text("id"),
        version=root.text("version"),
        content_hash=sha256_hex(data),
        title=root.text("title"),
        summary=root.text("summary"),
        max_points=max_points,
        evidence=evidence,
        methods=methods,
        principles=tuple(
            Principle(
                id=p.text("id"),
                title=p.text("title"),
                rule=p.text("rule"),
                rationale=p.text("rationale"),
            )
            for p in (
                _Reader(item, f"rules.principles[{n}]")
                for n, item in enumerate(root.get("principles"))
            )
        ),
        questionnaires=questionnaires,
        incidents=_incidents(root.child("incidents")),
        red_flags=tuple(
            _red_flag(_Reader(item, f"rules.red_flags[{n}]"), questionnaires)
            for n, item in enumerate(root.get("red_flags"))
        ),
        tiers=tiers,
        tiers_rationale=root.text("tiers_rationale"),
        confidence=_confidence(root.child("confidence")),
    )


def _evidence(reader: _Reader) -> EvidenceRules:
    levels_reader = reader.child("levels")
    levels = {}
    for level in EvidenceLevel:
        item = levels_reader.child(level.value)
        levels[level] = EvidenceLevelRule(
            level=level,
            multiplier=item.number("multiplier", high=1.0),
            label=item.text("label"),
            description=item.text("description"),
        )
    multipliers = [levels[level].multiplier for level in EvidenceLevel]
    if multipliers != sorted(multipliers) or multipliers[-1] != 1.0:
        raise RulesInvalid(
            f"{levels_reader.where}: multipliers must grow from self_declared to verified, "
            "and verified must earn 1.0"
        )
    return EvidenceRules(levels=levels, rationale=reader.text("rationale"))


def _methods(reader: _Reader, max_points: float) -> dict[Method, MethodRule]:
    methods = {}
    for method in Method:
        item = reader.child(method.value)
        points = {
            key: _number(value, f"{item.at('points')}.{key}", high=max_points)
            for key, value in item.get("points", {}).items()
        }
        methods[method] = MethodRule(
            method=method,
            label=item.text("label"),
            description=item.text("description"),
            rationale=item.text("rationale"),
            points=points,
        )
    if set(methods[Method.YES_PARTLY_NO].points) != {"yes", "partly", "no"}:
        raise RulesInvalid(
            f"{reader.at('yes_partly_no')}.points: give points for yes, partly and no"
        )
    return methods


def _questionnaire(key: str, reader: _Reader, max_points: float) -> QuestionnaireRules:
    sections = tuple(
        SectionRule(
            section_id=s.text("id"),
            weight=s.number("weight", high=100),
            rationale=s.text("rationale"),
        )
        for s in (
            _Reader(item, f"{reader.at('sections')}[{n}]")
            for n, item in enumerate(reader.get("sections"))
        )
    )
    ids = [s.section_id for s in sections]
    if len(set(ids)) != len(ids):
        raise RulesInvalid(f"{reader.at('sections')}: a section is listed twice")
    total = sum(s.weight for s in sections)
    if abs(total - 100) > 1e-9:
        raise RulesInvalid(f"{reader.at('sections')}: weights add up to {total:g}, not 100")
    indicators = tuple(
        _indicator(_Reader(item, f"{reader.at('indicators')}[{n}]"), max_points)
        for n, item in enumerate(reader.get("indicators"))
    )
    question_ids = [i.question_id for i in indicators]
    duplicates = sorted({q for q in question_ids if question_ids.count(q) > 1})
    if duplicates:
        raise RulesInvalid(f"{reader.at('indicators')}: listed twice: {', '.join(duplicates)}")
    for indicator in indicators:
        unknown = sorted(set(indicator.evidence_from) - set(question_ids))
        if unknown:
            raise RulesInvalid(
                f"{reader.at('indicators')}.{indicator.question_id}.evidence_from: unknown "
                f"questions {', '.join(unknown)}"
            )
    return QuestionnaireRules(
        key=key, title=reader.text("title"), sections=sections, indicators=indicators
    )


def _indicator(reader: _Reader, max_points: float) -> IndicatorRule:
    method = _enum(Method, reader.get("method"), reader.at("method"))
    points: dict[str, float | None] = {}
    for key, value in reader.get("points", {}).items():
        where = f"{reader.at('points')}.{key}"
        points[key] = None if value is None else _number(value, where, high=max_points)
    weights = {
        key: _number(value, f"{reader.at('weights')}.{key}", high=max_points)
        for key, value in reader.get("weights", {}).items()
    }
    bands = tuple(
        Band(
            points=b.number("points", high=max_points),
            at_most=b.number("at_most", low=float("-inf")) if "at_most" in b.data else None,
            at_least=b.number("at_least", low=float("-inf")) if "at_least" in b.data else None,
            within_years=b.number("within_years") if "within_years" in b.data else None,
        )
        for b in (
            _Reader(item, f"{reader.at('bands')}[{n}]")
            for n, item in enumerate(reader.get("bands", []))
        )
    )
    needs = {
        Method.CHOICE: bool(points),
        Method.MULTIPLE_CHOICE: bool(weights),
        Method.NUMBER: bool(bands)
        and all((b.at_most is None) != (b.at_least is None) for b in bands),
        Method.DATE: bool(bands) and all(b.within_years is not None for b in bands),
    }
    if not needs.get(method, True):
        raise RulesInvalid(
            f"{reader.where}: a {method} rule needs "
            + {
                Method.CHOICE: "points per choice",
                Method.MULTIPLE_CHOICE: "weights per choice",
                Method.NUMBER: "bands, each with at_most or at_least",
                Method.DATE: "bands, each with within_years",
            }[method]
        )
    return IndicatorRule(
        question_id=reader.text("question"),
        method=method,
        points=points,
        weights=weights,
        bands=bands,
        when_hidden=_enum(
            WhenHidden, reader.get("when_hidden", "not_applicable"), reader.at("when_hidden")
        ),
        evidence_from=reader.texts("evidence_from"),
        requires_evidence=bool(reader.get("requires_evidence", False)),
        no_evidence_needed=reader.texts("no_evidence_needed"),
        rationale=reader.text("rationale", ""),
    )


def _incidents(reader: _Reader) -> IncidentRules:
    severity = {
        key: _number(value, f"{reader.at('severity')}.{key}", high=100)
        for key, value in reader.child("severity").data.items()
    }
    if "other" not in severity:
        raise RulesInvalid(f"{reader.at('severity')}: give a severity for 'other'")
    verification = reader.child("verification_weights")
    links = reader.child("link_weights")
    credit_reader = reader.child("response_credit")
    response_credit = {}
    for step in RESPONSE_STEPS:
        levels = credit_reader.child(step)
        response_credit[step] = {
            ResponseLevel.NONE: 0.0,
            **{
                _enum(ResponseLevel, level, levels.at(level)): _number(
                    value, levels.at(level), high=1.0
                )
                for level, value in levels.data.items()
            },
        }
    rules = IncidentRules(
        severity=severity,
        severity_rationale=reader.text("severity_rationale"),
        collective_multiplier=reader.number("collective_multiplier", low=1.0),
        collective_rationale=reader.text("collective_rationale"),
        verification_weights={v: verification.number(v.value, high=1.0) for v in Verification},
        verification_rationale=reader.text("verification_rationale"),
        link_weights={link: links.number(link.value, high=1.0) for link in Link},
        link_rationale=reader.text("link_rationale"),
        half_life_years=reader.number("half_life_years", low=0.01),
        decay_rationale=reader.text("decay_rationale"),
        response_credit=response_credit,
        response_rationale=reader.text("response_rationale"),
    )
    if rules.max_response_credit >= 1.0:
        raise RulesInvalid(
            f"{reader.at('response_credit')}: a complete response must leave some weight "
            "(credits add up to 1 or more)"
        )
    return rules


def _red_flag(reader: _Reader, questionnaires: Mapping[str, QuestionnaireRules]) -> RedFlagRule:
    kind = reader.text("kind")
    caps = reader.get("caps_tier")
    common = {
        "id": reader.text("id"),
        "label": reader.text("label"),
        "kind": kind,
        "caps_tier": None if caps is None else _enum(Tier, caps, reader.at("caps_tier")),
        "remedy": reader.text("remedy"),
        "rationale": reader.text("rationale"),
    }
    if kind == "answer":
        questions = reader.child("questions").data
        for key, question_id in questions.items():
            rules = questionnaires.get(key)
            if rules is None or rules.indicator(question_id) is None:
                raise RulesInvalid(f"{reader.at('questions')}: {key} has no question {question_id}")
        when, unless = reader.texts("when"), reader.texts("unless")
        if bool(when) == bool(unless):
            raise RulesInvalid(f"{reader.where}: give either 'when' or 'unless' answers")
        return RedFlagRule(**common, questions=dict(questions), when=when, unless=unless)
    if kind == "incident":
        response = reader.child("response")
        return RedFlagRule(
            **common,
            attack_types=reader.texts("attack_types"),
            links=tuple(_enum(Link, v, reader.at("links")) for v in reader.texts("links")),
            verification=tuple(
                _enum(Verification, v, reader.at("verification"))
                for v in reader.texts("verification")
            ),
            perpetrators=reader.texts("perpetrators"),
            within_months=int(reader.number("within_months", low=1, high=1200)),
            response={
                _step(step, response.at(step)): tuple(
                    _enum(ResponseLevel, v, response.at(step)) for v in response.texts(step)
                )
                for step in response.data
            },
        )
    raise RulesInvalid(f"{reader.at('kind')}: '{kind}' is not 'answer' or 'incident'")


def _step(step: str, where: str) -> str:
    if step not in RESPONSE_STEPS:
        raise RulesInvalid(f"{where}: not a response step ({', '.join(RESPONSE_STEPS)})")
    return step


def _tiers(root: _Reader) -> tuple[TierRule, ...]:
    tiers = tuple(
        TierRule(
            tier=_enum(Tier, t.get("tier"), t.at("tier")),
            min_score=t.number("min_score", high=100),
            label=t.text("label"),
            description=t.text("description"),
        )
        for t in (_Reader(item, f"rules.tiers[{n}]") for n, item in enumerate(root.get("tiers")))
    )
    if tuple(t.tier for t in tiers) != TIER_ORDER:
        raise RulesInvalid(f"rules.tiers: list the tiers in order: {', '.join(TIER_ORDER)}")
    thresholds = [t.min_score for t in tiers]
    if thresholds[0] != 0 or any(a >= b for a, b in itertools.pairwise(thresholds)):
        raise RulesInvalid("rules.tiers: thresholds must start at 0 and grow strictly")
    return tiers


def _confidence(reader: _Reader) -> ConfidenceRules:
    levels = tuple(
        ConfidenceLevelRule(
            level=c.text("level"),
            answered_share=c.number("answered_share", high=1.0),
            evidenced_share=c.number("evidenced_share", high=1.0),
            verified_share=c.number("verified_share", high=1.0),
        )
        for c in (
            _Reader(item, f"{reader.at('levels')}[{n}]")
            for n, item in enumerate(reader.get("levels"))
        )
    )
    return ConfidenceRules(levels=levels, rationale=reader.text("rationale"))


def rules_json(name: str = DEFAULT_RULES_FILE) -> bytes:
    """The published rules file, byte for byte (what the methodology page offers to download)."""
    return resources.files("scoring").joinpath(name).read_bytes()


def load_rules(name: str = DEFAULT_RULES_FILE) -> Rules:
    """Read and check a rules file shipped with the package."""
    try:
        data = json.loads(rules_json(name))
    except ValueError as exc:
        raise RulesInvalid(f"{name}: not valid JSON ({exc})") from exc
    return parse_rules(data)


@functools.cache
def default_rules() -> Rules:
    """The current methodology (read once per process)."""
    return load_rules()
