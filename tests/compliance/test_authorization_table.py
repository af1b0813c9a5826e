"""Every route, called by every kind of identity, answers as the table says.

Adding a route without adding it here fails `test_every_route_is_in_the_table`.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from compliance import db
from compliance.accounts import service as account_service
from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation, User
from compliance.assessments import service as assessment_service
from compliance.assessments.models import AssessmentCreate
from compliance.certificates import service as certificate_service
from compliance.certificates.issuer import Issuer
from compliance.challenges import service as challenge_service
from compliance.challenges.deadlines import DeadlinePolicy
from compliance.challenges.models import ChallengeCreate, ChallengeDecisionIn
from compliance.clock import now
from compliance.incidents import service as incident_service
from compliance.incidents.content import IncidentContent, IncidentDraft
from compliance.incidents.models import Incident, IncidentFeed
from compliance.jobs.models import Job
from compliance.portfolios.models import Portfolio
from compliance.screening.models import Match
from compliance.storage import FileStore
from compliance.transparency import service as log_service
from questionnaires.registry import default_registry
from questionnaires.xlsx_template import build_template
from tests.certificates.support import probe_certificate
from tests.conftest import PASSWORD, World, csrf_token, sign_in
from tests.portfolios.holdings_support import investor_only, portfolio_probes, probe_holding

IDENTITIES = ("anonymous", "company_a", "company_b", "investor", "ngo", "reviewer")


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(IDENTITIES, status)


def signed_in(status: int, *, anonymous: int) -> dict[str, int]:
    return {**everyone(status), "anonymous": anonymous}


def owner_only(
    owner: str, status: int, *, others: int, anonymous: int, also: tuple[str, ...] = ()
) -> dict[str, int]:
    return {
        **everyone(others),
        "anonymous": anonymous,
        owner: status,
        **dict.fromkeys(also, status),
    }


@dataclass
class Subjects:
    """Objects owned by company A that the probes point at."""

    job_id: str
    api_token_id: int
    web_token_id: int
    assessment_id: int
    evidence_id: int
    incident_ref: str
    feed_id: int
    match_id: int
    cert_id: str
    challenge_case: str  # acknowledged: awaiting company A's response
    filed_case: str  # filed: awaiting acknowledgement
    challenge_file_id: int = 0  # the NGO's evidence file on challenge_case
    briefing_portfolio_id: int = 0  # the investor's, still validating: briefings not ready


@dataclass
class Probe:
    method: str
    rule: str
    expect: dict[str, int]
    path: Callable[[Subjects], str] | None = None
    json: Callable[[str], dict] | None = None
    web_form: Callable[[str], dict] | None = None
    upload: Callable[[], dict] | None = None

    def url(self, subjects: Subjects) -> str:
        return self.path(subjects) if self.path else self.rule


PDF = b"%PDF-1.4\n%%EOF\n"


def _pdf() -> dict:
    return {"file": (io.BytesIO(PDF), "policy.pdf")}


def _template() -> dict:
    return {"file": (io.BytesIO(build_template(default_registry().get("company"))), "answers.xlsx")}


def _sites_csv() -> dict:
    data = "Name,Type,Country,Status,On Indigenous land\r\nMina Norte,mine,CO,operating,no\r\n"
    return {"file": (io.BytesIO(data.encode()), "sites.csv")}


def _assessment(suffix: str = "") -> Callable[[Subjects], str]:
    return lambda s: f"/api/v1/assessments/{s.assessment_id}{suffix}"


def _certificate(suffix: str = "") -> Callable[[Subjects], str]:
    return lambda s: f"/api/v1/certificates/{s.cert_id}{suffix}"


OWNER_AND_REVIEWER = {
    "anonymous": 401,
    "company_a": 200,
    "company_b": 404,
    "investor": 404,
    "ngo": 404,
    "reviewer": 200,
}


def owner_edits(status: int) -> dict[str, int]:
    return {
        "anonymous": 401,
        "company_a": status,
        "company_b": 404,
        "investor": 404,
        "ngo": 404,
        "reviewer": 403,
    }


def web_view(status: int) -> dict[str, int]:
    """A page of company A's assessment: its organisation and reviewers see it."""
    return {
        "anonymous": 302,
        "company_a": status,
        "company_b": 404,
        "investor": 404,
        "ngo": 404,
        "reviewer": status,
    }


def web_edit(status: int) -> dict[str, int]:
    """A change to company A's assessment: its organisation only; reviewers read, never edit."""
    return {**web_view(status), "reviewer": 403}


REVIEWER_ONLY = {**everyone(403), "anonymous": 401}
SUBMITTERS = {**everyone(403), "anonymous": 401, "ngo": 201, "reviewer": 201}
SUBMITTER_PAGES = {**everyone(403), "anonymous": 302, "ngo": 200, "reviewer": 200}


def _incident(suffix: str = "") -> Callable[[Subjects], str]:
    return lambda s: f"/api/v1/incidents/{s.incident_ref}{suffix}"


def _incident_submission(identity: str) -> dict:
    return {
        "occurred_on": "2024-01-05",
        "country": "CO",
        "attack_types": ["intimidation"],
        "consent_basis": "public_source",
    }


