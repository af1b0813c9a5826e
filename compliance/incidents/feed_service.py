"""Registering incident feeds, finding the ones due, fetching one through the import path.

A fetch either imports the whole body (all or nothing, like a file) or records why it did not
on the feed: `last_error`, `last_attempt_at`, `consecutive_failures`. What was imported before
is never touched by a failing fetch, and the ETag is only kept once a body was imported, so a
refused body is fetched again next time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from compliance.accounts.actor import Actor
from compliance.audit import service as audit
from compliance.errors import Conflict, InvalidInput, NotFound, ProblemDetail
from compliance.incidents import imports
from compliance.incidents.feeds import FeedClient, FeedError, FeedPolicy, check_url
from compliance.incidents.models import FeedCreate, ImportReport, ImportStatus, IncidentFeed
from compliance.incidents.reading import FileFormat
from compliance.phrases import Phrase


@dataclass
class FeedOutcome:
    feed_id: int
    status: str  # "imported", "not_modified" or "failed"
    error: str | None = None
    import_id: int | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def register(
    *, session: Session, feed_in: FeedCreate, actor: Actor, feed_policy: FeedPolicy, now: datetime
) -> IncidentFeed:
    """A new feed; its URL and mapping are checked now so that mistakes show at once."""
    file_format = FileFormat(str(feed_in.file_format))
    mapping = imports.resolve_mapping(file_format, feed_in.mapping)
    try:
        check_url(
            feed_in.url,
            allow_private=feed_policy.allow_private,
            allowed_networks=feed_policy.allowed_networks,
        )
    except FeedError as exc:
        raise InvalidInput(
            exc.detail, errors=[ProblemDetail(pointer="/url", detail=exc.detail)]
        ) from exc
    if session.exec(select(IncidentFeed).where(IncidentFeed.name == feed_in.name)).first():
        raise Conflict(
            Phrase(
                "A feed called %(name)s exists already; choose another name.",
                name=repr(feed_in.name),
            )
        )
    feed = IncidentFeed(
        name=feed_in.name,
        url=feed_in.url,
        file_format=feed_in.file_format,
        mapping=None if feed_in.mapping is None else mapping.model_dump(mode="json"),
        interval_minutes=feed_in.interval_minutes,
        created_by_id=actor.id,
        created_at=now,
    )
    session.add(feed)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="incident_feed.registered",
        subject=feed,
        details={"format": str(feed.file_format), "interval_minutes": feed.interval_minutes},
        now=now,
    )
    return feed


def get(*, session: Session, feed_id: int) -> IncidentFeed:
    feed = session.get(IncidentFeed, feed_id)
    if feed is None:
        raise NotFound(Phrase("There is no incident feed %(feed_id)s.", feed_id=feed_id))
    return feed


def list_all(*, session: Session) -> list[IncidentFeed]:
    return list(session.exec(select(IncidentFeed).order_by(IncidentFeed.id)))


def due(*, session: Session, now: datetime) -> list[IncidentFeed]:
    """Active feeds never fetched, or last tried at least their interval ago."""
    feeds = session.exec(select(IncidentFeed).where(IncidentFeed.active.is_(True))).all()
    return [
        feed
        for feed in feeds
        if feed.last_attempt_at is None
        or feed.last_attempt_at + timedelta(minutes=feed.interval_minutes) <= now
    ]


def record_failure(*, session: Session, feed_id: int, error: str, now: datetime) -> None:
    """Note a failed fetch on the feed (in its own statement: nothing else is touched)."""
    session.execute(
        sa.update(IncidentFeed)
        .where(IncidentFeed.id == feed_id)
        .values(
            last_attempt_at=now,
            last_error=error[:2000],
            consecutive_failures=IncidentFeed.consecutive_failures + 1,
        )
    )


def fetch(
    *,
    session: Session,
    feed: IncidentFeed,
    client: FeedClient,
    limits: imports.ImportLimits,
    now: datetime,
) -> FeedOutcome:
    """Fetch one feed and import its body; failures are recorded on the feed, not raised."""
    try:
        response = client.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
    except FeedError as exc:
        record_failure(session=session, feed_id=feed.id, error=exc.detail, now=now)
        return FeedOutcome(feed.id, "failed", error=exc.detail)
    if response.not_modified:
        _succeeded(feed, now)
        session.add(feed)
        return FeedOutcome(feed.id, "not_modified")
    file_format = FileFormat(str(feed.file_format))
    mapping = imports.resolve_mapping(file_format, feed.mapping)
    result = imports.import_file(
        session=session,
        data=response.body,
        file_format=file_format,
        mapping=mapping,
        created_by=None,
        limits=limits,
        now=now,
        feed_id=feed.id,
    )
    report = result.report
    if report.status is not ImportStatus.imported:
        error = _refusal(report)
        record_failure(session=session, feed_id=feed.id, error=error, now=now)
        return FeedOutcome(feed.id, "failed", error=error, import_id=report.import_id)
    _succeeded(feed, now)
    feed.etag, feed.last_modified = response.etag, response.last_modified
    session.add(feed)
    return FeedOutcome(
        feed.id,
        "imported",
        import_id=report.import_id,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
    )


def _refusal(report: ImportReport) -> Phrase:
    """Why the feed's body imported nothing: how many problems, and the first of them."""
    first = report.problems[0]
    if first.row is None:
        return Phrase(
            "The feed's content was refused (%(count)s problem(s); import %(import_id)s): "
            "%(problem)s",
            count=report.problems_total,
            import_id=report.import_id,
            problem=first.problem,
        )
    return Phrase(
        "The feed's content was refused (%(count)s problem(s); import %(import_id)s): "
        "row %(row)s: %(problem)s",
        count=report.problems_total,
        import_id=report.import_id,
        row=first.row,
        problem=first.problem,
    )


def _succeeded(feed: IncidentFeed, now: datetime) -> None:
    feed.last_attempt_at = feed.last_success_at = now
    feed.last_error = None
    feed.consecutive_failures = 0
