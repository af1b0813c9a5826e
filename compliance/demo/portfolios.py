"""Each financial institution's portfolio, uploaded as a CSV file through the portfolio
service: its import job resolves the holdings to demo companies and starts the screening run,
whose briefing the investor then reads (incidents, certificates, country risk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlmodel import Session, select

from compliance.demo.datasets import as_csv
from compliance.demo.organisations import actor
from compliance.portfolios import service as portfolio_service
from compliance.portfolios.models import Portfolio
from compliance.portfolios.upload import SPEC
from compliance.storage import FileStore

COLUMNS = ("name", "country", "sector", "weight", "market_value")


@dataclass(frozen=True)
class DemoPortfolio:
    login: str
    name: str
    holdings: tuple[tuple[object, ...], ...]


PORTFOLIOS: tuple[DemoPortfolio, ...] = (
    DemoPortfolio(
        "riesgos@bancomeridional.example",
        "Project finance book, Latin America",
        (
            ("Minera Andes Cobre S.A.C.", "PE", "mining", 30, 180_000_000),
            ("Hidroeléctrica Río Claro S.A. de C.V.", "HN", "hydropower", 25, 150_000_000),
            ("Palmas del Norte Agroindustrial S.A.", "GT", "agribusiness", 20, 120_000_000),
            ("Ventos do Sertão Energia S.A.", "BR", "wind", 15, 90_000_000),
            ("Energías Renovables del Ebro S.A.", "ES", "wind", 10, 60_000_000),
        ),
    ),
    DemoPortfolio(
        "stewardship@northbridge.example",
        "Emerging markets equity fund",
        (
            ("PT Nusantara Nikel Tbk", "ID", "mining", 28, 42_000_000),
            ("Palmas del Norte", "GT", "agribusiness", 22, 33_000_000),
            ("Andes Cobre", "PE", "mining", 20, 30_000_000),
            ("Ventos do Sertão Energia S.A.", "BR", "wind", 18, 27_000_000),
            ("Caledonian Grid plc", "GB", "utilities", 12, 18_000_000),
        ),
    ),
)


def seed_portfolios(*, session: Session, now: datetime) -> None:
    """Upload each institution's portfolio, unless it has one already; the import and the
    screening run as jobs after the commit."""
    settings = portfolio_service.PortfolioSettings.from_config(current_app.config)
    store = FileStore(current_app.config["UPLOAD_DIR"])
    for spec in PORTFOLIOS:
        investor = actor(session, spec.login)
        has_one = session.exec(
            select(Portfolio.id).where(Portfolio.organisation_id == investor.organisation_id)
        ).first()
        if has_one is not None:
            continue
        portfolio_service.receive(
            session=session,
            store=store,
            actor=investor,
            portfolio=None,
            name=spec.name,
            data=as_csv(SPEC, COLUMNS, spec.holdings),
            filename="holdings.csv",
            settings=settings,
            now=now,
        )
