"""Screening runs of a portfolio: starting one (a "portfolio.screen" job) and finding the latest.

A run is numbered per portfolio (1, 2, ...) and points at the last run that succeeded before it,
so the run's job can say what changed since then.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm
from sqlmodel import Session, select

from compliance.accounts.models import User
from compliance.audit import service as audit
from compliance.errors import Conflict, NotFound
from compliance.jobs import service as job_service
from compliance.phrases import Phrase
from compliance.portfolios.models import Portfolio, PortfolioRun, PortfolioStatus, RunStatus
from reports.i18n import LOCALES

DEFAULT_LANGUAGE = "en"

SCREEN = "portfolio.screen"


def briefing_language(
    *, session: Session, requested_by_id: int | None, asked: str | None = None
) -> str:
    """The language of a run's PDF and workbook: the requester's saved language, else the one
    their request was made in (`asked`: the page language, Accept-Language), else English."""
    user = session.get(User, requested_by_id) if requested_by_id is not None else None
    for candidate in (user.language if user else None, asked):
        if candidate in LOCALES:
            return candidate
    return DEFAULT_LANGUAGE


def start(
    *,
    session: Session,
    portfolio: Portfolio,
    requested_by_id: int | None,
    language: str | None = None,
) -> PortfolioRun:
    """Create the next run of `portfolio` and enqueue its job (dispatched after commit); its
    briefing is written in `briefing_language` (the job's `language`)."""
    last_number = session.exec(
        select(sa.func.max(PortfolioRun.number)).where(PortfolioRun.portfolio_id == portfolio.id)
    ).one()
    previous = latest(session=session, portfolio_id=portfolio.id)
    run = PortfolioRun(
        portfolio_id=portfolio.id,
        number=(last_number or 0) + 1,
        status=RunStatus.queued,
        previous_run_id=previous.id if previous is not None else None,
        requested_by_id=requested_by_id,
    )
    session.add(run)
    session.flush()
    job = job_service.enqueue(
        session=session,
        kind=SCREEN,
        params={
            "run_id": run.id,
            "language": briefing_language(
                session=session, requested_by_id=requested_by_id, asked=language
            ),
        },
        organisation_id=portfolio.organisation_id,
        created_by_id=requested_by_id,
    )
    run.job_id = job.id
    session.add(run)
    session.flush()
    return run


def _light():
    """Load a run without its (large) results and changes until they are read."""
    return (sa.orm.defer(PortfolioRun.results), sa.orm.defer(PortfolioRun.changes))


def latest(*, session: Session, portfolio_id: int) -> PortfolioRun | None:
    """The portfolio's most recent run that succeeded, or None."""
    return session.exec(
        select(PortfolioRun)
        .options(*_light())
        .where(
            PortfolioRun.portfolio_id == portfolio_id,
            PortfolioRun.status == RunStatus.succeeded,
        )
        .order_by(PortfolioRun.number.desc())
        .limit(1)
    ).first()


def newest(*, session: Session, portfolio_id: int) -> PortfolioRun | None:
    """The portfolio's most recent run whatever its status (queued, running, failed...)."""
    return session.exec(
        select(PortfolioRun)
        .options(*_light())
        .where(PortfolioRun.portfolio_id == portfolio_id)
        .order_by(PortfolioRun.number.desc())
        .limit(1)
    ).first()


def by_number(*, session: Session, portfolio_id: int, number: int) -> PortfolioRun | None:
    return session.exec(
        select(PortfolioRun)
        .options(*_light())
        .where(PortfolioRun.portfolio_id == portfolio_id, PortfolioRun.number == number)
    ).first()


def start_screening(
    *, session: Session, portfolio: Portfolio, actor, language: str | None = None
) -> PortfolioRun:
    """Screen the portfolio again, when its holdings are stored and no run is waiting;
    `language` is the request's, for a requester with no saved language."""
    if portfolio.status is not PortfolioStatus.ready:
        raise Conflict(
            Phrase(
                "Portfolio %(portfolio_id)s is %(status)s: upload a valid file before "
                "screening it.",
                portfolio_id=portfolio.id,
                status=portfolio.status,
            )
        )
    pending = newest(session=session, portfolio_id=portfolio.id)
    if pending is not None and pending.status in (RunStatus.queued, RunStatus.running):
        raise Conflict(
            Phrase(
                "Run %(number)s of this portfolio has not finished yet; follow it at "
                "/api/v1/jobs/%(job_id)s.",
                number=pending.number,
                job_id=pending.job_id,
            )
        )
    run = start(session=session, portfolio=portfolio, requested_by_id=actor.id, language=language)
    audit.record(
        session=session,
        actor=actor,
        action="portfolio.screening_started",
        subject=portfolio,
        details={"run": run.number, "job_id": run.job_id},
    )
    return run


class BriefingNotReady(Conflict):
    """No finished briefing to serve (yet): the run is queued, running or failed."""


def finished_run(*, session: Session, portfolio: Portfolio, number: int | None) -> PortfolioRun:
    """The run whose briefing to serve: run `number`, or the latest that succeeded."""
    if number is None:
        run = latest(session=session, portfolio_id=portfolio.id)
        if run is None:
            pending = newest(session=session, portfolio_id=portfolio.id)
            if pending is not None and pending.status in (RunStatus.queued, RunStatus.running):
                raise BriefingNotReady(
                    Phrase(
                        "The first screening of this portfolio is still running; follow it at "
                        "/api/v1/jobs/%(job_id)s.",
                        job_id=pending.job_id,
                    )
                )
            raise BriefingNotReady(
                Phrase(
                    "This portfolio has no finished screening yet: start one with "
                    "POST /api/v1/portfolios/%(portfolio_id)s/screenings.",
                    portfolio_id=portfolio.id,
                )
            )
        return run
    run = by_number(session=session, portfolio_id=portfolio.id, number=number)
    if run is None:
        raise NotFound(
            Phrase(
                "Portfolio %(portfolio_id)s has no run %(number)s.",
                portfolio_id=portfolio.id,
                number=number,
            )
        )
    if run.status is RunStatus.failed:
        raise BriefingNotReady(
            Phrase(
                "Run %(number)s failed (%(error)s); start a new screening.",
                number=number,
                error=run.error or Phrase("no detail"),
            )
        )
    if run.status is not RunStatus.succeeded:
        raise BriefingNotReady(
            Phrase(
                "Run %(number)s is still %(status)s; follow it at /api/v1/jobs/%(job_id)s.",
                number=number,
                status=run.status,
                job_id=run.job_id,
            )
        )
    return run
