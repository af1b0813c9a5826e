"""Pure hashing and checking of the audit chain: no database, no clock."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class EventContent:
    """What an event's hash covers."""

    seq: int
    at: datetime
    actor_user_id: int | None
    actor_organisation_id: int | None
    action: str
    subject_type: str | None
    subject_id: str | None
    details: dict[str, Any]
    prev_hash: str


def event_hash(content: EventContent) -> str:
    """SHA-256 of the canonical JSON of the event's content, previous hash included."""
    payload = {
        "seq": content.seq,
        "at": content.at.isoformat(timespec="microseconds"),
        "actor_user_id": content.actor_user_id,
        "actor_organisation_id": content.actor_organisation_id,
        "action": content.action,
        "subject_type": content.subject_type,
        "subject_id": content.subject_id,
        "details": content.details,
        "prev_hash": content.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    problem: str


def first_break(
    events: Iterable[tuple[EventContent, str]], *, head_seq: int, head_hash: str
) -> ChainBreak | None:
    """The first event that was altered, removed or inserted, given events in `seq` order."""
    expected_seq, expected_prev = 1, GENESIS
    for content, stored_hash in events:
        if content.seq != expected_seq:
            return ChainBreak(expected_seq, f"event {expected_seq} is missing")
        if content.prev_hash != expected_prev:
            return ChainBreak(
                content.seq - 1,
                f"event {content.seq - 1} was altered: event {content.seq} recorded another hash",
            )
        if event_hash(content) != stored_hash:
            return ChainBreak(content.seq, f"event {content.seq} ({content.action}) was altered")
        expected_seq, expected_prev = content.seq + 1, stored_hash
    last_seq = expected_seq - 1
    if head_seq > last_seq:
        return ChainBreak(
            last_seq + 1, f"event {last_seq + 1} is missing (the chain head is at {head_seq})"
        )
    if head_seq < last_seq or head_hash != expected_prev:
        return ChainBreak(last_seq, f"the chain head does not match event {last_seq}")
    return None
