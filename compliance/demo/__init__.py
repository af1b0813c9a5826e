"""The demo world: organisations with their logins, sites and suppliers, incidents and their
matches, assessments in every state, certificates of every tier and status, a challenge, a
watchlist and screened portfolios, all made through the services a user's requests go
through. Seeding again changes nothing."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from compliance import db
from compliance.demo import certificates, challenges, incidents, portfolios, watchlist
from compliance.demo.organisations import DEMO_PASSWORD, DemoLogin, seed_organisations
from compliance.jobs.held import holding

__all__ = ["DEMO_PASSWORD", "WHAT_TO_LOOK_AT", "DemoLogin", "seed"]

# (page, what it shows and as whom), printed by `seed-demo` after the logins.
WHAT_TO_LOOK_AT: tuple[tuple[str, str], ...] = (
    ("/register", "certificates of every tier and status (public, no sign-in)"),
    ("/assessments", "as a company: assessments in each state, sites and suppliers"),
    ("/review", "as the reviewer: submitted and under-review assessments"),
    ("/matches", "as the reviewer: incident matches, one confirmed, others to decide"),
    ("/incidents", "Global Witness records 2012-2021 and three NGO reports"),
    ("/challenges", "as the Colombian NGO: its open challenge of a certificate"),
    ("/portfolios", "as the bank or the asset manager: a screened portfolio"),
    ("/watchlist", "as the asset manager: watched companies and their alerts"),
)


def seed(*, app: Flask, now: datetime) -> list[DemoLogin]:
    """Build the world in two steps, each committed and followed by the jobs it queued: the
    second needs their results (the screening's matches to review), and the portfolios are
    screened last, against everything else."""
    with holding(app) as held, db.session_scope(app) as session:
        logins = seed_organisations(session=session)
        watchlist.seed_watchlist(session=session, now=now)
        certificates.seed_histories(session=session, now=now)
        challenges.seed_challenge(session=session, now=now)
        incidents.seed_incidents(session=session, now=now)
        session.commit()
        held.run_all(app)
        incidents.review_matches(session=session, now=now)
        portfolios.seed_portfolios(session=session, now=now)
        session.commit()
        held.run_all(app)
    return logins
