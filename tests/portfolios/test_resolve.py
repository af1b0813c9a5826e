"""Resolving holdings to known organisations: remembered mappings, identifiers, names with
country, ambiguity, and the speed of 5,000 holdings against 5,000 organisations."""

from __future__ import annotations

import time

import sqlalchemy as sa
from flask import Flask

from compliance import db
from compliance.accounts.models import Organisation, OrganisationKind
from compliance.clock import now
from compliance.portfolios.models import (
    HoldingMapping,
    Portfolio,
    PortfolioHolding,
    Resolution,
)
from compliance.portfolios.resolve import (
    KnownOrganisation,
    OrganisationDirectory,
    decide,
    holding_keys,
    resolve_holdings,
)
from tests.conftest import World
from tests.portfolios.holdings_support import APPLE_ISIN, VALID_LEI

DIRECTORY = OrganisationDirectory(
    [
        KnownOrganisation(1, "Apple Inc.", "US", None, (APPLE_ISIN,), ()),
        KnownOrganisation(2, "Microsoft Corporation", "US", VALID_LEI, (), ()),
        KnownOrganisation(3, "Compañía Minera Antamina S.A.", "PE", None, (), ("Antamina",)),
        KnownOrganisation(4, "Palmas del Sur S.A.", "CO", None, (), ()),
        KnownOrganisation(5, "Palmas del Sur Ltda", "GT", None, (), ()),
        KnownOrganisation(6, "Tahoe Resources", "CA", None, (), ()),
        KnownOrganisation(7, "Shared Code One", "US", None, ("US5949181045",), ()),
        KnownOrganisation(8, "Shared Code Two", "US", None, ("US5949181045",), ()),
    ]
)


def resolved(name: str, *, isin=None, lei=None, country=None, mappings=None):
    return decide(
        isin=isin,
        lei=lei,
        name=name,
        country=country,
        directory=DIRECTORY,
        mappings=mappings or {},
    )


def test_lei_and_isin_resolve_whatever_the_name() -> None:
    by_lei = resolved("MSFT", lei=VALID_LEI)
    assert (by_lei.organisation_id, by_lei.resolution) == (2, Resolution.identifier)
    by_isin = resolved("Some ticker", isin=APPLE_ISIN)
    assert (by_isin.organisation_id, by_isin.resolution) == (1, Resolution.identifier)


def test_an_identifier_shared_by_two_organisations_is_ambiguous() -> None:
    decision = resolved("Shared", isin="US5949181045")
    assert decision.resolution is Resolution.ambiguous and decision.organisation_id is None
    assert {c["organisation_id"] for c in decision.candidates} == {7, 8}


def test_names_written_differently_resolve_through_the_engine_normalisation() -> None:
    decision = resolved("Cia. Minera Antamina", country="PE")
    assert (decision.organisation_id, decision.resolution) == (3, Resolution.name)
    assert resolved("ANTAMINA").organisation_id == 3  # an alias
    assert resolved("Apple Incorporated", country="US").organisation_id == 1


def test_country_tells_apart_two_organisations_of_the_same_name() -> None:
    assert resolved("Palmas del Sur", country="GT").organisation_id == 5
    assert resolved("Palmas del Sur", country="CO").organisation_id == 4


def test_same_name_without_country_is_ambiguous_with_both_candidates() -> None:
    decision = resolved("Palmas del Sur")
    assert decision.resolution is Resolution.ambiguous
    candidates = decision.candidates
    assert {c["organisation_id"]: c["country"] for c in candidates} == {4: "CO", 5: "GT"}
    assert set(candidates[0]) == {"organisation_id", "name", "country", "score"}
    assert [c["score"] for c in candidates] == [100, 100]


def test_a_name_nobody_knows_is_unresolved() -> None:
    decision = resolved("Teck Resources")  # shares only a generic word with Tahoe Resources
    assert decision.resolution is Resolution.unresolved and decision.candidates == []


def test_a_remembered_mapping_wins_over_identifiers_and_names() -> None:
    keys = holding_keys(isin=APPLE_ISIN, lei=None, name="Apple", country="US")
    assert keys == [f"isin:{APPLE_ISIN}", "name:apple|US"]
    decision = resolved("Apple", isin=APPLE_ISIN, country="US", mappings={keys[1]: 6})
    assert (decision.organisation_id, decision.resolution) == (6, Resolution.mapped)
    stale = resolved("Apple", isin=APPLE_ISIN, country="US", mappings={keys[0]: 999})
    assert stale.resolution is Resolution.identifier  # a mapping to no known organisation


