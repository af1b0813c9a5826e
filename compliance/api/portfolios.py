"""Investor portfolios: upload holdings, read them with their resolution, map them by hand."""

from __future__ import annotations

from flask import current_app, request
from flask_openapi3 import FileStorage
from pydantic import BaseModel, Field

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api import accepted, blueprint, respond
from compliance.api.files import XLSX, download, file_store, read_upload
from compliance.assessments.service import safe_filename
from compliance.clock import now
from compliance.errors import ProblemModel
from compliance.pagination import PageQuery, page_size
from compliance.portfolios import service as portfolio_service
from compliance.portfolios.models import Portfolio
from compliance.portfolios.schemas import (
    MappingIn,
    MappingResult,
    PortfolioPage,
    PortfolioPublic,
    PortfolioQueued,
)

bp = blueprint(
    "api_portfolios",
    __name__,
    tag="Portfolios",
    description="An investor's holdings: uploaded, validated, resolved to known organisations",
)
UPLOAD_ENDPOINTS = ("api_portfolios.create_portfolio", "api_portfolios.replace_holdings")
MULTIPART_OVERHEAD = 2**20
_UPLOAD_DESCRIPTION = (
    "An xlsx workbook or UTF-8 CSV file with one row per holding: holding name (required), "
    "ISIN, LEI, country, sector, and weight (percent) or market value (or both). Headers may be "
    "in English, Spanish or French. The file is screened as a whole at once (422 if it is not a "
    "workbook or UTF-8 CSV we can read, a zip bomb, too many rows...), then answers 202: the "
    "import job (poll it at `Location`) checks every row, stores and resolves the holdings, then "
    "starts a screening run. Bad rows end the job with every problem (sheet, row, column, value, "
    "problem, fix) on the portfolio and the fix-it workbook at `report.xlsx`. A refused or "
    "invalid upload never changes the holdings of the previous accepted upload."
)


class PortfolioPath(BaseModel):
    portfolio_id: int = Field(ge=1, le=2**63 - 1)


class HoldingPath(BaseModel):
    portfolio_id: int = Field(ge=1, le=2**63 - 1)
    position: int = Field(ge=1, le=2**31 - 1, description="The holding's row in the sheet.")


class PortfolioUploadForm(BaseModel):
    file: FileStorage
    name: str | None = Field(
        default=None, max_length=200, description="The portfolio's name (default: file name)."
    )


@bp.before_request
def _portfolio_body_limit() -> None:
    """Portfolio files may be larger than other request bodies (PORTFOLIO_MAX_BYTES)."""
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = max(
            current_app.config["MAX_CONTENT_LENGTH"],
            current_app.config["PORTFOLIO_MAX_BYTES"] + MULTIPART_OVERHEAD,
        )


def _own(portfolio_id: int, action: str) -> Portfolio:
    return portfolio_service.get_own(
        session=db.session(), actor=current_actor(), portfolio_id=portfolio_id, action=action
    )


def _receive(portfolio: Portfolio | None, form: PortfolioUploadForm):
    settings = portfolio_service.PortfolioSettings.from_config(current_app.config)
    data = read_upload(form.file, max_bytes=settings.max_bytes, what="portfolio file")
    session = db.session()
    received = portfolio_service.receive(
        session=session,
        store=file_store(),
        actor=current_actor(),
        portfolio=portfolio,
        name=form.name,
        data=data,
        filename=safe_filename(form.file.filename),
        settings=settings,
        now=now(),
    )
    session.commit()
    return accepted(
        PortfolioQueued,
        received.upload_job_id,
        portfolio_id=received.id,
        portfolio_url=portfolio_service.portfolio_url(received.id),
    )


@bp.post(
    "/portfolios",
    summary="Upload a new portfolio (xlsx or UTF-8 CSV)",
    description=_UPLOAD_DESCRIPTION,
    responses={202: PortfolioQueued, 413: ProblemModel, 422: ProblemModel},
)
def create_portfolio(form: PortfolioUploadForm):
    policy.require(current_actor(), "portfolio.create")
    return _receive(None, form)


@bp.post(
    "/portfolios/<int:portfolio_id>/holdings",
    summary="Upload a new version of a portfolio's holdings",
    description=_UPLOAD_DESCRIPTION
    + " Holdings mapped by hand before keep their organisation when their ISIN, LEI or name "
    "and country come back.",
    responses={202: PortfolioQueued, 413: ProblemModel, 422: ProblemModel},
)
def replace_holdings(path: PortfolioPath, form: PortfolioUploadForm):
    return _receive(_own(path.portfolio_id, "portfolio.edit"), form)


@bp.get(
    "/portfolios",
    summary="The portfolios of your organisation, newest first",
    responses={200: PortfolioPage},
)
def list_portfolios(query: PageQuery):
    page = portfolio_service.list_page(
        session=db.session(),
        actor=current_actor(),
        limit=page_size(query.limit, current_app.config),
        cursor=query.cursor,
    )
    return respond(PortfolioPage, page)


@bp.get(
    "/portfolios/<int:portfolio_id>",
    summary="A portfolio: holdings with their resolution and candidates, problems, last runs",
    responses={200: PortfolioPublic},
)
def get_portfolio(path: PortfolioPath):
    portfolio = _own(path.portfolio_id, "portfolio.read")
    return respond(
        PortfolioPublic, portfolio_service.public(session=db.session(), portfolio=portfolio)
    )


@bp.get(
    "/portfolios/<int:portfolio_id>/report.xlsx",
    summary="The fix-it workbook of the last upload, when it had bad rows",
    responses={200: None},
)
def portfolio_report(path: PortfolioPath):
    portfolio = _own(path.portfolio_id, "portfolio.read")
    data = portfolio_service.fixit_report(store=file_store(), portfolio=portfolio)
    return download(data, filename=f"portfolio-{portfolio.id}-fix-it.xlsx", mimetype=XLSX)


@bp.put(
    "/portfolios/<int:portfolio_id>/holdings/<int:position>/organisation",
    summary="Say which organisation a holding stands for (remembered for later uploads)",
    description="The choice is stored for this investor under the holding's ISIN, LEI and "
    "normalised name with country, applied to every holding of the investor's portfolios that "
    "shares one of them, and used for every later upload. `null` forgets it. Screen the "
    "portfolio again (POST /api/v1/portfolios/{id}/screenings) to see the effect on a briefing.",
    responses={200: MappingResult},
)
def map_holding(path: HoldingPath, body: MappingIn):
    session = db.session()
    portfolio = _own(path.portfolio_id, "portfolio.edit")
    holding, changed = portfolio_service.map_holding(
        session=session,
        actor=current_actor(),
        portfolio=portfolio,
        position=path.position,
        organisation_id=body.organisation_id,
        now=now(),
    )
    session.commit()
    names = portfolio_service.organisation_names(
        session=session, ids={holding.organisation_id} if holding.organisation_id else set()
    )
    return respond(
        MappingResult,
        {"holding": portfolio_service.holding_public(holding, names), "also_applied": changed},
    )
