"""The one place that reads the wall clock; everything else takes `now` as a parameter."""

from datetime import UTC, datetime


def now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)