def test_search_finds_alike_names_and_names_containing_the_text() -> None:
    assert {c.organisation_id for c in DIRECTORY.search("palmas")} == {4, 5}
    assert 3 in {c.organisation_id for c in DIRECTORY.search("Antamina")}
    assert DIRECTORY.search("   ") == []


def test_resolve_holdings_reads_the_database_and_skips_other_kinds(
    app: Flask, world: World
) -> None:
    with db.session_scope(app) as session:
        ngo = Organisation(name="Red Verde", kind=OrganisationKind.ngo, country="CO")
        bank = Organisation(
            name="Banco Andino", kind=OrganisationKind.financial_institution, country="BO"
        )
        session.add_all([ngo, bank])
        session.flush()
        holdings = [
            PortfolioHolding(portfolio_id=0, position=2, name="Red Verde", country="CO"),
            PortfolioHolding(portfolio_id=0, position=3, name="Banco Andino S.A.", country="BO"),
            PortfolioHolding(portfolio_id=0, position=4, name="Minera Alfa", country=None),
        ]
        session.add(
            HoldingMapping(
                investor_id=world["investor"].organisation_id,
                key="name:red verde|CO",
                organisation_id=ngo.id,  # not a company: ignored
            )
        )
        session.flush()
        resolve_holdings(
            session=session, investor_id=world["investor"].organisation_id, holdings=holdings
        )
        assert holdings[0].resolution is Resolution.unresolved
        assert (holdings[1].organisation_id, holdings[1].resolution) == (bank.id, Resolution.name)
        company_a = world["company_a"].organisation_id
        assert holdings[2].organisation_id == company_a  # "Minera Alfa S.A." of the world
        session.rollback()


def test_five_thousand_holdings_resolve_against_five_thousand_organisations_quickly(
    app: Flask, world: World
) -> None:
    count = 5_000
    with db.session_scope(app) as session:
        session.execute(
            sa.insert(Organisation),
            [
                {
                    "name": f"Empresa {n:05d} Norte Holdings",
                    "kind": "company",
                    "country": "CO" if n % 2 else "PE",
                    "lei": None,
                    "isins": [f"XS{n:09d}0"] if n % 3 == 0 else [],
                    "aliases": [],
                    "created_at": now(),
                }
                for n in range(count)
            ],
        )
        investor = world["investor"].organisation_id
        portfolio = Portfolio(
            organisation_id=investor, name="Big", filename="b.csv", file_sha256="0"
        )
        session.add(portfolio)
        session.commit()
        holdings = [
            PortfolioHolding(
                portfolio_id=portfolio.id,
                position=n + 2,
                name=f"EMPRESA {n:05d} NORTE" if n % 3 else f"Ticker {n}",
                isin=f"XS{n:09d}0" if n % 3 == 0 else None,
                country="CO" if n % 2 else "PE",
            )
            for n in range(count)
        ]
        statements: list[str] = []

        def count(_connection, _cursor, statement, *_args) -> None:
            statements.append(statement)

        engine = db.engine(app)
        sa.event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        try:
            resolve_holdings(session=session, investor_id=investor, holdings=holdings)
        finally:
            elapsed = time.perf_counter() - started
            sa.event.remove(engine, "before_cursor_execute", count)
    by_kind = {r: sum(1 for h in holdings if h.resolution is r) for r in Resolution}
    assert by_kind[Resolution.identifier] == 1_667 and by_kind[Resolution.name] == 3_333
    assert len(statements) <= 3  # the directory and the mappings, never a query per holding
    assert elapsed < 20, f"{elapsed:.1f}s"


def test_the_directory_is_built_once_per_content_of_the_organisations(app: Flask) -> None:
    with db.session_scope(app) as session:
        session.add(Organisation(name="Minera Andina", kind=OrganisationKind.company))
        session.commit()
        first = OrganisationDirectory.load(session)
        assert OrganisationDirectory.load(session) is first
        andina = session.exec(sa.select(Organisation).where(Organisation.name == "Minera Andina"))
        organisation = andina.scalar_one()
        organisation.aliases = ["Cobre del Sur"]
        session.add(organisation)
        session.commit()
        renamed = OrganisationDirectory.load(session)
        assert renamed is not first
        assert [c.organisation_id for c in renamed.search("cobre del sur")] == [organisation.id]
