"""The job "portfolio.import": check a stored portfolio upload, store and resolve its holdings,
then start a screening run."""

from __future__ import annotations

from typing import Any

from flask import current_app

from compliance.accounts.actor import actor_of_user
from compliance.api.files import file_store
from compliance.clock import now
from compliance.errors import NotFound, Problem
from compliance.jobs.registry import JobContext, task
from compliance.phrases import Phrase
from compliance.portfolios import service as portfolio_service
from compliance.portfolios.models import Portfolio


@task(portfolio_service.JOB_KIND)
def import_portfolio(context: JobContext, *, portfolio_id: int, file_sha256: str) -> dict[str, Any]:
    """`file_sha256` names the upload for the record; the portfolio's current upload job
    decides whether this one is still wanted. The result says what became of the upload: ready
    (with the screening run started), invalid (problems and the fix-it workbook's address), or
    superseded by a newer upload; a file refused as a whole fails the job with the reason."""
    session = context.session
    portfolio = session.get(Portfolio, portfolio_id)
    if portfolio is None:
        raise NotFound(
            Phrase("Portfolio %(portfolio_id)s does not exist any more.", portfolio_id=portfolio_id)
        )
    try:
        return portfolio_service.import_upload(
            session=session,
            store=file_store(),
            portfolio=portfolio,
            job_id=context.job.id,
            actor=actor_of_user(context.session, context.job.created_by_id),
            settings=portfolio_service.PortfolioSettings.from_config(current_app.config),
            progress=context.report_progress,
            now=now(),
        )
    except Problem:
        session.commit()  # the refusal stays on the portfolio although the job fails
        raise
    except Exception:
        session.rollback()
        portfolio_service.abandon(
            session=session, portfolio_id=portfolio_id, job_id=context.job.id, now=now()
        )
        session.commit()
        raise
