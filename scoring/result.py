"""What a score says: the total, sections, tier, caps, red flags, gaps, confidence and why.

Every type is a frozen dataclass of plain values, so a score converts to JSON with
`dataclasses.asdict` and the API mirrors it field for field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from scoring.facts import AnswerValue, EvidenceLevel, Link, Verification
from scoring.rules import Method, Tier


class IndicatorStatus(StrEnum):
    """Whether and how a question counts in the score."""

    SCORED = "scored"
    UNANSWERED = "unanswered"
    NOT_ASKED = "not_asked"
    NOT_APPLICABLE = "not_applicable"
    OUTSIDE_HIGH_RISK = "outside_high_risk"
    CONTEXT = "context"


COUNTED = frozenset({IndicatorStatus.SCORED, IndicatorStatus.UNANSWERED, IndicatorStatus.NOT_ASKED})


@dataclass(frozen=True)
class Source:
    """Where points come from: a question, an evidence item, an incident, a section or a rule."""

    kind: str
    ref: str


@dataclass(frozen=True)
class EvidenceUse:
    """An evidence item considered for an answer; `credited` marks the one whose level counts."""

    ref: str
    question_id: str | None
    level: EvidenceLevel
    credited: bool


@dataclass(frozen=True)
class IndicatorScore:
    """One question's points: `earned` of `max_points` in its section, and what it adds to the
    total (`contribution`) and would add at full credit (`full_credit_gain`), on the 0-100 scale.
    `multiplier` is the share of `base_points` earned; `answer_share` the part of it the answer
    earns without evidence. `evidence_level` is None where the answer needs no evidence or
    earns nothing."""

    question_id: str
    section_id: str
    method: Method
    status: IndicatorStatus
    answer: AnswerValue | None
    base_points: float
    evidence_level: EvidenceLevel | None
    multiplier: float
    answer_share: float
    earned: float
    max_points: float
    contribution: float
    full_credit_gain: float
    evidence: tuple[EvidenceUse, ...]
    note: str

    @property
    def counted(self) -> bool:
        return self.status in COUNTED


@dataclass(frozen=True)
class SectionScore:
    section_id: str
    weight: float
    effective_weight: float
    earned: float
    maximum: float
    percent: float
    contribution: float
    counted: int
    not_counted: int


@dataclass(frozen=True)
class IncidentScore:
    """How much one incident takes from the total: the allegation and the response, apart."""

    ref: str
    occurred_on: date
    attack_types: tuple[str, ...]
    most_severe: str
    severity: float
    verification: Verification
    verification_weight: float
    link: Link
    link_weight: float
    collective_multiplier: float
    age_years: float
    decay: float
    allegation_weight: float
    response_credit: float
    response_percent: float
    weight: float
    note: str


@dataclass(frozen=True)
class RedFlag:
    """A rule that fired; with `caps_tier` it limits the tier until `lifts_on` or its remedy."""

    id: str
    label: str
    caps_tier: Tier | None
    remedy: str
    sources: tuple[Source, ...]
    lifts_on: date | None


@dataclass(frozen=True)
class CapApplied:
    red_flag_id: str
    tier: Tier
    reason: str
    remedy: str
    lifts_on: date | None


@dataclass(frozen=True)
class DataGap:
    """A question without an answer; `counted` when it costs points."""

    question_id: str
    section_id: str
    kind: str
    counted: bool
    message: str


@dataclass(frozen=True)
class Confidence:
    level: str
    answered_share: float
    evidenced_share: float
    verified_share: float
    mandatory_answered: int
    mandatory_total: int


class IndicatorTask(StrEnum):
    """What an indicator short of full credit needs next."""

    ANSWER_HIDDEN = "answer_hidden"  # not asked with the current answers: change an earlier one
    ANSWER = "answer"
    STRENGTHEN = "strengthen"
    VERIFY = "verify"
    ATTACH_EVIDENCE = "attach_evidence"


@dataclass(frozen=True)
class TierStep:
    """One thing to do: lift a cap, improve an indicator or respond to an incident.

    `points` is what it adds to the total at full credit (0 for a cap that only time lifts).
    `action` says it in English; the other fields say it as data, for callers that word it
    themselves: an indicator's `task` and the option keys full credit needs (`options`, empty
    when it needs no given option), an incident's response parts not yet evidenced (`missing`).
    """

    kind: str
    ref: str
    action: str
    points: float
    lifts_on: date | None = None
    task: IndicatorTask | None = None
    options: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class TierPath:
    """The smallest set of steps found (greedy, caps first) that reaches the `target` tier."""

    target: Tier
    threshold: float
    steps: tuple[TierStep, ...]
    reachable: bool
    projected_total: float


@dataclass(frozen=True)
class Explanation:
    """A node of the explanation tree; leaves carrying points name a question, an evidence item
    or an incident, and the points of the leaves add up to the total."""

    label: str
    points: float
    source: Source | None = None
    children: tuple[Explanation, ...] = ()


@dataclass(frozen=True)
class Score:
    methodology_id: str
    methodology_version: str
    methodology_hash: str
    questionnaire: str
    as_of: date
    inputs_hash: str
    total: float
    practice: float
    incident_deduction: float
    tier: Tier
    tier_by_score: Tier
    sections: tuple[SectionScore, ...]
    indicators: tuple[IndicatorScore, ...]
    incidents: tuple[IncidentScore, ...]
    caps: tuple[CapApplied, ...]
    red_flags: tuple[RedFlag, ...]
    data_gaps: tuple[DataGap, ...]
    confidence: Confidence
    action_plan: tuple[TierStep, ...]
    next_tier: TierPath | None
    explanation: Explanation