def _incident_form(identity: str) -> dict:
    return {
        "occurred_on": "2024-01-05",
        "date_precision": "day",
        "country": "CO",
        "sector": "mining",
        "attack_types": ["intimidation"],
        "perpetrator_type": "unknown",
        "consent_basis": "public_source",
    }


def _credentials(identity: str) -> dict:
    if identity == "anonymous":
        return {"email": "nobody@example.org", "password": PASSWORD}
    return {"email": f"{identity}@example.org", "password": PASSWORD}


def _briefing_path(rule: str) -> Callable[[Subjects], str]:
    return lambda s: rule.replace("<int:portfolio_id>", str(s.briefing_portfolio_id))


TABLE: list[Probe] = [
    Probe("GET", "/healthz", everyone(200)),
    Probe("GET", "/api/v1/openapi.json", everyone(200)),
    Probe("GET", "/api/v1/docs", everyone(200)),
    Probe(
        "GET",
        "/api/v1/swagger/<path:filename>",
        everyone(200),
        path=lambda s: "/api/v1/swagger/css/swagger-ui.css",
    ),
    Probe("GET", "/static/<path:filename>", everyone(200), path=lambda s: "/static/css/app.css"),
    Probe("POST", "/api/v1/auth/tokens", signed_in(201, anonymous=401), json=_credentials),
    Probe("GET", "/api/v1/auth/tokens", signed_in(200, anonymous=401)),
    Probe(
        "DELETE",
        "/api/v1/auth/tokens/<int:token_id>",
        owner_only("company_a", 200, others=404, anonymous=401),
        path=lambda s: f"/api/v1/auth/tokens/{s.api_token_id}",
    ),
    Probe("GET", "/api/v1/me", signed_in(200, anonymous=401)),
    Probe(
        "GET",
        "/api/v1/jobs/<job_id>",
        owner_only("company_a", 200, others=404, anonymous=401, also=("reviewer",)),
        path=lambda s: f"/api/v1/jobs/{s.job_id}",
    ),
    Probe("GET", "/api/v1/questionnaires", everyone(200)),
    Probe(
        "GET",
        "/api/v1/questionnaires/<key>",
        everyone(200),
        path=lambda s: "/api/v1/questionnaires/company",
    ),
    Probe(
        "GET",
        "/api/v1/questionnaires/<key>/template.xlsx",
        everyone(200),
        path=lambda s: "/api/v1/questionnaires/company/template.xlsx",
    ),
    Probe(
        "GET",
        "/api/v1/questionnaires/<key>/xlsform.xlsx",
        everyone(200),
        path=lambda s: "/api/v1/questionnaires/company/xlsform.xlsx",
    ),
    Probe(
        "POST",
        "/api/v1/assessments",
        {
            "anonymous": 401,
            "company_a": 409,
            "company_b": 201,
            "investor": 422,
            "ngo": 403,
            "reviewer": 403,
        },
        json=lambda identity: {"questionnaire_key": "company"},
    ),
    Probe("GET", "/api/v1/assessments", signed_in(200, anonymous=401)),
    Probe("GET", "/api/v1/assessments/<int:assessment_id>", OWNER_AND_REVIEWER, path=_assessment()),
    Probe(
        "PATCH",
        "/api/v1/assessments/<int:assessment_id>/answers",
        owner_edits(200),
        path=_assessment("/answers"),
        json=lambda identity: {"answers": {"A1": "yes"}},
    ),
    Probe(
        "GET",
        "/api/v1/assessments/<int:assessment_id>/answers.xlsx",
        OWNER_AND_REVIEWER,
        path=_assessment("/answers.xlsx"),
    ),
    Probe(
        "POST",
        "/api/v1/assessments/<int:assessment_id>/answers.xlsx",
        owner_edits(202),
        path=_assessment("/answers.xlsx"),
        upload=_template,
    ),
    Probe(
        "GET",
        "/api/v1/assessments/<int:assessment_id>/answers-report.xlsx",
        {**OWNER_AND_REVIEWER, "company_a": 404, "reviewer": 404},
        path=_assessment("/answers-report.xlsx"),
    ),
    Probe(
        "POST",
        "/api/v1/assessments/<int:assessment_id>/evidence",
        owner_edits(201),
        path=_assessment("/evidence"),
        upload=_pdf,
    ),
    Probe(
        "POST",
        "/api/v1/assessments/<int:assessment_id>/evidence/links",
        owner_edits(201),
        path=_assessment("/evidence/links"),
        json=lambda identity: {"url": "https://example.org/p"},
    ),
    Probe(
        "GET",
        "/api/v1/assessments/<int:assessment_id>/evidence/<int:evidence_id>",
        OWNER_AND_REVIEWER,
        path=lambda s: f"/api/v1/assessments/{s.assessment_id}/evidence/{s.evidence_id}",
    ),
    Probe(
        "POST",
        "/api/v1/assessments/<int:assessment_id>/submit",
        owner_edits(422),
        path=_assessment("/submit"),
    ),
    Probe(
        "POST",
        "/api/v1/assessments/<int:assessment_id>/decision",
        {**owner_edits(403), "reviewer": 409},
        path=_assessment("/decision"),
        json=lambda identity: {"decision": "approve"},
    ),
    Probe(
        "GET",
        "/api/v1/assessments/<int:assessment_id>/score",
        OWNER_AND_REVIEWER,
        path=_assessment("/score"),
    ),
    Probe("GET", "/assessments", signed_in(200, anonymous=302)),
    Probe(
        "POST",
        "/assessments",
        {
            "anonymous": 302,
            "company_a": 409,
            "company_b": 302,
            "investor": 302,
            "ngo": 403,
            "reviewer": 403,
        },
        web_form=lambda identity: {},
    ),
    Probe(
        "GET",
        "/assessments/<int:assessment_id>",
        web_view(200),
        path=lambda s: f"/assessments/{s.assessment_id}",
    ),
    Probe(
        "GET",
        "/assessments/<int:assessment_id>/sections/<section_id>",
        web_view(200),
        path=lambda s: f"/assessments/{s.assessment_id}/sections/A",
    ),
    Probe(
        "POST",
        "/assessments/<int:assessment_id>/sections/<section_id>",
        web_edit(302),
        path=lambda s: f"/assessments/{s.assessment_id}/sections/A",
        web_form=lambda identity: {"q_A1": "yes"},
    ),
    Probe(
        "POST",
        "/assessments/<int:assessment_id>/evidence",
        web_edit(302),
        path=lambda s: f"/assessments/{s.assessment_id}/evidence",
        web_form=lambda identity: {"url": "https://example.org/x"},
    ),
    Probe(
        "POST",
        "/assessments/<int:assessment_id>/workbook",
        web_edit(422),  # no file: the overview says so
        path=lambda s: f"/assessments/{s.assessment_id}/workbook",
        web_form=lambda identity: {},
    ),
    Probe(
        "GET",
        "/assessments/<int:assessment_id>/workbook/progress.json",
        web_view(200),
        path=lambda s: f"/assessments/{s.assessment_id}/workbook/progress.json",
    ),
    Probe(
        "GET",
        "/assessments/<int:assessment_id>/workbook/problems",
        web_view(404),  # no workbook was refused
        path=lambda s: f"/assessments/{s.assessment_id}/workbook/problems",
    ),
    Probe(
        "POST",
        "/assessments/<int:assessment_id>/submit",
        web_edit(302),
        path=lambda s: f"/assessments/{s.assessment_id}/submit",
        web_form=lambda identity: {},
    ),
    Probe(
        "GET",
        "/assessments/<int:assessment_id>/answers.xlsx",
        web_view(200),
        path=lambda s: f"/assessments/{s.assessment_id}/answers.xlsx",
    ),
    Probe(
        "GET",
        "/assessments/<int:assessment_id>/answers-report.xlsx",
        web_view(404),
        path=lambda s: f"/assessments/{s.assessment_id}/answers-report.xlsx",
    ),
    Probe(
        "GET",
        "/assessments/<int:assessment_id>/evidence/<int:evidence_id>",
        web_view(200),
        path=lambda s: f"/assessments/{s.assessment_id}/evidence/{s.evidence_id}",
    ),
    Probe(
        "POST",
        "/api/v1/assessments/<int:assessment_id>/datasets/<kind>",
        owner_edits(202),
        path=_assessment("/datasets/sites"),
        upload=_sites_csv,
    ),
    Probe(
        "GET",
        "/api/v1/assessments/<int:assessment_id>/datasets/<kind>",
        OWNER_AND_REVIEWER,
        path=_assessment("/datasets/sites"),
    ),
    Probe(
        "GET",
        "/api/v1/assessments/<int:assessment_id>/datasets/<kind>/rows",
        OWNER_AND_REVIEWER,
        path=_assessment("/datasets/suppliers/rows"),
    ),
    Probe(
        "GET",
        "/api/v1/assessments/<int:assessment_id>/datasets/<kind>/problems",
        OWNER_AND_REVIEWER,
        path=_assessment("/datasets/sites/problems"),
    ),
    Probe(
        "GET",
        "/api/v1/assessments/<int:assessment_id>/datasets/<kind>/report.xlsx",
        {**OWNER_AND_REVIEWER, "company_a": 404, "reviewer": 404},
        path=_assessment("/datasets/sites/report.xlsx"),
    ),
    Probe(
        "GET",
        "/api/v1/datasets/<kind>/template.xlsx",
        everyone(200),
        path=lambda s: "/api/v1/datasets/sites/template.xlsx",
    ),
    Probe(
        "POST",
        "/assessments/<int:assessment_id>/datasets/<kind>",
        web_edit(422),  # no file: the overview says so
        path=lambda s: f"/assessments/{s.assessment_id}/datasets/sites",
        web_form=lambda identity: {},
    ),
    Probe(
        "GET",
        "/assessments/<int:assessment_id>/datasets/<kind>/problems",
        web_view(404),
        path=lambda s: f"/assessments/{s.assessment_id}/datasets/sites/problems",
    ),
    Probe(
        "GET",
        "/assessments/<int:assessment_id>/datasets/<kind>/progress.json",
        web_view(200),
        path=lambda s: f"/assessments/{s.assessment_id}/datasets/sites/progress.json",
    ),
    Probe(
        "GET",
        "/assessments/<int:assessment_id>/datasets/<kind>/report.xlsx",
        web_view(404),
        path=lambda s: f"/assessments/{s.assessment_id}/datasets/sites/report.xlsx",
    ),
    Probe(
        "GET",
        "/datasets/<kind>/template.<any(xlsx, csv):file_format>",
        everyone(200),
        path=lambda s: "/datasets/suppliers/template.csv",
    ),
    Probe("GET", "/api/v1/incidents", signed_in(200, anonymous=401)),
    Probe("POST", "/api/v1/incidents", SUBMITTERS, json=_incident_submission),
    Probe("GET", "/api/v1/incidents/<ref>", signed_in(200, anonymous=401), path=_incident()),
    Probe(
        "GET",
        "/api/v1/incidents/<ref>/versions",
        signed_in(200, anonymous=401),
        path=_incident("/versions"),
    ),
    Probe(
        "POST",
        "/api/v1/incidents/<ref>/verification",
        {**REVIEWER_ONLY, "reviewer": 200},
        path=_incident("/verification"),
        json=lambda identity: {"status": "corroborated", "reason": "two sources"},
    ),
    Probe(
        "POST",
        "/api/v1/incidents/import",
        {**REVIEWER_ONLY, "reviewer": 422},  # allowed; refused for want of a mapping
        upload=lambda: {"file": (io.BytesIO(b"id,date\n"), "x.csv"), "format": "csv"},
    ),
    Probe(
        "POST",
        "/api/v1/incident-feeds",
        {**REVIEWER_ONLY, "reviewer": 422},  # allowed; a loopback URL is refused
        json=lambda identity: {
            "name": f"probe-{identity}",
            "url": "http://127.0.0.1:9/feed.json",
            "format": "global-witness",
        },
    ),
    Probe("GET", "/api/v1/incident-feeds", {**REVIEWER_ONLY, "reviewer": 200}),
    Probe(
        "POST",
        "/api/v1/incident-feeds/<int:feed_id>/fetch",
        {**REVIEWER_ONLY, "reviewer": 202},
        path=lambda s: f"/api/v1/incident-feeds/{s.feed_id}/fetch",
    ),
    Probe("GET", "/incidents", signed_in(200, anonymous=302)),
    Probe("GET", "/incidents/new", SUBMITTER_PAGES),
    Probe(
        "POST",
        "/incidents/new",
        {**SUBMITTER_PAGES, "ngo": 302, "reviewer": 302},
        web_form=_incident_form,
    ),
    Probe(
        "GET",
        "/incidents/<ref>",
        signed_in(200, anonymous=302),
        path=lambda s: f"/incidents/{s.incident_ref}",
    ),
    Probe(
        "POST",
        "/api/v1/screenings",
        signed_in(202, anonymous=401),
        json=lambda identity: {"entities": [{"name": "Minera Alfa"}]},
    ),
    Probe("GET", "/api/v1/matches", signed_in(200, anonymous=401)),
    Probe(
        "GET",
        "/api/v1/matches/<int:match_id>",
        {**signed_in(200, anonymous=401), "company_b": 404},  # confirmed: investors, NGOs see it
        path=lambda s: f"/api/v1/matches/{s.match_id}",
    ),
    Probe(
        "POST",
        "/api/v1/matches/<int:match_id>/review",
        {**REVIEWER_ONLY, "reviewer": 200},
        path=lambda s: f"/api/v1/matches/{s.match_id}/review",
        json=lambda identity: {"decision": "dismiss", "reason": "another company"},
    ),
    Probe(
        "POST",
        "/api/v1/matches/<int:match_id>/response",
        {**owner_edits(200), "investor": 403, "ngo": 403},
        path=lambda s: f"/api/v1/matches/{s.match_id}/response",
        json=lambda identity: {"public_response": "We are investigating."},
    ),
    Probe("GET", "/matches", signed_in(200, anonymous=302)),
    Probe(
        "POST",
        "/matches/<int:match_id>/review",
        {**everyone(403), "anonymous": 302, "reviewer": 302},
        path=lambda s: f"/matches/{s.match_id}/review",
        web_form=lambda identity: {"decision": "dismiss", "reason": "another company"},
    ),
    Probe(
        "POST",
        "/matches/<int:match_id>/response",
        {**web_edit(302), "investor": 403, "ngo": 403},
        path=lambda s: f"/matches/{s.match_id}/response",
        web_form=lambda identity: {"public_response": "We are investigating."},
    ),
    Probe("GET", "/api/v1/log/head", everyone(200)),
    Probe("GET", "/api/v1/log/entries", everyone(200)),
    Probe(
        "GET",
        "/api/v1/log/proofs/inclusion",
        everyone(200),
        path=lambda s: "/api/v1/log/proofs/inclusion?index=0&tree_size=1",
    ),
    Probe(
        "GET",
        "/api/v1/log/proofs/consistency",
        everyone(200),
        path=lambda s: "/api/v1/log/proofs/consistency?first=0&second=1",
    ),
    Probe("GET", "/.well-known/hrd-sentinel/keys.json", everyone(200)),
    Probe("GET", "/log", everyone(200)),
    Probe("GET", "/api/v1/register", everyone(200)),
    Probe("GET", "/api/v1/certificates/<cert_id>", everyone(200), path=_certificate()),
    Probe("GET", "/api/v1/certificates/<cert_id>.json", everyone(200), path=_certificate(".json")),
    Probe("GET", "/api/v1/certificates/<cert_id>.pdf", everyone(200), path=_certificate(".pdf")),
    Probe(
        "POST",
        "/api/v1/certificates/<cert_id>/status",
        {**REVIEWER_ONLY, "reviewer": 200},
        path=_certificate("/status"),
        json=lambda identity: {"action": "suspend", "reason": "A challenge is being examined."},
    ),
    Probe(
        "GET",
        "/api/v1/status-lists/<purpose>",
        everyone(200),
        path=lambda s: "/api/v1/status-lists/revocation",
    ),
    Probe(
        "POST",
        "/api/v1/verify",
        everyone(200),
        json=lambda identity: {"cert_id": "HRD-2026-000001"},
    ),
    Probe(
        "POST",
        "/api/v1/assessments/<int:assessment_id>/evidence/<int:evidence_id>/review",
        {**owner_edits(404), "company_a": 403, "reviewer": 409},  # draft: not yet reviewable
        path=lambda s: f"/api/v1/assessments/{s.assessment_id}/evidence/{s.evidence_id}/review",
        json=lambda identity: {"review": "verified"},
    ),
    Probe("GET", "/register", everyone(200)),
    Probe(
        "GET", "/certificates/<cert_id>", everyone(200), path=lambda s: f"/certificates/{s.cert_id}"
    ),
    Probe(
        "GET",
        "/certificates/<cert_id>.pdf",
        everyone(200),
        path=lambda s: f"/certificates/{s.cert_id}.pdf",
    ),
    Probe(
        "POST",
        "/certificates/<cert_id>/status",
        {**everyone(403), "anonymous": 302, "reviewer": 302},
        path=lambda s: f"/certificates/{s.cert_id}/status",
        web_form=lambda identity: {"action": "suspend", "reason": "A challenge is being examined."},
    ),
    Probe("GET", "/verify", everyone(200)),
    Probe(
        "POST", "/verify", everyone(200), web_form=lambda identity: {"cert_id": "HRD-2026-000001"}
    ),
    Probe("GET", "/review", {**everyone(403), "anonymous": 302, "reviewer": 200}),
    Probe(
        "GET",
        "/review/<int:assessment_id>",
        {**everyone(403), "anonymous": 302, "reviewer": 200},
        path=lambda s: f"/review/{s.assessment_id}",
    ),
    Probe(
        "POST",
        "/review/<int:assessment_id>/evidence/<int:evidence_id>",
        {**everyone(403), "anonymous": 302, "reviewer": 302},
        path=lambda s: f"/review/{s.assessment_id}/evidence/{s.evidence_id}",
        web_form=lambda identity: {"review": "verified"},
    ),
    Probe(
        "POST",
        "/review/<int:assessment_id>/decision",
        {**everyone(403), "anonymous": 302, "reviewer": 302},
        path=lambda s: f"/review/{s.assessment_id}/decision",
        web_form=lambda identity: {"decision": "approve"},
    ),
    Probe("GET", "/", everyone(200)),
    Probe("GET", "/methodology", everyone(200)),
    Probe("GET", "/methodology.pdf", everyone(200)),
    Probe("GET", "/methodology.json", everyone(200)),
    Probe("GET", "/login", everyone(200)),
    Probe("POST", "/login", signed_in(302, anonymous=401), web_form=_credentials),
    Probe("POST", "/logout", everyone(302), web_form=lambda identity: {}),
    Probe("POST", "/language", everyone(302), web_form=lambda identity: {"language": "en"}),
    Probe("GET", "/account/tokens", signed_in(200, anonymous=302)),
    Probe(
        "POST",
        "/account/tokens",
        signed_in(200, anonymous=302),
        web_form=lambda identity: {"name": "probe", "expires_days": "5"},
    ),
    Probe(
        "POST",
        "/account/tokens/<int:token_id>/revoke",
        owner_only("company_a", 302, others=404, anonymous=302),
        path=lambda s: f"/account/tokens/{s.web_token_id}/revoke",
        web_form=lambda identity: {},
    ),
    Probe(
        "POST",
        "/api/v1/certificates/<cert_id>/challenges",
        {**everyone(403), "anonymous": 201, "ngo": 201},
        path=_certificate("/challenges"),
        json=lambda identity: {"grounds": "The scope leaves out the northern mine entirely."},
    ),
    Probe(
        "GET",
        "/api/v1/challenges/<case_number>",
        {**OWNER_AND_REVIEWER, "ngo": 200},
        path=lambda s: f"/api/v1/challenges/{s.challenge_case}",
    ),
    Probe(
        "POST",
        "/api/v1/challenges/<case_number>/response",
        {**OWNER_AND_REVIEWER, "ngo": 403, "reviewer": 403},
        path=lambda s: f"/api/v1/challenges/{s.challenge_case}/response",
        json=lambda identity: {"response": "The northern mine closed in 2025; see the permit."},
    ),
    Probe(
        "POST",
        "/api/v1/challenges/<case_number>/decision",
        {**REVIEWER_ONLY, "reviewer": 200},
        path=lambda s: f"/api/v1/challenges/{s.filed_case}/decision",
        json=lambda identity: {"action": "acknowledge"},
    ),
    Probe(
        "GET",
        "/certificates/<cert_id>/challenges",
        everyone(200),
        path=lambda s: f"/certificates/{s.cert_id}/challenges",
    ),
    Probe("GET", "/challenges/triage", {**SUBMITTER_PAGES, "ngo": 403}),
    Probe(
        "GET",
        "/certificates/<cert_id>/challenges/new",
        {**everyone(403), "anonymous": 200, "ngo": 200},
        path=lambda s: f"/certificates/{s.cert_id}/challenges/new",
    ),
    Probe(
        "POST",
        "/certificates/<cert_id>/challenges/new",
        {**everyone(403), "anonymous": 302, "ngo": 302},
        path=lambda s: f"/certificates/{s.cert_id}/challenges/new",
        web_form=lambda identity: {
            "claim": "scope",
            "grounds": "The scope leaves out the northern mine entirely.",
        },
    ),
    Probe("GET", "/challenges", signed_in(200, anonymous=302)),
    Probe(
        "GET",
        "/challenges/<case_number>",
        {**web_view(200), "ngo": 200},
        path=lambda s: f"/challenges/{s.challenge_case}",
    ),
    Probe(
        "POST",
        "/challenges/<case_number>/response",
        {**web_view(302), "ngo": 403, "reviewer": 403},
        path=lambda s: f"/challenges/{s.challenge_case}/response",
        web_form=lambda identity: {"response": "The northern mine closed in 2025; see the permit."},
    ),
    Probe(
        "POST",
        "/challenges/<case_number>/decision",
        {**everyone(403), "anonymous": 302, "reviewer": 302},
        path=lambda s: f"/challenges/{s.filed_case}/decision",
        web_form=lambda identity: {"action": "acknowledge"},
    ),
    Probe("GET", "/messages", signed_in(200, anonymous=302)),
    Probe(
        "POST",
        "/api/v1/challenges/<case_number>/evidence",
        {**OWNER_AND_REVIEWER, "company_a": 201, "ngo": 201, "reviewer": 403},
        path=lambda s: f"/api/v1/challenges/{s.challenge_case}/evidence",
        upload=_pdf,
    ),
    Probe(
        "GET",
        "/api/v1/challenges/<case_number>/evidence/<int:evidence_id>",
        {**OWNER_AND_REVIEWER, "company_a": 404, "ngo": 200},  # the challenger's file
        path=lambda s: f"/api/v1/challenges/{s.challenge_case}/evidence/{s.challenge_file_id}",
    ),
    Probe(
        "POST",
        "/challenges/<case_number>/evidence",
        {**web_view(302), "ngo": 302, "reviewer": 403},
        path=lambda s: f"/challenges/{s.challenge_case}/evidence",
        web_form=lambda identity: {"link": "https://example.org/minutes"},
    ),
    Probe(
        "GET",
        "/challenges/<case_number>/evidence/<int:evidence_id>",
        {**web_view(200), "company_a": 404, "ngo": 200},  # the challenger's file
        path=lambda s: f"/challenges/{s.challenge_case}/evidence/{s.challenge_file_id}",
    ),
    *[
        Probe(
            method,
            rule,
            investor_only(status, anonymous=401 if rule.startswith("/api/") else 302),
            path=_briefing_path(rule),
            web_form=(lambda identity: {}) if method == "POST" and "/api/" not in rule else None,
        )
        for method, rule, status in (
            ("POST", "/api/v1/portfolios/<int:portfolio_id>/screenings", 409),
            ("GET", "/api/v1/portfolios/<int:portfolio_id>/briefing.json", 409),
            ("GET", "/api/v1/portfolios/<int:portfolio_id>/briefing.xlsx", 409),
            ("GET", "/api/v1/portfolios/<int:portfolio_id>/briefing.pdf", 409),
            ("GET", "/portfolios/<int:portfolio_id>/briefing", 200),
            ("POST", "/portfolios/<int:portfolio_id>/screenings", 409),
            ("GET", "/portfolios/<int:portfolio_id>/briefing.json", 409),
            ("GET", "/portfolios/<int:portfolio_id>/briefing.xlsx", 409),
            ("GET", "/portfolios/<int:portfolio_id>/briefing.pdf", 409),
        )
    ],
    # Portfolios: the investor's own; other kinds 403; reviewers do not see portfolios
    *portfolio_probes(Probe, lambda s: s.briefing_portfolio_id),
    # Watchlist, alerts and webhooks: investors only; ids that are not theirs are 404
    Probe("GET", "/api/v1/watchlist", {**REVIEWER_ONLY, "investor": 200}),
    Probe(
        "POST",
        "/api/v1/watchlist",
        {**REVIEWER_ONLY, "investor": 422},  # no organisation 999999
        json=lambda identity: {"organisation_ids": [999999]},
    ),
    Probe(
        "DELETE",
        "/api/v1/watchlist/<int:organisation_id>",
        {**REVIEWER_ONLY, "investor": 404},
        path=lambda s: "/api/v1/watchlist/999999",
    ),
    Probe(
        "POST",
        "/api/v1/portfolios/<int:portfolio_id>/watch",
        {**REVIEWER_ONLY, "investor": 404},
        path=lambda s: "/api/v1/portfolios/999999/watch",
    ),
    Probe("GET", "/api/v1/alerts", {**REVIEWER_ONLY, "investor": 200}),
    Probe(
        "POST",
        "/api/v1/webhooks",
        {**REVIEWER_ONLY, "investor": 422},  # loopback: refused by default
        json=lambda identity: {"url": "http://127.0.0.1:9/hook"},
    ),
    Probe("GET", "/api/v1/webhooks", {**REVIEWER_ONLY, "investor": 200}),
    Probe(
        "DELETE",
        "/api/v1/webhooks/<int:webhook_id>",
        {**REVIEWER_ONLY, "investor": 404},
        path=lambda s: "/api/v1/webhooks/999999",
    ),
    Probe("GET", "/watchlist", {**everyone(403), "anonymous": 302, "investor": 200}),
    Probe(
        "POST",
        "/watchlist/webhooks",
        {**everyone(403), "anonymous": 302, "investor": 422},
        web_form=lambda identity: {"url": "http://127.0.0.1:9/hook"},
    ),
    Probe(
        "POST",
        "/watchlist/webhooks/<int:webhook_id>/remove",
        {**everyone(403), "anonymous": 302, "investor": 404},
        path=lambda s: "/watchlist/webhooks/999999/remove",
        web_form=lambda identity: {},
    ),
    Probe(
        "POST",
        "/watchlist/<int:organisation_id>/remove",
        {**everyone(403), "anonymous": 302, "investor": 404},
        path=lambda s: "/watchlist/999999/remove",
        web_form=lambda identity: {},
    ),
    Probe(
        "POST",
        "/watchlist/portfolios/<int:portfolio_id>",
        {**everyone(403), "anonymous": 302, "investor": 404},
        path=lambda s: "/watchlist/portfolios/999999",
        web_form=lambda identity: {},
    ),
]


