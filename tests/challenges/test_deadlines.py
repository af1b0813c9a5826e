"""The deadline rules, with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from compliance.challenges import deadlines
from compliance.challenges.deadlines import Clocks, DeadlinePolicy

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
RULES = DeadlinePolicy()


def test_windows_follow_the_design_defaults() -> None:
    assert RULES.acknowledge_by(T0) == T0 + timedelta(days=10)
    assert RULES.respond_by(T0) == T0 + timedelta(days=30)
    assert RULES.decide_by(T0) == T0 + timedelta(days=30)


def test_windows_are_configurable() -> None:
    config = {
        "CHALLENGE_ACKNOWLEDGE_DAYS": 5,
        "CHALLENGE_RESPONSE_DAYS": 14,
        "CHALLENGE_DECISION_DAYS": 21,
        "CHALLENGE_REMINDER_DAYS": 2,
    }
    rules = DeadlinePolicy.from_config(config)
    assert rules.acknowledge_by(T0) == T0 + timedelta(days=5)
    assert rules.respond_by(T0) == T0 + timedelta(days=14)
    assert rules.decide_by(T0) == T0 + timedelta(days=21)
    assert rules.approaching(T0 + timedelta(days=2), T0)
    assert not rules.approaching(T0 + timedelta(days=2, seconds=1), T0)


def test_a_response_is_missed_only_once_its_window_has_closed() -> None:
    clocks = Clocks("awaiting_response", T0, respond_by=T0 + timedelta(days=30), decide_by=None)
    assert not deadlines.response_missed(clocks, T0 + timedelta(days=30) - timedelta(seconds=1))
    assert deadlines.response_missed(clocks, T0 + timedelta(days=30))
    answered = Clocks("under_review", T0, respond_by=T0, decide_by=T0 + timedelta(days=30))
    assert not deadlines.response_missed(answered, T0 + timedelta(days=90))


def test_overdue_reviewer_steps_are_flagged() -> None:
    filed = Clocks("filed", T0 + timedelta(days=10), respond_by=None, decide_by=None)
    assert deadlines.overdue(filed, T0 + timedelta(days=9)) == []
    assert deadlines.overdue(filed, T0 + timedelta(days=10)) == [deadlines.ACKNOWLEDGEMENT]
    review = Clocks("under_review", T0, respond_by=T0, decide_by=T0 + timedelta(days=30))
    assert deadlines.overdue(review, T0 + timedelta(days=31)) == [deadlines.DECISION]
    done = Clocks("dismissed", T0, respond_by=T0, decide_by=T0)
    assert deadlines.overdue(done, T0 + timedelta(days=365)) == []


def test_reminders_fall_in_the_last_days_before_a_deadline() -> None:
    deadline = T0 + timedelta(days=30)
    assert not RULES.approaching(deadline, deadline - timedelta(days=3, seconds=1))
    assert RULES.approaching(deadline, deadline - timedelta(days=3))
    assert not RULES.approaching(deadline, deadline)
    assert not RULES.approaching(None, T0)


def test_next_deadline_follows_the_state() -> None:
    assert deadlines.next_deadline(Clocks("filed", T0, None, None)) == ("acknowledgement", T0)
    assert deadlines.next_deadline(Clocks("awaiting_response", T0, T0, None)) == ("response", T0)
    assert deadlines.next_deadline(Clocks("upheld", T0, T0, T0)) is None
