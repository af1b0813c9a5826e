"""Portfolio pages for investors: the list with an upload form, one portfolio's holdings with
their resolution (and a progress bar while its import or screening job runs), and a page to
pick by hand the organisation a holding stands for.

The API needs a bearer token; these routes serve the same things to the signed-in session.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, lazy_gettext, ngettext

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api.files import XLSX, download, file_store, read_upload
from compliance.assessments.service import safe_filename
from compliance.clock import now
from compliance.errors import InvalidInput
from compliance.jobs.models import Job, JobStatus
from compliance.portfolios import runs
from compliance.portfolios import service as portfolio_service
from compliance.portfolios.models import Portfolio, PortfolioStatus, Resolution, RunStatus
from compliance.web import login_required
from compliance.web.terms import localized

bp = Blueprint("web_portfolios", __name__)
UPLOAD_ENDPOINTS = ("web_portfolios.create", "web_portfolios.replace")
HOLDINGS_SHOWN = 2_000  # rows of the holdings table on the page (the API gives them all)
PROBLEMS_SHOWN = 500
ATTENTION = (Resolution.ambiguous, Resolution.unresolved)
RESOLUTION_WORDS = {
    Resolution.identifier: lazy_gettext("by identifier"),
    Resolution.name: lazy_gettext("by name"),
    Resolution.mapped: lazy_gettext("chosen by you"),
    Resolution.ambiguous: lazy_gettext("ambiguous"),
    Resolution.unresolved: lazy_gettext("not found"),
}


@bp.before_request
def _portfolio_body_limit() -> None:
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = max(
            current_app.config["MAX_CONTENT_LENGTH"],
            current_app.config["PORTFOLIO_MAX_BYTES"] + 2**20,
        )


def _own(portfolio_id: int, action: str = "portfolio.read") -> Portfolio:
    return portfolio_service.get_own(
        session=db.session(), actor=current_actor(), portfolio_id=portfolio_id, action=action
    )


def _briefing_url(portfolio_id: int, page: str = "briefing") -> str | None:
    """The briefing page (or the "screen again" action) of the portfolio, when the service
    has one."""
    rule = f"/portfolios/<int:portfolio_id>/{page}"
    if any(r.rule == rule for r in current_app.url_map.iter_rules()):
        return f"/portfolios/{portfolio_id}/{page}"
    return None


@bp.get("/portfolios")
@login_required
def portfolios():
    actor = current_actor()
    page = portfolio_service.list_page(
        session=db.session(), actor=actor, limit=current_app.config["PAGE_MAX_LIMIT"], cursor=None
    )
    settings = portfolio_service.PortfolioSettings.from_config(current_app.config)
    return render_template(
        "web/portfolio_list.html",
        portfolios=page.items,
        more=page.next_cursor is not None,
        max_mib=settings.max_bytes / 2**20,
        max_rows=settings.limits.max_rows,
    )


def _receive(portfolio: Portfolio | None):
    """Take the upload, then show the portfolio (its problems, or its import's progress)."""
    settings = portfolio_service.PortfolioSettings.from_config(current_app.config)
    session = db.session()
    upload = request.files.get("file")
    try:
        data = read_upload(upload, max_bytes=settings.max_bytes, what="portfolio file")
        received = portfolio_service.receive(
            session=session,
            store=file_store(),
            actor=current_actor(),
            portfolio=portfolio,
            name=request.form.get("name"),
            data=data,
            filename=safe_filename(upload.filename),
            settings=settings,
            now=now(),
        )
    except InvalidInput as exc:
        session.rollback()
        flash(gettext("The file was not accepted: %(detail)s", detail=localized(exc.detail)))
        if portfolio is None:
            return redirect(url_for("web_portfolios.portfolios"))
        return redirect(url_for("web_portfolios.portfolio", portfolio_id=portfolio.id))
    session.commit()
    flash(
        gettext(
            "%(filename)s received. Its holdings are being checked and matched to known "
            "organisations; a screening follows.",
            filename=received.filename,
        )
    )
    return redirect(url_for("web_portfolios.portfolio", portfolio_id=received.id))


@bp.post("/portfolios")
@login_required
def create():
    policy.require(current_actor(), "portfolio.create")
    return _receive(None)


@bp.post("/portfolios/<int:portfolio_id>/holdings")
@login_required
def replace(portfolio_id: int):
    return _receive(_own(portfolio_id, "portfolio.edit"))


@bp.get("/portfolios/<int:portfolio_id>")
@login_required
def portfolio(portfolio_id: int):
    item = _own(portfolio_id)
    session = db.session()
    state = portfolio_service.public(session=session, portfolio=item)
    attention = [h for h in state.holdings if h.resolution in ATTENTION]
    return render_template(
        "web/portfolio_detail.html",
        portfolio=state,
        attention=attention,
        holdings=state.holdings[:HOLDINGS_SHOWN],
        more_holdings=max(0, len(state.holdings) - HOLDINGS_SHOWN),
        problems=state.problems[:PROBLEMS_SHOWN],
        words=RESOLUTION_WORDS,
        progress=progress_of(item),
        briefing_url=_briefing_url(item.id),
        screen_url=_briefing_url(item.id, "screenings"),
    )


def _job(job_id: str | None) -> Job | None:
    return db.session().get(Job, job_id) if job_id else None


def progress_of(item: Portfolio) -> dict[str, Any]:
    """What runs for this portfolio now: its import, then its screening run."""
    if item.status is PortfolioStatus.validating:
        job = _job(item.upload_job_id)
        return {
            "active": True,
            "label": gettext("Checking the file and matching the holdings"),
            "percent": job.progress if job else 0,
        }
    newest = runs.newest(session=db.session(), portfolio_id=item.id)
    if newest is not None and newest.status in (RunStatus.queued, RunStatus.running):
        job = _job(newest.job_id)
        return {
            "active": True,
            "label": gettext("Screening the holdings (run %(number)s)", number=newest.number),
            "percent": job.progress if job else 0,
        }
    failed = newest is not None and newest.status is RunStatus.failed
    return {"active": False, "label": "", "percent": 100, "run_failed": failed}


@bp.get("/portfolios/<int:portfolio_id>/progress.json")
@login_required
def progress(portfolio_id: int):
    """Polled by static/js/job-progress.js while a job of the portfolio runs."""
    item = _own(portfolio_id)
    state = progress_of(item)
    job = _job(item.upload_job_id) if item.status is PortfolioStatus.validating else None
    failed = job is not None and job.status is JobStatus.failed
    return jsonify(
        {
            "status": item.status.value,
            "active": state["active"] and not failed,
            "label": state["label"],
            "percent": state["percent"],
        }
    )


@bp.get("/portfolios/<int:portfolio_id>/report.xlsx")
@login_required
def report(portfolio_id: int):
    item = _own(portfolio_id)
    data = portfolio_service.fixit_report(store=file_store(), portfolio=item)
    return download(data, filename=f"portfolio-{item.id}-fix-it.xlsx", mimetype=XLSX)


@bp.get("/portfolios/<int:portfolio_id>/holdings/<int:position>")
@login_required
def holding(portfolio_id: int, position: int):
    item = _own(portfolio_id)
    session = db.session()
    found = portfolio_service.get_holding(session=session, portfolio=item, position=position)
    names = portfolio_service.organisation_names(
        session=session, ids={found.organisation_id} if found.organisation_id else set()
    )
    query = request.args.get("q", "").strip()[:200]
    results = portfolio_service.search_organisations(session=session, text=query) if query else []
    return render_template(
        "web/portfolio_holding.html",
        portfolio=item,
        holding=portfolio_service.holding_public(found, names),
        query=query,
        results=results,
        words=RESOLUTION_WORDS,
    )


@bp.post("/portfolios/<int:portfolio_id>/holdings/<int:position>/organisation")
@login_required
def map_holding(portfolio_id: int, position: int):
    item = _own(portfolio_id, "portfolio.edit")
    session = db.session()
    chosen = request.form.get("organisation_id", "").strip()
    back = url_for("web_portfolios.holding", portfolio_id=item.id, position=position)
    if chosen and not chosen.isdigit():
        flash(gettext("Choose an organisation from the list."))
        return redirect(back)
    organisation_id = int(chosen) if chosen and int(chosen) < 2**63 else None
    if chosen and organisation_id is None:
        flash(gettext("Choose an organisation from the list."))
        return redirect(back)
    try:
        holding_row, changed = portfolio_service.map_holding(
            session=session,
            actor=current_actor(),
            portfolio=item,
            position=position,
            organisation_id=organisation_id,
            now=now(),
        )
    except InvalidInput as exc:
        session.rollback()
        flash(gettext("Not saved: %(detail)s", detail=localized(exc.detail)))
        return redirect(back)
    session.commit()
    also = (
        " "
        + ngettext(
            "It was applied to %(num)d other holding too.",
            "It was applied to %(num)d other holdings too.",
            changed,
        )
        if changed
        else ""
    )
    if organisation_id is None:
        flash(
            gettext(
                "Row %(position)s: your choice was forgotten; the holding was matched "
                "again.%(also)s",
                position=position,
                also=also,
            )
        )
    else:
        flash(
            gettext(
                "Row %(position)s (%(name)s) is now mapped; the choice is remembered for "
                "later uploads.%(also)s Screen the portfolio again to update its briefing.",
                position=position,
                name=holding_row.name,
                also=also,
            )
        )
    return redirect(url_for("web_portfolios.portfolio", portfolio_id=item.id, _anchor="holdings"))
