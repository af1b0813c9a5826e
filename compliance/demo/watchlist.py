"""The asset manager's watchlist: three demo companies it holds, watched from a year ago, so
their certificates' later changes (a suspension, a revocation) show up as its alerts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from compliance.demo.organisations import actor, organisation_id
from compliance.watchlist import service as watchlist_service

INVESTOR_LOGIN = "stewardship@northbridge.example"
WATCHED = (
    "Minera Andes Cobre S.A.C.",
    "Palmas del Norte Agroindustrial S.A.",
    "Hidroeléctrica Río Claro S.A. de C.V.",
)
WATCHING_SINCE = timedelta(days=365)


def seed_watchlist(*, session: Session, now: datetime) -> None:
    """Watch the companies (those watched already stay as they are)."""
    watchlist_service.add(
        session=session,
        actor=actor(session, INVESTOR_LOGIN),
        organisation_ids=[organisation_id(session, name) for name in WATCHED],
        now=now - WATCHING_SINCE,
    )
