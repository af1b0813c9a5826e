"""Screening runs of a portfolio and their briefings (JSON, xlsx, PDF).

Briefings are rendered by the run's job and stored; these views only serve stored bytes.
"""

from __future__ import annotations

from flask import Response, current_app, request
from pydantic import BaseModel, Field

from compliance import db
from compliance.accounts.actor import current_actor
from compliance.api import accepted, blueprint, respond
from compliance.api.files import XLSX, download
from compliance.errors import ProblemModel, ServiceUnavailable
from compliance.pagination import QueryModel
from compliance.phrases import Phrase
from compliance.portfolios import runs
from compliance.portfolios import service as portfolio_service
from compliance.portfolios.briefing import Briefing
from compliance.portfolios.run_tasks import stored_briefing
from compliance.storage import FileStore
from reports.i18n import LOCALES

bp = blueprint(
    "api_briefings",
    __name__,
    tag="Portfolio briefings",
    description="Screening runs of an investor's portfolio and the briefings they produce",
)


class PortfolioPath(BaseModel):
    portfolio_id: int = Field(ge=1, le=2**63 - 1)


class RunQuery(QueryModel):
    run: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="A run number; the latest finished if unset"
    )


class ScreeningQueued(BaseModel):
    portfolio_id: int
    run: int = Field(description="The new run's number")
    job_id: str
    status_url: str


class BriefingFileMissing(ServiceUnavailable):
    """The stored file is gone (lost storage); briefings are never rendered on request."""


@bp.post(
    "/portfolios/<int:portfolio_id>/screenings",
    summary="Screen the portfolio again (a job; the briefing follows)",
    responses={202: ScreeningQueued, 409: ProblemModel},
)
def start_screening(path: PortfolioPath):
    actor = current_actor()
    session = db.session()
    portfolio = portfolio_service.get_own(
        session=session, actor=actor, portfolio_id=path.portfolio_id, action="portfolio.screen"
    )
    run = runs.start_screening(
        session=session,
        portfolio=portfolio,
        actor=actor,
        language=request.accept_languages.best_match(LOCALES),
    )
    session.commit()
    return accepted(ScreeningQueued, run.job_id, portfolio_id=portfolio.id, run=run.number)


def _run(path: PortfolioPath, query: RunQuery):
    actor = current_actor()
    session = db.session()
    portfolio = portfolio_service.get_own(
        session=session, actor=actor, portfolio_id=path.portfolio_id, action="briefing.read"
    )
    return portfolio, runs.finished_run(session=session, portfolio=portfolio, number=query.run)


@bp.get(
    "/portfolios/<int:portfolio_id>/briefing.json",
    summary="The briefing as JSON: every holding's findings, aggregates, changes",
    responses={200: Briefing, 409: ProblemModel},
)
def briefing_json(path: PortfolioPath, query: RunQuery):
    _portfolio, run = _run(path, query)
    return respond(Briefing, stored_briefing(run))


def _stored(key: str | None) -> bytes:
    if key:
        try:
            return FileStore(current_app.config["UPLOAD_DIR"]).read(key)
        except FileNotFoundError:
            pass
    raise BriefingFileMissing(
        Phrase("The stored briefing file is missing; start a new screening to write it again.")
    )


@bp.get(
    "/portfolios/<int:portfolio_id>/briefing.xlsx",
    summary="The briefing as a workbook (summary, holdings, incidents)",
    responses={409: ProblemModel},
)
def briefing_xlsx(path: PortfolioPath, query: RunQuery):
    portfolio, run = _run(path, query)
    return download(
        _stored(run.briefing_xlsx),
        filename=f"briefing-{portfolio.id}-run-{run.number}.xlsx",
        mimetype=XLSX,
    )


@bp.get(
    "/portfolios/<int:portfolio_id>/briefing.pdf",
    summary="The briefing PDF (executive summary, charts, a page per red-flag holding)",
    responses={409: ProblemModel},
)
def briefing_pdf(path: PortfolioPath, query: RunQuery):
    portfolio, run = _run(path, query)
    response = Response(_stored(run.briefing_pdf), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="briefing-{portfolio.id}-run-{run.number}.pdf"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
