"""Every GET page of the web blueprints, the roles who may see it, and where it is in the world.

A GET rule of a web blueprint missing from PAGES (or from DOWNLOADS, for files that are not
pages) fails `test_every_web_page_is_mapped`, so a new page cannot skip the checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from tests.accessibility.world import A11yWorld

PUBLIC = ("anonymous", "company", "reviewer", "ngo", "investor")
SIGNED_IN = ("company", "reviewer", "ngo", "investor")
OWNER_AND_REVIEWER = ("company", "reviewer")


@dataclass(frozen=True)
class Page:
    roles: tuple[str, ...]
    path: Callable[[A11yWorld], str]


def fixed(path: str) -> Callable[[A11yWorld], str]:
    return lambda w: path


def _draft(suffix: str = "") -> Callable[[A11yWorld], str]:
    return lambda w: f"/assessments/{w.draft_assessment_id}{suffix}"


def _portfolio(suffix: str = "") -> Callable[[A11yWorld], str]:
    return lambda w: f"/portfolios/{w.portfolio.portfolio_id}{suffix}"


PAGES: dict[str, Page] = {
    "web.home": Page(PUBLIC, fixed("/")),
    "web.login": Page(("anonymous",), fixed("/login")),
    "web.tokens": Page(SIGNED_IN, fixed("/account/tokens")),
    "web.assessments": Page(("company", "investor"), fixed("/assessments")),
    "web.assessment": Page(OWNER_AND_REVIEWER, _draft()),
    "web.assessment_section": Page(OWNER_AND_REVIEWER, _draft("/sections/A")),
    "web_datasets.problems": Page(OWNER_AND_REVIEWER, _draft("/datasets/sites/problems")),
    "web.workbook_problems": Page(OWNER_AND_REVIEWER, _draft("/workbook/problems")),
    "web_certificates.register": Page(PUBLIC, fixed("/register")),
    "web_certificates.certificate": Page(PUBLIC, lambda w: f"/certificates/{w.portfolio.cert_a}"),
    "web_certificates.verify": Page(PUBLIC, fixed("/verify")),
    "web_methodology.methodology": Page(PUBLIC, fixed("/methodology")),
    "web_log.transparency_log": Page(PUBLIC, fixed("/log")),
    "web_review.queue": Page(("reviewer",), fixed("/review")),
    "web_review.review": Page(("reviewer",), lambda w: f"/review/{w.submitted_assessment_id}"),
    "web_challenges.tracker": Page(
        PUBLIC, lambda w: f"/certificates/{w.portfolio.cert_a}/challenges"
    ),
    "web_challenges.file_challenge": Page(
        ("anonymous", "ngo"), lambda w: f"/certificates/{w.portfolio.cert_a}/challenges/new"
    ),
    "web_challenges.mine": Page(SIGNED_IN, fixed("/challenges")),
    "web_challenges.case": Page(
        ("company", "reviewer", "ngo"), lambda w: f"/challenges/{w.challenge_case}"
    ),
    "web_challenges.triage": Page(("reviewer",), fixed("/challenges/triage")),
    "web_challenges.messages": Page(SIGNED_IN, fixed("/messages")),
    "web_incidents.list_incidents": Page(SIGNED_IN, fixed("/incidents")),
    "web_incidents.incident": Page(SIGNED_IN, lambda w: f"/incidents/{w.incident_ref}"),
    "web_incidents.submit_incident": Page(("ngo", "reviewer"), fixed("/incidents/new")),
    "web_screening.matches": Page(("company", "reviewer", "investor"), fixed("/matches")),
    "web_portfolios.portfolios": Page(("investor",), fixed("/portfolios")),
    "web_portfolios.portfolio": Page(("investor",), _portfolio()),
    "web_portfolios.holding": Page(("investor",), _portfolio("/holdings/1")),
    "web_briefings.briefing": Page(("investor",), _portfolio("/briefing")),
    "web_watchlist.watchlist": Page(("investor",), fixed("/watchlist")),
}

# Files, not pages: spreadsheets, PDFs, JSON and evidence downloads.
DOWNLOADS = {
    "web.download_workbook",
    "web.download_workbook_report",
    "web.download_evidence",
    "web_certificates.pdf",
    "web_datasets.report",
    "web_datasets.template",
    "web_challenges.evidence",
    "web_methodology.methodology_rules",
    "web_methodology.methodology_pdf",
    "web_briefings.download_json",
    "web_briefings.download_pdf",
    "web_briefings.download_xlsx",
    "web_portfolios.progress",
    "web_datasets.progress",
    "web.workbook_progress",
    "web_portfolios.report",
}

# Empty lists and other states the mapped visits do not reach: (role, path, status); the path
# is formatted with the world as `w`.
STATES: list[tuple[str, str, int]] = [
    ("newcomer", "/", 200),
    ("newcomer", "/portfolios", 200),
    ("newcomer", "/watchlist", 200),
    ("newcomer", "/assessments", 200),
    ("company_b", "/challenges", 200),
    ("company_b", "/matches", 200),
    ("company_b", "/", 200),
    ("anonymous", "/register?q=no-such-organisation-anywhere", 200),
    ("reviewer", "/incidents?country=IS", 200),
    ("investor", "/portfolios/{w.validating_portfolio_id}", 200),
    ("company", "/no-such-page", 404),
]


def web_get_endpoints(app: Flask) -> set[str]:
    """Endpoints of every GET rule of the web blueprints (their names start with 'web')."""
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint.split(".")[0].split("_")[0] == "web"
    }


def visits() -> list[tuple[str, str]]:
    """(endpoint, role) for every page and every role who may see it."""
    return [(endpoint, role) for endpoint, page in PAGES.items() for role in page.roles]
