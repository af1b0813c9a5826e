"""The watchlist API: watch and unwatch, bad ids refused whole, a portfolio's holdings, and
strict tenancy between investors."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from compliance import db
from compliance.portfolios.models import Portfolio, PortfolioHolding, PortfolioStatus, Resolution
from compliance.watchlist.models import Watch
from tests.conftest import World
from tests.watchlist.support import second_investor


def _watching(client: FlaskClient, headers: dict) -> list[str]:
    answer = client.get("/api/v1/watchlist", headers=headers)
    assert answer.status_code == 200
    return sorted(item["organisation_name"] for item in answer.get_json()["items"])


def _portfolio(app: Flask, owner_id: int, holdings: list[int | None]) -> int:
    with db.session_scope(app) as session:
        portfolio = Portfolio(
            organisation_id=owner_id,
            name="Fondo Gamma Equities",
            status=PortfolioStatus.ready,
            filename="holdings.xlsx",
            file_sha256="0" * 64,
            holding_count=len(holdings),
        )
        session.add(portfolio)
        session.flush()
        for position, organisation_id in enumerate(holdings, start=2):
            session.add(
                PortfolioHolding(
                    portfolio_id=portfolio.id,
                    position=position,
                    name=f"Holding {position}",
                    organisation_id=organisation_id,
                    resolution=Resolution.identifier if organisation_id else Resolution.unresolved,
                )
            )
        session.commit()
        return portfolio.id


def test_an_investor_watches_and_unwatches_organisations(client: FlaskClient, world: World) -> None:
    headers = world["investor"].headers
    ids = [world["company_a"].organisation_id, world["company_b"].organisation_id]
    added = client.post("/api/v1/watchlist", json={"organisation_ids": ids}, headers=headers)
    assert added.status_code == 200
    assert added.get_json() == {"added": 2, "already_watched": 0, "watching": 2}
    again = client.post(
        "/api/v1/watchlist", json={"organisation_ids": ids + ids[:1]}, headers=headers
    )
    assert again.get_json() == {"added": 0, "already_watched": 2, "watching": 2}
    listed = client.get("/api/v1/watchlist", headers=headers).get_json()["items"]
    assert {item["organisation_name"] for item in listed} == {"Minera Alfa S.A.", "Agro Beta Ltda"}
    assert all(item["certificate"] is None and item["kind"] == "company" for item in listed)

    first_page = client.get("/api/v1/watchlist?limit=1", headers=headers).get_json()
    assert len(first_page["items"]) == 1 and first_page["next_cursor"]
    rest = client.get(
        f"/api/v1/watchlist?limit=1&cursor={first_page['next_cursor']}", headers=headers
    ).get_json()
    assert len(rest["items"]) == 1 and rest["items"][0] != first_page["items"][0]

    gone = client.delete(f"/api/v1/watchlist/{ids[0]}", headers=headers)
    assert gone.status_code == 204
    assert _watching(client, headers) == ["Agro Beta Ltda"]
    assert client.delete(f"/api/v1/watchlist/{ids[0]}", headers=headers).status_code == 404


def test_unknown_or_unwatchable_organisations_refuse_the_whole_request(
    app: Flask, client: FlaskClient, world: World
) -> None:
    headers = world["investor"].headers
    body = {
        "organisation_ids": [
            world["company_a"].organisation_id,
            987654,
            world["ngo"].organisation_id,
        ]
    }
    refused = client.post("/api/v1/watchlist", json=body, headers=headers)
    assert refused.status_code == 422
    problem = refused.get_json()
    assert "nothing was added" in problem["detail"]
    assert [e["pointer"] for e in problem["errors"]] == [
        "/organisation_ids/1",
        "/organisation_ids/2",
    ]
    assert "no organisation 987654" in problem["errors"][0]["detail"]
    assert "not a company or a financial institution" in problem["errors"][1]["detail"]
    assert _watching(client, headers) == []
    empty = client.post("/api/v1/watchlist", json={"organisation_ids": []}, headers=headers)
    assert empty.status_code == 422


def test_only_investors_have_a_watchlist(client: FlaskClient, world: World) -> None:
    body = {"organisation_ids": [world["company_b"].organisation_id]}
    for who in ("company_a", "ngo", "reviewer"):
        assert client.get("/api/v1/watchlist", headers=world[who].headers).status_code == 403
        refused = client.post("/api/v1/watchlist", json=body, headers=world[who].headers)
        assert refused.status_code == 403
        assert "investors and banks" in refused.get_json()["detail"]
    assert client.get("/api/v1/watchlist").status_code == 401


def test_investors_never_see_each_others_watchlists_alerts_or_webhooks(
    app: Flask, client: FlaskClient, world: World
) -> None:
    other = second_investor(app)
    headers = world["investor"].headers
    ids = [world["company_a"].organisation_id]
    client.post("/api/v1/watchlist", json={"organisation_ids": ids}, headers=headers)
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = True
    hook = client.post("/api/v1/webhooks", json={"url": "http://10.1.2.3/h"}, headers=headers)
    assert hook.status_code == 201

    assert _watching(client, other.headers) == []
    assert client.get("/api/v1/webhooks", headers=other.headers).get_json()["items"] == []
    assert client.get("/api/v1/alerts", headers=other.headers).get_json()["items"] == []
    assert client.delete(f"/api/v1/watchlist/{ids[0]}", headers=other.headers).status_code == 404
    deleted = client.delete(f"/api/v1/webhooks/{hook.get_json()['id']}", headers=other.headers)
    assert deleted.status_code == 404
    assert _watching(client, headers) == ["Minera Alfa S.A."]
    assert len(client.get("/api/v1/webhooks", headers=headers).get_json()["items"]) == 1


def test_watching_a_portfolio_watches_its_resolved_holdings(
    app: Flask, client: FlaskClient, world: World
) -> None:
    headers = world["investor"].headers
    portfolio_id = _portfolio(
        app,
        world["investor"].organisation_id,
        [world["company_a"].organisation_id, None, world["company_b"].organisation_id],
    )
    answer = client.post(f"/api/v1/portfolios/{portfolio_id}/watch", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"added": 2, "already_watched": 0, "watching": 2}
    listed = client.get("/api/v1/watchlist", headers=headers).get_json()["items"]
    assert {item["portfolio_id"] for item in listed} == {portfolio_id}
    again = client.post(f"/api/v1/portfolios/{portfolio_id}/watch", headers=headers)
    assert again.get_json()["added"] == 0

    other = second_investor(app)
    assert (
        client.post(f"/api/v1/portfolios/{portfolio_id}/watch", headers=other.headers).status_code
        == 404
    )
    with db.session_scope(app) as session:
        rows = session.exec(select(Watch).where(Watch.investor_id == other.organisation_id))
        assert rows.all() == []

    unresolved = _portfolio(app, world["investor"].organisation_id, [None, None])
    refused = client.post(f"/api/v1/portfolios/{unresolved}/watch", headers=headers)
    assert refused.status_code == 422 and "map the holdings" in refused.get_json()["detail"]
