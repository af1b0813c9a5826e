"""The watchlist: investors watch organisations (or a whole portfolio) and read their alerts."""

from __future__ import annotations

from http import HTTPStatus

from flask import current_app

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api import blueprint, respond
from compliance.clock import now
from compliance.pagination import PageQuery, page_size
from compliance.watchlist import service as watchlist_service
from compliance.watchlist.models import (
    AlertPage,
    OrganisationPath,
    PortfolioPath,
    WatchAdd,
    WatchAdded,
    WatchPage,
)

bp = blueprint(
    "api_watchlist",
    __name__,
    tag="Watchlist",
    description="Organisations an investor watches, and the alerts raised on them",
)


@bp.get("/watchlist", summary="Organisations you watch", responses={200: WatchPage})
def list_watchlist(query: PageQuery):
    actor = current_actor()
    policy.require(actor, "watchlist.manage")
    page = watchlist_service.list_page(
        session=db.session(),
        investor_id=actor.organisation_id,
        limit=page_size(query.limit, current_app.config),
        cursor=query.cursor,
    )
    return respond(WatchPage, {"items": page.items, "next_cursor": page.next_cursor})


@bp.post(
    "/watchlist",
    summary="Watch organisations",
    description="Organisations watched already stay as they are. A certificate issued or "
    "changing status, a confirmed incident or an admitted challenge on a watched organisation "
    "raises an alert, sent by e-mail and to your webhooks.",
    responses={200: WatchAdded},
)
def add_to_watchlist(body: WatchAdd):
    actor = current_actor()
    policy.require(actor, "watchlist.manage")
    session = db.session()
    added = watchlist_service.add(
        session=session, actor=actor, organisation_ids=body.organisation_ids, now=now()
    )
    session.commit()
    return respond(WatchAdded, added)


@bp.delete(
    "/watchlist/<int:organisation_id>",
    summary="Stop watching an organisation",
    responses={204: None},
)
def remove_from_watchlist(path: OrganisationPath):
    actor = current_actor()
    policy.require(actor, "watchlist.manage")
    session = db.session()
    watchlist_service.remove(
        session=session, actor=actor, organisation_id=path.organisation_id, now=now()
    )
    session.commit()
    return "", HTTPStatus.NO_CONTENT


@bp.post(
    "/portfolios/<int:portfolio_id>/watch",
    summary="Watch every resolved holding of one of your portfolios",
    responses={200: WatchAdded},
)
def watch_portfolio(path: PortfolioPath):
    actor = current_actor()
    policy.require(actor, "watchlist.manage")
    session = db.session()
    added = watchlist_service.watch_portfolio(
        session=session, actor=actor, portfolio_id=path.portfolio_id, now=now()
    )
    session.commit()
    return respond(WatchAdded, added)


@bp.get("/alerts", summary="Alerts on the organisations you watch", responses={200: AlertPage})
def list_alerts(query: PageQuery):
    actor = current_actor()
    policy.require(actor, "watchlist.manage")
    page = watchlist_service.alerts_page(
        session=db.session(),
        investor_id=actor.organisation_id,
        limit=page_size(query.limit, current_app.config),
        cursor=query.cursor,
    )
    items = [row[0] for row in page.items]
    return respond(AlertPage, {"items": items, "next_cursor": page.next_cursor})