def _routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_in_the_table(app: Flask) -> None:
    tabled = {(probe.method, probe.rule) for probe in TABLE}
    missing = _routes(app) - tabled
    stale = tabled - _routes(app)
    assert not missing, f"routes without an authorisation expectation: {sorted(missing)}"
    assert not stale, f"table entries for routes that no longer exist: {sorted(stale)}"


@pytest.fixture
def subjects(app: Flask, world: World) -> Subjects:
    with db.session_scope(app) as session:
        owner = session.get(User, world["company_a"].user_id)
        job = Job(
            id=uuid.uuid4().hex,
            kind="test.add",
            params={"a": 1, "b": 2},
            organisation_id=owner.organisation_id,
            created_by_id=owner.id,
        )
        session.add(job)
        api_token, _ = account_service.issue_token(
            session=session, user=owner, name="spare-api", expires_in=timedelta(days=1), now=now()
        )
        web_token, _ = account_service.issue_token(
            session=session, user=owner, name="spare-web", expires_in=timedelta(days=1), now=now()
        )
        session.commit()
        actor = Actor(user=owner, organisation=session.get(Organisation, owner.organisation_id))
        assessment = assessment_service.create(
            session=session,
            actor=actor,
            assessment_in=AssessmentCreate(questionnaire_key="company"),
            now=now(),
        )
        evidence = assessment_service.attach_file(
            session=session,
            store=FileStore(app.config["UPLOAD_DIR"]),
            actor=actor,
            assessment=assessment,
            data=PDF,
            filename="policy.pdf",
            question_id=None,
            description=None,
            max_bytes=2**20,
            now=now(),
        )
        session.commit()
        incident_service.apply_drafts(
            session=session,
            source="probe",
            drafts=[
                IncidentDraft(
                    source_id="p-1",
                    content=IncidentContent(
                        occurred_on=date(2023, 4, 5), country="CO", attack_types=["killing"]
                    ),
                )
            ],
            import_id=None,
            created_by_id=None,
            now=now(),
        )
        feed = IncidentFeed(
            name="probe-feed", url="http://127.0.0.1:9/feed.json", file_format="global-witness"
        )
        session.add(feed)
        log_service.append(
            session=session, kind="methodology.published", payload={"version": 1}, now=now()
        )
        session.commit()
        incident = session.exec(select(Incident)).one()
        match = Match(
            incident_id=incident.id,
            incident_version=1,
            entity_kind="organisation",
            entity_key=str(owner.organisation_id),
            organisation_id=owner.organisation_id,
            method="name",
            score=95,
            suggested=True,
            explanation="name 'Minera Alfa S.A.' ≈ 'Minera Alfa SA' 95",
            path=[
                {"kind": "organisation", "id": owner.organisation_id, "name": "Minera Alfa S.A."}
            ],
            status="confirmed",
            active=False,  # the probe incident names no company: screening no longer finds it
            facts_fingerprint="0" * 64,
            finding_hash="0" * 64,
        )
        session.add(match)
        cert_id = probe_certificate(app, session, assessment_id=assessment.id)
        session.commit()
        challenge_case, filed_case = _probe_challenges(app, session, world, cert_id)
        challenge_file_id = _probe_challenge_file(app, session, world, challenge_case)
        briefing_portfolio = Portfolio(
            organisation_id=world["investor"].organisation_id,
            name="Probe portfolio",
            filename="holdings.xlsx",
            file_sha256="0" * 64,
        )
        session.add(briefing_portfolio)
        session.flush()
        session.add(probe_holding(briefing_portfolio.id))
        session.commit()
        return Subjects(
            challenge_case=challenge_case,
            briefing_portfolio_id=briefing_portfolio.id,
            filed_case=filed_case,
            challenge_file_id=challenge_file_id,
            cert_id=cert_id,
            incident_ref=incident.ref,
            match_id=match.id,
            feed_id=feed.id,
            job_id=job.id,
            api_token_id=api_token.id,
            web_token_id=web_token.id,
            assessment_id=assessment.id,
            evidence_id=evidence.id,
        )


