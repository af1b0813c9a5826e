"""The investor's briefing page: results of a portfolio's screening with sorting and filters
(server-side, by query parameters), aggregates, what changed since the previous run, a progress
bar while a run is going, and downloads of the stored briefing files."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from sqlmodel import select

from compliance import db
from compliance.accounts.actor import current_actor
from compliance.api.files import XLSX, download
from compliance.errors import NotFound, ServiceUnavailable
from compliance.portfolios import runs
from compliance.portfolios import service as portfolio_service
from compliance.portfolios.briefing import Briefing
from compliance.portfolios.models import PortfolioRun, RunStatus
from compliance.portfolios.run_tasks import stored_briefing
from compliance.storage import FileStore
from compliance.web import login_required
from compliance.web.i18n import language, localized
from compliance.web.portfolios import progress_of
from reports.briefing_texts import localize

bp = Blueprint("web_briefings", __name__)

PAGE_SIZE = 100
SORTS: dict[str, Any] = {
    "position": lambda h: h["position"],
    "name": lambda h: h["name"].casefold(),
    "weight": lambda h: h["weight"],
    "priority": lambda h: h["priority"],
    "tier": lambda h: h["tier"],
    "incidents": lambda h: (h["severe_incidents"], h["confirmed_incidents"]),
    "flags": lambda h: len(h["red_flags"]),
}
FILTERS = ("flagged", "tier", "country", "sector", "q")


def _run_number() -> int | None:
    value = request.args.get("run", "")
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < 2**31:
        raise NotFound("There is no such run.")
    return int(value)


def select_holdings(holdings: list[dict[str, Any]], args) -> list[dict[str, Any]]:
    """The holdings the filters keep, in the order asked for."""
    chosen = holdings
    if args.get("flagged") == "1":
        chosen = [h for h in chosen if h["red_flags"]]
    for key in ("tier", "country", "sector"):
        value = args.get(key)
        if value:
            chosen = [h for h in chosen if (h.get(key) or "") == value]
    text = (args.get("q") or "").strip().casefold()
    if text:
        chosen = [h for h in chosen if text in h["name"].casefold()]
    sort = args.get("sort") if args.get("sort") in SORTS else "priority"
    descending = args.get("order", "desc" if sort in ("priority", "weight") else "asc") == "desc"
    return sorted(chosen, key=SORTS[sort], reverse=descending)


@bp.get("/portfolios/<int:portfolio_id>/briefing")
@login_required
def briefing(portfolio_id: int):
    session = db.session()
    actor = current_actor()
    portfolio = portfolio_service.get_own(
        session=session, actor=actor, portfolio_id=portfolio_id, action="briefing.read"
    )
    progress = progress_of(portfolio)
    number = _run_number()
    shown: PortfolioRun | None = None
    not_ready = None
    try:
        shown = runs.finished_run(session=session, portfolio=portfolio, number=number)
    except runs.BriefingNotReady as exc:
        not_ready = localized(exc.detail)
    data = stored_briefing(shown) if shown is not None else None
    holdings: list[dict[str, Any]] = []
    options: dict[str, list[str]] = {"tier": [], "country": [], "sector": []}
    if data is not None:
        for key in options:
            options[key] = sorted({h.get(key) or "" for h in data["holdings"]} - {""})
        chosen = select_holdings(data["holdings"], request.args)  # on the stored codes and labels
        data = localize(data, language())  # then worded in the page's language
        worded = {holding["position"]: holding for holding in data["holdings"]}
        holdings = [worded[holding["position"]] for holding in chosen]
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 10**6 else 1
    total = len(holdings)
    runs_done = session.exec(
        select(PortfolioRun.number)
        .where(
            PortfolioRun.portfolio_id == portfolio.id,
            PortfolioRun.status == RunStatus.succeeded,
        )
        .order_by(PortfolioRun.number.desc())
    ).all()
    return render_template(
        "web/briefing_results.html",
        portfolio=portfolio,
        progress=progress,
        run=shown,
        data=data,
        not_ready=not_ready,
        holdings=holdings[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        options=options,
        args={key: request.args.get(key, "") for key in (*FILTERS, "sort", "order")},
        sorts=list(SORTS),
        finished_runs=list(runs_done),
    )


@bp.post("/portfolios/<int:portfolio_id>/screenings")
@login_required
def screen_again(portfolio_id: int):
    session = db.session()
    actor = current_actor()
    portfolio = portfolio_service.get_own(
        session=session, actor=actor, portfolio_id=portfolio_id, action="portfolio.screen"
    )
    run = runs.start_screening(
        session=session, portfolio=portfolio, actor=actor, language=language()
    )
    session.commit()
    flash(gettext("Run %(number)s started: this page shows its progress.", number=run.number))
    return redirect(url_for("web_briefings.briefing", portfolio_id=portfolio.id))


def _finished(portfolio_id: int):
    session = db.session()
    portfolio = portfolio_service.get_own(
        session=session, actor=current_actor(), portfolio_id=portfolio_id, action="briefing.read"
    )
    return portfolio, runs.finished_run(session=session, portfolio=portfolio, number=_run_number())


def _stored(key: str | None) -> bytes:
    try:
        if key:
            return FileStore(current_app.config["UPLOAD_DIR"]).read(key)
    except FileNotFoundError:
        pass
    raise ServiceUnavailable(
        "The stored briefing file is missing; start a new screening to write it again."
    )


@bp.get("/portfolios/<int:portfolio_id>/briefing.pdf")
@login_required
def download_pdf(portfolio_id: int):
    portfolio, run = _finished(portfolio_id)
    return download(
        _stored(run.briefing_pdf),
        filename=f"briefing-{portfolio.id}-run-{run.number}.pdf",
        mimetype="application/pdf",
    )


@bp.get("/portfolios/<int:portfolio_id>/briefing.xlsx")
@login_required
def download_xlsx(portfolio_id: int):
    portfolio, run = _finished(portfolio_id)
    return download(
        _stored(run.briefing_xlsx),
        filename=f"briefing-{portfolio.id}-run-{run.number}.xlsx",
        mimetype=XLSX,
    )


@bp.get("/portfolios/<int:portfolio_id>/briefing.json")
@login_required
def download_json(portfolio_id: int):
    portfolio, run = _finished(portfolio_id)
    body = Briefing.model_validate(stored_briefing(run)).model_dump_json()
    return download(
        body.encode(),
        filename=f"briefing-{portfolio.id}-run-{run.number}.json",
        mimetype="application/json",
    )
