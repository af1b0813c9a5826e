"""`hrd-sentinel screen PORTFOLIO.xlsx --out briefing.pdf`: screen a portfolio file against the
local database, offline, with a progress bar. Nothing is stored: the file is validated and
resolved in memory, screened, and the briefing written where --out says (.pdf, .xlsx, .json)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from compliance import db
from compliance.clock import now
from compliance.datasets.problems import DatasetInvalid, DatasetRefused
from compliance.portfolios import service as portfolio_service
from compliance.portfolios import upload
from compliance.portfolios.models import Portfolio, PortfolioHolding
from compliance.portfolios.resolve import resolve_holdings
from compliance.portfolios.run_tasks import build_briefing
from reports.briefing_pdf import render_briefing_pdf
from reports.briefing_xlsx import briefing_xlsx
from reports.i18n import LOCALES

FORMATS = (".pdf", ".xlsx", ".json")
SHOWN_PROBLEMS = 20


def _console() -> Console:
    return Console(stderr=True, highlight=False)


def holdings_from(clean: upload.CleanPortfolio) -> list[PortfolioHolding]:
    """Unsaved holdings of a validated file, in file order."""
    return [
        PortfolioHolding(
            portfolio_id=0,
            position=row.position,
            name=row.name,
            isin=row.isin,
            lei=row.lei,
            country=row.country,
            sector=row.sector,
            weight=row.weight,
            market_value=row.market_value,
        )
        for row in clean.rows
    ]


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.command("screen")
@click.argument("portfolio_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "outputs",
    multiple=True,
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Where to write the briefing; .pdf, .xlsx or .json (repeat for several).",
)
@click.option(
    "--investor",
    type=int,
    default=None,
    help="Organisation id of the investor whose remembered mappings to apply.",
)
@click.option("--name", default=None, help="Portfolio name printed on the briefing.")
@click.option(
    "--lang",
    type=click.Choice(LOCALES),
    default="en",
    show_default=True,
    help="Language of the PDF and workbook (the JSON is data, not text).",
)
@with_appcontext
def screen_command(
    portfolio_file: Path,
    outputs: tuple[Path, ...],
    investor: int | None,
    name: str | None,
    lang: str,
) -> None:
    """Screen PORTFOLIO_FILE (xlsx or CSV) against the local database and write its briefing."""
    for path in outputs:
        if path.suffix.lower() not in FORMATS:
            _fail(f"--out {path} must end in .pdf, .xlsx or .json.")
    data = portfolio_file.read_bytes()
    console = _console()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task("Validating", total=100)
        try:
            settings = portfolio_service.PortfolioSettings.from_config(current_app.config)
            clean = upload.validate_portfolio(
                data,
                filename=portfolio_file.name,
                limits=settings.limits,
                weight_tolerance=settings.weight_tolerance,
            )
        except DatasetRefused as exc:
            progress.stop()
            _fail(str(exc))
        except DatasetInvalid as exc:
            progress.stop()
            for problem in exc.problems[:SHOWN_PROBLEMS]:
                click.echo(
                    f"  {problem.sheet} row {problem.row}, {problem.column}: {problem.problem}",
                    err=True,
                )
            _fail(str(exc))
        if not clean.rows:
            progress.stop()
            _fail("The portfolio has no holdings.")
        progress.update(bar, completed=10, description="Resolving holdings")
        holdings = holdings_from(clean)
        moment = now()
        with db.session_scope() as session:
            resolve_holdings(session=session, investor_id=investor or 0, holdings=holdings)
            progress.update(bar, completed=30, description="Screening")

            def report(percent: int) -> None:
                progress.update(bar, completed=30 + percent * 0.5)

            portfolio = Portfolio(
                id=0,
                organisation_id=investor or 0,
                name=name or portfolio_file.stem,
                filename=portfolio_file.name,
                file_sha256="",
            )
            briefing = build_briefing(
                session=session,
                portfolio=portfolio,
                holdings=holdings,
                run_number=1,
                previous=None,
                base_url=current_app.config["BASE_URL"],
                now=moment,
                progress=report,
            )
            session.rollback()  # read only: nothing of this screening is stored
        payload = briefing.model_dump(mode="json")
        for path in outputs:
            progress.update(bar, description=f"Writing {path.name}")
            suffix = path.suffix.lower()
            if suffix == ".pdf":
                path.write_bytes(render_briefing_pdf(payload, locale=lang))
            elif suffix == ".xlsx":
                path.write_bytes(briefing_xlsx(payload, locale=lang))
            else:
                path.write_text(json.dumps(payload, indent=1, ensure_ascii=False), "utf-8")
        progress.update(bar, completed=100, description="Done")
    aggregates = briefing.aggregates
    click.echo(
        f"{aggregates.holdings} holdings ({aggregates.resolved} resolved), "
        f"{aggregates.red_flag_holdings} with red flags; wrote "
        + ", ".join(str(path) for path in outputs)
    )
