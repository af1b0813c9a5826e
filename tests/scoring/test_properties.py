"""Properties the methodology promises, checked on generated assessments (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaires.model import AnswerType, Question
from questionnaires.registry import default_registry
from scoring import (
    EvidenceFacts,
    EvidenceLevel,
    IncidentFacts,
    IncidentResponse,
    Link,
    ResponseLevel,
    Verification,
    score,
)
from scoring.rules import tier_rank
from tests.scoring.builders import AS_OF, RULES, facts

FAST = settings(max_examples=60, deadline=None)
KEYS = ("company", "financial_institution")
ATTACKS = (*RULES.incidents.severity, "unheard_of")


def _answer(question: Question) -> st.SearchStrategy:
    match question.type:
        case AnswerType.YES_PARTLY_NO | AnswerType.SINGLE_CHOICE:
            return st.sampled_from(question.choice_keys)
        case AnswerType.MULTIPLE_CHOICE:
            return st.lists(st.sampled_from(question.choice_keys), min_size=1, unique=True)
        case AnswerType.NUMBER:
            return st.integers(int(question.minimum or 0), int(question.maximum or 1000))
        case AnswerType.DATE:
            return st.dates(date(2010, 1, 1), date(2026, 12, 31)).map(date.isoformat)
        case AnswerType.URL:
            return st.just("https://example.org/report")
        case AnswerType.FILE:
            return st.just("EV1")
        case _:
            return st.just("Some text.")


@st.composite
def answers(draw, key: str) -> dict:
    definition = default_registry().get(key)
    given_answers = {}
    for question in definition.questions:
        if draw(st.booleans()) or draw(st.booleans()):
            given_answers[question.id] = draw(_answer(question))
    return given_answers


responses = st.builds(
    IncidentResponse,
    public_answer=st.sampled_from(ResponseLevel),
    investigation=st.sampled_from(ResponseLevel),
    remedy=st.sampled_from(ResponseLevel),
)

incidents = st.builds(
    IncidentFacts,
    ref=st.text("ABCDEF0123456789", min_size=4, max_size=4).map(lambda s: f"INC-{s}"),
    occurred_on=st.dates(date(2015, 1, 1), date(2026, 6, 30)),
    attack_types=st.lists(st.sampled_from(ATTACKS), max_size=3, unique=True).map(tuple),
    verification=st.sampled_from(Verification),
    link=st.sampled_from(Link),
    perpetrator=st.sampled_from(["unknown", "company", "police"]),
    collective_targeted=st.booleans(),
    response=responses,
)

levels = st.sampled_from([EvidenceLevel.DOCUMENTED, EvidenceLevel.VERIFIED])


@st.composite
def assessments(draw):
    key = draw(st.sampled_from(KEYS))
    given_answers = draw(answers(key))
    question_ids = [q.id for q in default_registry().get(key).questions]
    evidence = [
        EvidenceFacts(f"EV{n}", draw(st.sampled_from([*question_ids, None])), draw(levels))
        for n in range(draw(st.integers(0, 12)))
    ]
    return facts(
        given_answers,
        key=key,
        high_risk=draw(st.booleans()),
        evidence=evidence,
        incidents=draw(st.lists(incidents, max_size=3, unique_by=lambda i: i.ref)),
    )


as_of_dates = st.dates(date(2024, 1, 1), date(2027, 12, 31))


@FAST
@given(assessments(), as_of_dates)
def test_the_score_stays_between_0_and_100(subject, as_of) -> None:
    result = score(subject, RULES, as_of)
    assert 0 <= result.total <= 100
    assert all(0 <= s.percent <= 100 for s in result.sections)


@FAST
@given(assessments(), st.data())
def test_adding_evidence_never_lowers_the_score(subject, data) -> None:
    question = data.draw(st.sampled_from([q.question_id for q in subject.questions]))
    more = replace(
        subject,
        evidence=(*subject.evidence, EvidenceFacts("EV-new", question, data.draw(levels))),
    )
    before, after = score(subject, RULES, AS_OF), score(more, RULES, AS_OF)
    assert after.total >= before.total
    assert tier_rank(after.tier) >= tier_rank(before.tier)


@FAST
@given(assessments(), incidents)
def test_adding_a_confirmed_incident_never_raises_the_score(subject, new) -> None:
    confirmed = replace(new, ref="INC-NEW", verification=Verification.VERIFIED)
    worse = replace(subject, incidents=(*subject.incidents, confirmed))
    before, after = score(subject, RULES, AS_OF), score(worse, RULES, AS_OF)
    assert after.total <= before.total
    assert tier_rank(after.tier) <= tier_rank(before.tier)


@FAST
@given(assessments(), incidents, st.integers(1, 3000))
def test_an_older_incident_never_weighs_more_than_the_same_one_newer(subject, new, days) -> None:
    newer = replace(subject, incidents=(new,))
    older = replace(
        subject, incidents=(replace(new, occurred_on=new.occurred_on - timedelta(days)),)
    )
    newer_score, older_score = score(newer, RULES, AS_OF), score(older, RULES, AS_OF)
    assert older_score.incident_deduction <= newer_score.incident_deduction
    assert older_score.total >= newer_score.total


@FAST
@given(assessments(), as_of_dates)
def test_the_same_inputs_always_give_the_same_score_and_hash(subject, as_of) -> None:
    first, second = score(subject, RULES, as_of), score(replace(subject), RULES, as_of)
    assert first == second
    assert len(first.inputs_hash) == 64