def _probe_challenges(app: Flask, session, world: World, cert_id: str) -> tuple[str, str]:
    """Two challenges by the NGO against company A's certificate: one acknowledged, one filed."""
    ngo_user = session.get(User, world["ngo"].user_id)
    ngo = Actor(user=ngo_user, organisation=session.get(Organisation, ngo_user.organisation_id))
    reviewer_user = session.get(User, world["reviewer"].user_id)
    reviewer = Actor(
        user=reviewer_user, organisation=session.get(Organisation, reviewer_user.organisation_id)
    )
    certificate = certificate_service.get(session=session, cert_id=cert_id)
    rules = DeadlinePolicy()
    cases = []
    for _ in range(2):
        challenge = challenge_service.file(
            session=session,
            actor=ngo,
            certificate=certificate,
            challenge_in=ChallengeCreate(grounds="The grievance mechanism does not exist."),
            rules=rules,
            now=now(),
        )
        cases.append(challenge)
    challenge_service.decide(
        session=session,
        actor=reviewer,
        challenge=cases[0],
        decision=ChallengeDecisionIn(action="acknowledge"),
        rules=rules,
        issuer=Issuer.from_config(app.config),
        now=now(),
    )
    session.commit()
    return cases[0].case_number, cases[1].case_number


def _probe_challenge_file(app: Flask, session, world: World, case_number: str) -> int:
    """An evidence file the NGO (the challenger) added to the acknowledged challenge."""
    ngo_user = session.get(User, world["ngo"].user_id)
    ngo = Actor(user=ngo_user, organisation=session.get(Organisation, ngo_user.organisation_id))
    challenge = challenge_service.get(session=session, case_number=case_number)
    item = challenge_service.add_evidence(
        session=session,
        store=FileStore(app.config["UPLOAD_DIR"]),
        actor=ngo,
        challenge=challenge,
        party=challenge_service.party_of(
            session=session, actor=ngo, challenge=challenge, evidence_key=None
        ),
        upload=challenge_service.EvidenceUpload(data=PDF, filename="testimony.pdf"),
        link=None,
        max_bytes=2**20,
        now=now(),
    )
    session.commit()
    return item.id


