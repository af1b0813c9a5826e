"""The challenge deadlines as pure rules: when each window closes, what is overdue, what is
near. No database, no clock: callers pass `now`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

ACKNOWLEDGEMENT = "acknowledgement"
RESPONSE = "response"
DECISION = "decision"


@dataclass(frozen=True)
class DeadlinePolicy:
    acknowledge_days: int = 10
    respond_days: int = 30
    decide_days: int = 30
    reminder_days: int = 3

    @classmethod
    def from_config(cls, config: Any) -> DeadlinePolicy:
        return cls(
            acknowledge_days=int(config["CHALLENGE_ACKNOWLEDGE_DAYS"]),
            respond_days=int(config["CHALLENGE_RESPONSE_DAYS"]),
            decide_days=int(config["CHALLENGE_DECISION_DAYS"]),
            reminder_days=int(config["CHALLENGE_REMINDER_DAYS"]),
        )

    def acknowledge_by(self, filed_at: datetime) -> datetime:
        return filed_at + timedelta(days=self.acknowledge_days)

    def respond_by(self, acknowledged_at: datetime) -> datetime:
        return acknowledged_at + timedelta(days=self.respond_days)

    def decide_by(self, answered_at: datetime) -> datetime:
        """From the response, or from the end of a window the company let pass."""
        return answered_at + timedelta(days=self.decide_days)

    def approaching(self, deadline: datetime | None, now: datetime) -> bool:
        """Within `reminder_days` of a deadline that has not passed yet."""
        if deadline is None:
            return False
        return deadline - timedelta(days=self.reminder_days) <= now < deadline


@dataclass(frozen=True)
class Clocks:
    """The deadline-relevant facts of one challenge."""

    state: str
    acknowledge_by: datetime
    respond_by: datetime | None
    decide_by: datetime | None


def response_missed(clocks: Clocks, now: datetime) -> bool:
    """The company's window has closed without an answer."""
    return (
        clocks.state == "awaiting_response"
        and clocks.respond_by is not None
        and now >= clocks.respond_by
    )


def overdue(clocks: Clocks, now: datetime) -> list[str]:
    """The reviewers' deadlines that have passed: shown to reviewers and on the public tracker."""
    late = []
    if clocks.state == "filed" and now >= clocks.acknowledge_by:
        late.append(ACKNOWLEDGEMENT)
    if clocks.state == "under_review" and clocks.decide_by is not None and now >= clocks.decide_by:
        late.append(DECISION)
    return late


def next_deadline(clocks: Clocks) -> tuple[str, datetime] | None:
    """The deadline the current state runs against, if any."""
    if clocks.state == "filed":
        return ACKNOWLEDGEMENT, clocks.acknowledge_by
    if clocks.state == "awaiting_response" and clocks.respond_by is not None:
        return RESPONSE, clocks.respond_by
    if clocks.state == "under_review" and clocks.decide_by is not None:
        return DECISION, clocks.decide_by
    return None
