"""Portfolios of an investor: receiving uploads, importing them in a job, mapping holdings.

An upload never touches the holdings in the request: the file is screened as a whole (a 422 at
once for a file we would never read), stored, and imported by the job "portfolio.import", which
checks every row (keeping the problems and the fix-it workbook on the portfolio), replaces the
holdings in one transaction, resolves them to known organisations and starts a screening run
(`runs.start`). A refused or invalid upload leaves the holdings of the previous accepted upload
exactly as they were.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from compliance import policy
from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation
from compliance.api import PREFIX, job_url
from compliance.audit import service as audit
from compliance.datasets import (
    DatasetInvalid,
    DatasetRefused,
    UploadLimits,
    screen_file,
)
from compliance.errors import InvalidInput, NotFound, ProblemDetail
from compliance.jobs import service as job_service
from compliance.pagination import paginate
from compliance.phrases import Phrase, restored, terms_of, worded
from compliance.portfolios import runs
from compliance.portfolios.models import (
    HoldingMapping,
    Portfolio,
    PortfolioHolding,
    PortfolioRun,
    PortfolioStatus,
    Resolution,
)
from compliance.portfolios.resolve import (
    RESOLVABLE_KINDS,
    OrganisationDirectory,
    keys_of,
    resolve_holdings,
)
from compliance.portfolios.schemas import (
    CandidatePublic,
    HoldingPublic,
    PortfolioPage,
    PortfolioProblemPublic,
    PortfolioPublic,
    PortfolioSummary,
    RunSummary,
)
from compliance.portfolios.upload import (
    CleanPortfolio,
    HoldingRow,
    portfolio_fixit,
    validate_portfolio,
)
from compliance.storage import FileStore
from questionnaires.workbook_reader import WorkbookLimits

JOB_KIND = "portfolio.import"
NAME_MAX = 200
_INSERT_BATCH = 2_000
Progress = Callable[[int], None]


class PortfolioFileRefused(InvalidInput):
    """The file as a whole cannot be used (not a workbook, wrong encoding, no rows...)."""


@dataclass(frozen=True)
class PortfolioSettings:
    """Ceilings of one upload, and how far the weights may be from 100 %."""

    max_bytes: int = 16 * 2**20
    weight_tolerance: float = 1.0
    limits: UploadLimits = field(default_factory=UploadLimits)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PortfolioSettings:
        max_bytes = int(config["PORTFOLIO_MAX_BYTES"])
        return cls(
            max_bytes=max_bytes,
            weight_tolerance=float(config["PORTFOLIO_WEIGHT_TOLERANCE"]),
            limits=UploadLimits(
                max_rows=int(config["PORTFOLIO_MAX_ROWS"]),
                max_problems=5_000,
                max_csv_bytes=max_bytes,
                workbook=WorkbookLimits(max_bytes=max_bytes),
            ),
        )


def portfolio_url(portfolio_id: int) -> str:
    return f"{PREFIX}/portfolios/{portfolio_id}"


def _no_progress(_percent: int) -> None:
    return None


# --- reading ------------------------------------------------------------------------------


def get_own(*, session: Session, actor: Actor | None, portfolio_id: int, action: str) -> Portfolio:
    """A portfolio of the actor's own organisation. Portfolios are strictly the investor's:
    other organisations (reviewers included) never see them; ids of others answer 404."""
    policy.require(actor, "portfolio.list")
    portfolio = session.exec(
        select(Portfolio).where(
            Portfolio.id == portfolio_id, Portfolio.organisation_id == actor.organisation_id
        )
    ).first()
    if portfolio is None:
        raise NotFound(
            Phrase(
                "There is no portfolio %(portfolio_id)s that you can see.",
                portfolio_id=portfolio_id,
            )
        )
    policy.require(actor, action, portfolio)
    return portfolio


def summary(portfolio: Portfolio) -> PortfolioSummary:
    return PortfolioSummary.model_validate(
        {**portfolio.model_dump(), "url": portfolio_url(portfolio.id)}
    )


def list_page(
    *, session: Session, actor: Actor | None, limit: int, cursor: str | None
) -> PortfolioPage:
    policy.require(actor, "portfolio.list")
    page = paginate(
        session,
        sa.select(Portfolio).where(Portfolio.organisation_id == actor.organisation_id),
        key=Portfolio.id,
        key_of=lambda row: row[0].id,
        limit=limit,
        cursor=cursor,
    )
    return PortfolioPage(
        items=[summary(row[0]) for row in page.items], next_cursor=page.next_cursor
    )


def holdings_of(*, session: Session, portfolio_id: int) -> list[PortfolioHolding]:
    return list(
        session.exec(
            select(PortfolioHolding)
            .where(PortfolioHolding.portfolio_id == portfolio_id)
            .order_by(PortfolioHolding.position)
        )
    )


def organisation_names(*, session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    )
    return {organisation_id: name for organisation_id, name in rows}


def holding_public(holding: PortfolioHolding, names: Mapping[int, str]) -> HoldingPublic:
    return HoldingPublic(
        position=holding.position,
        name=holding.name,
        isin=holding.isin,
        lei=holding.lei,
        country=holding.country,
        sector=holding.sector,
        weight=holding.weight,
        market_value=holding.market_value,
        organisation_id=holding.organisation_id,
        organisation_name=names.get(holding.organisation_id) if holding.organisation_id else None,
        resolution=holding.resolution,
        candidates=[CandidatePublic.model_validate(c) for c in holding.candidates or []],
    )


def problems_of(portfolio: Portfolio) -> list[PortfolioProblemPublic]:
    """The kept problems, their texts as phrases again (a page words them in its language)."""
    return [
        PortfolioProblemPublic(
            sheet=problem["sheet"],
            row=problem["row"],
            column=problem["column"],
            cell=f"{problem['column_letter']}{problem['row']}",
            value=problem["value"],
            problem=restored(problem["problem"]),
            fix=restored(problem["fix"]),
        )
        for problem in portfolio.problems or []
    ]


def run_summary(run: PortfolioRun | None) -> RunSummary | None:
    if run is None:
        return None
    return RunSummary(
        number=run.number,
        status=run.status,
        created_at=run.created_at,
        finished_at=run.finished_at,
        status_url=job_url(run.job_id) if run.job_id else None,
    )


def public(*, session: Session, portfolio: Portfolio) -> PortfolioPublic:
    holdings = holdings_of(session=session, portfolio_id=portfolio.id)
    names = organisation_names(
        session=session, ids={h.organisation_id for h in holdings if h.organisation_id}
    )
    counts = Counter(holding.resolution.value for holding in holdings)
    has_report = portfolio.status is PortfolioStatus.invalid and portfolio.fixit_file
    validating = portfolio.status is PortfolioStatus.validating and portfolio.upload_job_id
    return PortfolioPublic(
        **summary(portfolio).model_dump(),
        resolution_counts={resolution.value: counts[resolution.value] for resolution in Resolution},
        holdings=[holding_public(holding, names) for holding in holdings],
        upload_status_url=job_url(portfolio.upload_job_id) if validating else None,
        problems=problems_of(portfolio) if portfolio.status is PortfolioStatus.invalid else [],
        problem_total=portfolio.problem_total if portfolio.status is PortfolioStatus.invalid else 0,
        refusal=worded(portfolio.refusal, portfolio.refusal_terms)
        if portfolio.status is PortfolioStatus.refused
        else None,
        report_url=f"{portfolio_url(portfolio.id)}/report.xlsx" if has_report else None,
        latest_run=run_summary(runs.latest(session=session, portfolio_id=portfolio.id)),
        newest_run=run_summary(runs.newest(session=session, portfolio_id=portfolio.id)),
    )


def fixit_report(*, store: FileStore, portfolio: Portfolio) -> bytes:
    """The fix-it workbook of the last upload, or a 404 saying why there is none."""
    if portfolio.status is not PortfolioStatus.invalid or not portfolio.fixit_file:
        why = {
            PortfolioStatus.validating: Phrase(
                "There is no fix-it workbook for portfolio %(portfolio_id)s: its last upload is "
                "still being checked.",
                portfolio_id=portfolio.id,
            ),
            PortfolioStatus.ready: Phrase(
                "There is no fix-it workbook for portfolio %(portfolio_id)s: its last upload was "
                "accepted.",
                portfolio_id=portfolio.id,
            ),
            PortfolioStatus.refused: Phrase(
                "There is no fix-it workbook for portfolio %(portfolio_id)s: its last upload was "
                "refused as a whole, with nothing to mark in it.",
                portfolio_id=portfolio.id,
            ),
            PortfolioStatus.invalid: Phrase(
                "There is no fix-it workbook for portfolio %(portfolio_id)s: the workbook is no "
                "longer kept.",
                portfolio_id=portfolio.id,
            ),
        }
        raise NotFound(why[portfolio.status])
    try:
        return store.read(portfolio.fixit_file)
    except FileNotFoundError as exc:
        raise NotFound(
            Phrase(
                "The fix-it workbook of portfolio %(portfolio_id)s is no longer on the server; "
                "upload the file again to get a new one.",
                portfolio_id=portfolio.id,
            )
        ) from exc


# --- receiving ----------------------------------------------------------------------------


def default_name(filename: str) -> str:
    return (PurePath(filename).stem.strip() or "Portfolio")[:NAME_MAX]


def receive(
    *,
    session: Session,
    store: FileStore,
    actor: Actor,
    portfolio: Portfolio | None,
    name: str | None,
    data: bytes,
    filename: str,
    settings: PortfolioSettings,
    now: datetime,
) -> Portfolio:
    """Take an upload for a new portfolio (`portfolio` None) or to replace the holdings of one.

    The file is screened as a whole (`PortfolioFileRefused`: nothing is kept, roll back), then
    stored and the import job queued (dispatched when the caller commits): the job reads and
    checks the rows.
    """
    if portfolio is None:
        policy.require(actor, "portfolio.create")
    else:
        policy.require(actor, "portfolio.edit", portfolio)
    try:
        screen_file(data, filename=filename, limits=settings.limits)
    except DatasetRefused as exc:
        raise PortfolioFileRefused(exc.detail) from exc
    sha256 = hashlib.sha256(data).hexdigest()
    if portfolio is None:
        portfolio = Portfolio(
            organisation_id=actor.organisation_id,
            name=(name or "").strip()[:NAME_MAX] or default_name(filename),
            filename=filename,
            file_sha256=sha256,
            created_by_id=actor.id,
            created_at=now,
            updated_at=now,
        )
    elif name and name.strip():
        portfolio.name = name.strip()[:NAME_MAX]
    portfolio.filename, portfolio.file_sha256, portfolio.updated_at = filename, sha256, now
    session.add(portfolio)
    session.flush()
    store.write(sha256, data)
    _reset_outcome(portfolio, PortfolioStatus.validating)
    job = job_service.enqueue(
        session=session,
        kind=JOB_KIND,
        params={"portfolio_id": portfolio.id, "file_sha256": sha256},
        organisation_id=portfolio.organisation_id,
        created_by_id=actor.id,
    )
    portfolio.upload_job_id = job.id
    session.add(portfolio)
    audit.record(
        session=session,
        actor=actor,
        action="portfolio.upload_received",
        subject=portfolio,
        details=_upload_details(portfolio, data),
        now=now,
    )
    return portfolio


def _validate(data: bytes, *, filename: str, settings: PortfolioSettings) -> CleanPortfolio:
    return validate_portfolio(
        data,
        filename=filename,
        limits=settings.limits,
        weight_tolerance=settings.weight_tolerance,
    )


def _upload_details(portfolio: Portfolio, data: bytes | None = None) -> dict[str, Any]:
    details: dict[str, Any] = {
        "sha256": portfolio.file_sha256,
        "status": portfolio.status.value,
    }
    if data is not None:
        details["size_bytes"] = len(data)
    return details


def _reset_outcome(portfolio: Portfolio, status: PortfolioStatus) -> None:
    portfolio.status = status
    portfolio.problems, portfolio.problem_total = None, 0
    portfolio.refusal, portfolio.refusal_terms, portfolio.fixit_file = None, None, None


def _keep_problems(
    *,
    session: Session,
    store: FileStore,
    actor: Actor | None,
    portfolio: Portfolio,
    data: bytes,
    exc: DatasetInvalid,
    now: datetime,
) -> None:
    """Keep the problems, and the investor's file with each one marked, for download."""
    report = portfolio_fixit(data, filename=portfolio.filename, problems=exc.problems)
    report_sha256 = hashlib.sha256(report).hexdigest()
    store.write(report_sha256, report)
    _reset_outcome(portfolio, PortfolioStatus.invalid)
    portfolio.problems = [problem.as_json() for problem in exc.problems]
    portfolio.problem_total = exc.total
    portfolio.fixit_file = report_sha256
    portfolio.updated_at = now
    session.add(portfolio)
    audit.record(
        session=session,
        actor=actor,
        action="portfolio.upload_invalid",
        subject=portfolio,
        details={**_upload_details(portfolio), "problems": exc.total, "rows": exc.rows},
        now=now,
    )


