"""The "portfolio.screen" job: screen every holding of a portfolio and write its briefings.

Idempotent: a run that already succeeded is left as it is; a retried run recomputes everything
(the files are content-addressed, so writing them again changes nothing). A run whose job fails
is marked failed in its own transaction (the job's work is rolled back).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlmodel import Session

from compliance import db
from compliance.clock import now as clock_now
from compliance.jobs.registry import JobContext, task
from compliance.portfolios import aggregates as portfolio_aggregates
from compliance.portfolios import changes as change_rules
from compliance.portfolios import findings as portfolio_findings
from compliance.portfolios.briefing import Briefing, HoldingFinding
from compliance.portfolios.models import Portfolio, PortfolioHolding, PortfolioRun, RunStatus
from compliance.portfolios.runs import SCREEN
from compliance.storage import FileStore
from reports.briefing_pdf import render_briefing_pdf
from reports.briefing_xlsx import briefing_xlsx


def holdings_of(*, session: Session, portfolio_id: int) -> list[PortfolioHolding]:
    return list(
        session.execute(
            sa.select(PortfolioHolding)
            .where(PortfolioHolding.portfolio_id == portfolio_id)
            .order_by(PortfolioHolding.position)
        ).scalars()
    )


def build_briefing(
    *,
    session: Session,
    portfolio: Portfolio,
    holdings: list[PortfolioHolding],
    run_number: int,
    previous: PortfolioRun | None,
    base_url: str,
    now: datetime,
    progress=None,
) -> Briefing:
    """Screen the holdings and compare with the previous run: the whole briefing."""
    report = progress or (lambda _percent: None)
    scan = portfolio_findings.inputs(session=session, as_of=now.date(), base_url=base_url)
    report(20)
    found = portfolio_findings.screen_holdings(session=session, holdings=holdings, scan=scan)
    report(60)
    changes = None
    if previous is not None and previous.results:
        before = [HoldingFinding.model_validate(h) for h in previous.results.get("holdings", [])]
        changes = change_rules.compare(previous=before, current=found, previous_run=previous.number)
    return Briefing(
        portfolio_id=portfolio.id,
        portfolio_name=portfolio.name,
        run=run_number,
        as_of=scan.as_of,
        generated_at=now,
        methodology=f"{scan.rules.id} {scan.rules.version}",
        holdings=found,
        aggregates=portfolio_aggregates.aggregates(found, rules=scan.rules),
        changes=changes,
    )


def stored_briefing(run: PortfolioRun) -> dict[str, Any]:
    """The briefing of a finished run as JSON data (results plus changes)."""
    return {**(run.results or {}), "changes": run.changes}


def _set_status(run_id: int, status: RunStatus, **values: Any) -> None:
    """Record the run's status at once, in a transaction of its own."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with db.session_scope(app) as session:
        session.execute(
            sa.update(PortfolioRun)
            .where(PortfolioRun.id == run_id, PortfolioRun.status != RunStatus.succeeded)
            .values(status=status, **values)
        )
        session.commit()


@task(SCREEN)
def screen_task(job: JobContext, *, run_id: int, language: str = "en") -> dict[str, Any]:
    """Screen the run's portfolio and write its briefing, the PDF and workbook in `language`."""
    session = job.session
    run = session.get(PortfolioRun, run_id)
    if run is None:
        return {"run_id": run_id, "missing": True}
    result = {"run_id": run.id, "portfolio_id": run.portfolio_id, "run": run.number}
    if run.status is RunStatus.succeeded:
        return result
    session.commit()  # nothing pending: lets the status update below take the write lock
    _set_status(run.id, RunStatus.running)
    session.refresh(run)
    try:
        _screen(job, run, language)
    except Exception as exc:
        session.rollback()
        detail = getattr(exc, "detail", None) or "The screening failed unexpectedly."
        _set_status(run_id, RunStatus.failed, error=detail[:2000], finished_at=clock_now())
        raise
    base = f"/api/v1/portfolios/{run.portfolio_id}"
    return {
        **result,
        "links": {
            "briefing_json": f"{base}/briefing.json?run={run.number}",
            "briefing_xlsx": f"{base}/briefing.xlsx?run={run.number}",
            "briefing_pdf": f"{base}/briefing.pdf?run={run.number}",
            "page": f"/portfolios/{run.portfolio_id}/briefing?run={run.number}",
        },
    }


def _screen(job: JobContext, run: PortfolioRun, language: str) -> None:
    session = job.session
    config = current_app.config
    portfolio = session.get(Portfolio, run.portfolio_id)
    job.report_progress(5)
    holdings = holdings_of(session=session, portfolio_id=portfolio.id)
    previous = session.get(PortfolioRun, run.previous_run_id) if run.previous_run_id else None
    moment = clock_now()
    briefing = build_briefing(
        session=session,
        portfolio=portfolio,
        holdings=holdings,
        run_number=run.number,
        previous=previous,
        base_url=config["BASE_URL"],
        now=moment,
        progress=job.report_progress,
    )
    data = briefing.model_dump(mode="json")
    store = FileStore(config["UPLOAD_DIR"])
    workbook = briefing_xlsx(data, locale=language)
    job.report_progress(75)
    pdf = render_briefing_pdf(data, locale=language)
    job.report_progress(95)
    run.briefing_xlsx = _keep(store, workbook)
    run.briefing_pdf = _keep(store, pdf)
    run.changes = data.pop("changes")
    run.results = data
    run.status, run.error, run.finished_at = RunStatus.succeeded, None, clock_now()
    session.add(run)


def _keep(store: FileStore, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    store.write(digest, data)
    return digest