def _call(
    client: FlaskClient, probe: Probe, identity: str, world: World, subjects: Subjects
) -> int:
    url = probe.url(subjects)
    is_web = not (url.startswith("/api/") or url == "/healthz")
    headers = {}
    if identity != "anonymous" and not is_web:
        headers = world[identity].headers
    if identity != "anonymous" and is_web and probe.rule != "/login":
        assert sign_in(client, world[identity].email).status_code == 302
    if probe.web_form is not None:
        token = csrf_token(client.get("/login").get_data(as_text=True))
        data = {**probe.web_form(identity), "csrf_token": token}
        response = client.open(url, method=probe.method, data=data)
    elif probe.upload is not None:
        response = client.open(
            url,
            method=probe.method,
            headers=headers,
            data=probe.upload(),
            content_type="multipart/form-data",
        )
    else:
        json = probe.json(identity) if probe.json else None
        response = client.open(url, method=probe.method, headers=headers, json=json)
    response.close()
    return response.status_code


@pytest.mark.parametrize("probe", TABLE, ids=lambda p: f"{p.method} {p.rule}")
def test_route_answers_each_identity_as_expected(
    app: Flask, world: World, subjects: Subjects, probe: Probe
) -> None:
    answers = {}
    for identity in IDENTITIES:
        with app.test_client() as client:
            answers[identity] = _call(client, probe, identity, world, subjects)
    assert answers == probe.expect