def _explain(portfolio: Portfolio, detail: str) -> None:
    """Why the upload was refused: English for the API, its terms for the pages."""
    portfolio.refusal, portfolio.refusal_terms = detail[:2000], terms_of(detail)


def _refuse(
    *, session: Session, actor: Actor | None, portfolio: Portfolio, detail: str, now: datetime
) -> None:
    _reset_outcome(portfolio, PortfolioStatus.refused)
    _explain(portfolio, detail)
    portfolio.updated_at = now
    session.add(portfolio)
    audit.record(
        session=session,
        actor=actor,
        action="portfolio.upload_refused",
        subject=portfolio,
        details=_upload_details(portfolio),
        now=now,
    )


# --- the import job -----------------------------------------------------------------------


def outcome(portfolio: Portfolio, run: PortfolioRun | None = None) -> dict[str, Any]:
    """The import job's result: what became of the upload, and where to look next."""
    result: dict[str, Any] = {
        "outcome": portfolio.status.value,
        "portfolio_id": portfolio.id,
        "portfolio_url": portfolio_url(portfolio.id),
    }
    if portfolio.status is PortfolioStatus.ready:
        result["holdings"] = portfolio.holding_count
    elif portfolio.status is PortfolioStatus.invalid:
        result.update(
            problems=portfolio.problem_total,
            report_url=f"{portfolio_url(portfolio.id)}/report.xlsx",
        )
    elif portfolio.status is PortfolioStatus.refused:
        result["detail"] = portfolio.refusal
    if run is not None:
        result["run"] = {"number": run.number, "status_url": job_url(run.job_id)}
    return result


