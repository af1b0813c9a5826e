"""Timestamps as Verifiable Credentials write them: XML Schema dateTimeStamp in UTC."""

from __future__ import annotations

from datetime import UTC, datetime


class TimestampError(ValueError):
    """A timestamp without a timezone or not in the dateTimeStamp form."""


def to_datetime_stamp(moment: datetime) -> str:
    """``2026-03-01T12:00:00Z``: UTC, whole seconds, as `created` and `validFrom` expect."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TimestampError(f"{moment.isoformat()} has no timezone; pass an aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime_stamp(text: object) -> datetime:
    """Read a dateTimeStamp (an ISO 8601 date-time that carries its timezone)."""
    if not isinstance(text, str):
        raise TimestampError(f"{text!r} is not a date-time string such as 2026-03-01T12:00:00Z")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise TimestampError(f"{text!r} is not a date-time such as 2026-03-01T12:00:00Z") from error
    if moment.tzinfo is None or "T" not in text:
        raise TimestampError(
            f"{text!r} must be a full date-time with a timezone, such as a final Z"
        )
    return moment