def import_upload(
    *,
    session: Session,
    store: FileStore,
    portfolio: Portfolio,
    job_id: str,
    actor: Actor | None,
    settings: PortfolioSettings,
    progress: Progress = _no_progress,
    now: datetime,
) -> dict[str, Any]:
    """The job's part: check the stored file, replace the holdings, resolve, start a run.

    Idempotent: an upload already imported (or superseded by a newer one) is left as it is.
    Raises `PortfolioFileRefused` after recording the refusal on the portfolio (commit it).
    """
    if portfolio.upload_job_id != job_id:
        return {**outcome(portfolio), "outcome": "superseded"}
    if portfolio.status is not PortfolioStatus.validating:
        return outcome(portfolio)
    try:
        data = store.read(portfolio.file_sha256)
    except FileNotFoundError as exc:
        detail = Phrase("The uploaded file is no longer on the server; upload it again.")
        _refuse(session=session, actor=actor, portfolio=portfolio, detail=detail, now=now)
        raise PortfolioFileRefused(detail) from exc
    progress(5)
    try:
        clean = _validate(data, filename=portfolio.filename, settings=settings)
    except DatasetRefused as exc:
        _refuse(session=session, actor=actor, portfolio=portfolio, detail=exc.detail, now=now)
        raise PortfolioFileRefused(exc.detail) from exc
    except DatasetInvalid as exc:
        _keep_problems(
            session=session,
            store=store,
            actor=actor,
            portfolio=portfolio,
            data=data,
            exc=exc,
            now=now,
        )
        return outcome(portfolio)
    progress(30)
    holdings = [_holding(portfolio.id, row) for row in clean.rows]
    resolve_holdings(session=session, investor_id=portfolio.organisation_id, holdings=holdings)
    progress(60)
    _replace_holdings(session=session, portfolio=portfolio, holdings=holdings, progress=progress)
    _reset_outcome(portfolio, PortfolioStatus.ready)
    portfolio.holding_count = len(holdings)
    portfolio.updated_at = now
    session.add(portfolio)
    counts = Counter(holding.resolution.value for holding in holdings)
    audit.record(
        session=session,
        actor=actor,
        action="portfolio.imported",
        subject=portfolio,
        details={
            **_upload_details(portfolio),
            "holdings": len(holdings),
            "weights_from": clean.weights_from,
            "resolution": dict(sorted(counts.items())),
        },
        now=now,
    )
    session.flush()
    run = runs.start(
        session=session, portfolio=portfolio, requested_by_id=actor.id if actor else None
    )
    progress(95)
    return outcome(portfolio, run)


def abandon(*, session: Session, portfolio_id: int, job_id: str, now: datetime) -> None:
    """Close an import that failed unexpectedly, so the portfolio no longer shows as pending."""
    portfolio = session.get(Portfolio, portfolio_id)
    if (
        portfolio is not None
        and portfolio.status is PortfolioStatus.validating
        and portfolio.upload_job_id == job_id
    ):
        _reset_outcome(portfolio, PortfolioStatus.refused)
        _explain(
            portfolio,
            Phrase(
                "The file could not be imported because of an error on our side; upload it "
                "again, and tell the operators if it happens again."
            ),
        )
        portfolio.updated_at = now
        session.add(portfolio)


def _holding(portfolio_id: int, row: HoldingRow) -> PortfolioHolding:
    return PortfolioHolding(
        portfolio_id=portfolio_id,
        position=row.position,
        name=row.name,
        isin=row.isin,
        lei=row.lei,
        country=row.country,
        sector=row.sector,
        weight=row.weight,
        market_value=row.market_value,
    )


def _replace_holdings(
    *,
    session: Session,
    portfolio: Portfolio,
    holdings: list[PortfolioHolding],
    progress: Progress,
) -> None:
    """Delete the old holdings and insert the new ones in the caller's transaction."""
    session.execute(
        sa.delete(PortfolioHolding).where(PortfolioHolding.portfolio_id == portfolio.id)
    )
    columns = [name for name in PortfolioHolding.model_fields if name != "id"]
    for start in range(0, len(holdings), _INSERT_BATCH):
        batch = holdings[start : start + _INSERT_BATCH]
        session.execute(
            sa.insert(PortfolioHolding),
            [{name: getattr(holding, name) for name in columns} for holding in batch],
        )
        progress(60 + 30 * (start + len(batch)) // max(len(holdings), 1))


# --- mapping holdings by hand -------------------------------------------------------------


def get_holding(*, session: Session, portfolio: Portfolio, position: int) -> PortfolioHolding:
    holding = session.exec(
        select(PortfolioHolding).where(
            PortfolioHolding.portfolio_id == portfolio.id, PortfolioHolding.position == position
        )
    ).first()
    if holding is None:
        raise NotFound(
            Phrase(
                "Portfolio %(portfolio_id)s has no holding on row %(position)s; the positions are "
                "the row numbers of the uploaded sheet.",
                portfolio_id=portfolio.id,
                position=position,
            )
        )
    return holding


def resolvable_organisation(*, session: Session, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.kind not in RESOLVABLE_KINDS:
        raise InvalidInput(
            Phrase(
                "No company or financial institution has the id %(organisation_id)s.",
                organisation_id=organisation_id,
            ),
            errors=[
                ProblemDetail(pointer="/organisation_id", detail=Phrase("unknown organisation"))
            ],
        )
    return organisation


def map_holding(
    *,
    session: Session,
    actor: Actor,
    portfolio: Portfolio,
    position: int,
    organisation_id: int | None,
    now: datetime,
) -> tuple[PortfolioHolding, int]:
    """Remember (or forget, with None) which organisation a holding stands for, under each of
    its keys, and apply it to every holding of the investor's portfolios that shares a key.
    Returns the holding and how many other holdings changed with it."""
    policy.require(actor, "portfolio.edit", portfolio)
    holding = get_holding(session=session, portfolio=portfolio, position=position)
    if organisation_id is not None:
        resolvable_organisation(session=session, organisation_id=organisation_id)
    investor_id = portfolio.organisation_id
    keys = keys_of(holding)
    existing = {
        mapping.key: mapping
        for mapping in session.exec(
            select(HoldingMapping).where(
                HoldingMapping.investor_id == investor_id, HoldingMapping.key.in_(keys)
            )
        )
    }
    for key in keys:
        mapping = existing.get(key)
        if organisation_id is None:
            if mapping is not None:
                session.delete(mapping)
        elif mapping is None:
            session.add(
                HoldingMapping(
                    investor_id=investor_id,
                    key=key,
                    organisation_id=organisation_id,
                    created_by_id=actor.id,
                    created_at=now,
                )
            )
        else:
            mapping.organisation_id, mapping.created_by_id, mapping.created_at = (
                organisation_id,
                actor.id,
                now,
            )
            session.add(mapping)
    session.flush()
    affected = _sharing_a_key(session=session, investor_id=investor_id, holding=holding)
    before = {h.id: (h.organisation_id, h.resolution) for h in affected}
    resolve_holdings(session=session, investor_id=investor_id, holdings=affected)
    changed = 0
    for other in affected:
        session.add(other)
        if other.id != holding.id and before[other.id] != (other.organisation_id, other.resolution):
            changed += 1
    audit.record(
        session=session,
        actor=actor,
        action="portfolio.holding_mapped" if organisation_id else "portfolio.holding_unmapped",
        subject=portfolio,
        details={
            "position": position,
            "organisation_id": organisation_id,
            "keys": keys,
            "also_applied": changed,
        },
        now=now,
    )
    return holding, changed


def _sharing_a_key(
    *, session: Session, investor_id: int, holding: PortfolioHolding
) -> list[PortfolioHolding]:
    """The holding and every holding of the investor's portfolios with one of its keys."""
    wanted = set(keys_of(holding))
    near = [PortfolioHolding.country == holding.country]
    if holding.country is None:
        near = [PortfolioHolding.country.is_(None)]
    if holding.isin:
        near.append(PortfolioHolding.isin == holding.isin)
    if holding.lei:
        near.append(PortfolioHolding.lei == holding.lei)
    rows = session.exec(
        select(PortfolioHolding)
        .join(Portfolio, Portfolio.id == PortfolioHolding.portfolio_id)
        .where(Portfolio.organisation_id == investor_id, sa.or_(*near))
    ).all()
    found = [row for row in rows if row.id == holding.id or wanted.intersection(keys_of(row))]
    if all(row.id != holding.id for row in found):
        found.append(holding)
    return found


def search_organisations(*, session: Session, text: str, limit: int = 20) -> list[CandidatePublic]:
    """Companies and financial institutions whose name looks like `text`, for picking by hand."""
    directory = OrganisationDirectory.load(session)
    return [
        CandidatePublic.model_validate(candidate.as_json())
        for candidate in directory.search(text, limit=limit)
    ]
