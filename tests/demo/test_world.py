"""The demo world gives every feature data to show: each page a newcomer opens, signed in as the
demo login it is meant for, has something in it. Seeding again changes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import SQLModel, select

from compliance import db, demo
from compliance.accounts import service as account_service
from compliance.accounts.models import Organisation, OrganisationKind
from compliance.assessments.models import Assessment, AssessmentStatus
from compliance.certificates.models import Certificate, CertificateStatus
from compliance.clock import now
from compliance.demo.datasets import SITE_ROWS, SUPPLIER_ROWS
from compliance.demo.organisations import ORGANISATIONS, REVIEWER_LOGIN
from compliance.jobs.models import Job, JobStatus
from scoring import Tier

SignIn = Callable[[str], FlaskClient]
COMPANIES = [spec for spec in ORGANISATIONS if spec.kind is OrganisationKind.company]
INVESTORS = [spec for spec in ORGANISATIONS if spec.kind is OrganisationKind.financial_institution]


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_register_shows_every_tier_and_every_status(demo_app: Flask) -> None:
    client = demo_app.test_client()
    listed = client.get("/api/v1/register", query_string={"limit": 100}).json["items"]
    assert {item["tier"] for item in listed} == {
        Tier.CONDITIONAL,
        Tier.CERTIFIED,
        Tier.CERTIFIED_LEADING,
    }
    assert {item["status"] for item in listed} == set(CertificateStatus)
    page = _text(client.get("/register"))
    for status in CertificateStatus:
        assert f" {status.value} " in page


def test_active_certificates_verify_and_every_pdf_is_rendered(demo_app: Flask) -> None:
    client = demo_app.test_client()
    with db.session_scope(demo_app) as session:
        certificates = session.exec(select(Certificate)).all()
        unfinished = session.exec(select(Job.kind).where(Job.status != JobStatus.succeeded)).all()
    assert unfinished == []
    for certificate in certificates:
        assert certificate.pdf_sha256 and certificate.pdf_status == certificate.status
        pdf = client.get(f"/certificates/{certificate.cert_id}.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        report = client.post("/api/v1/verify", json={"cert_id": certificate.cert_id}).json
        assert report["valid"] is (certificate.status is CertificateStatus.active), report


def test_companies_show_their_sites_suppliers_and_assessments_in_every_state(
    demo_app: Flask, demo_session: SignIn
) -> None:
    seen: set[str] = set()
    for spec in COMPANIES:
        client = demo_session(spec.login)
        listing = _text(client.get("/assessments"))
        seen |= {state for state in AssessmentStatus if f" {state.replace('_', ' ')} " in listing}
        with db.session_scope(demo_app) as session:
            latest = session.exec(
                select(Assessment.id)
                .join(Organisation, Organisation.id == Assessment.organisation_id)
                .where(Organisation.name == spec.name)
                .order_by(Assessment.id.desc())
            ).first()
        overview = _text(client.get(f"/assessments/{latest}"))
        headers = _token_headers(demo_app, spec.login)
        for kind, rows, name_column in (("sites", SITE_ROWS, 1), ("suppliers", SUPPLIER_ROWS, 0)):
            assert f"{len(rows[spec.name])} rows from {kind}.csv" in overview
            listed = client.get(
                f"/api/v1/assessments/{latest}/datasets/{kind}/rows", headers=headers
            ).json
            assert {row["data"]["name"] for row in listed["items"]} == {
                row[name_column] for row in rows[spec.name]
            }
    assert seen == set(AssessmentStatus)


def _token_headers(app: Flask, login: str) -> dict[str, str]:
    with db.session_scope(app) as session:
        user = account_service.get_user_by_email(session=session, email=login)
        _token, secret = account_service.issue_token(
            session=session, user=user, name="demo test", expires_in=timedelta(hours=1), now=now()
        )
        session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_reviewer_has_assessments_and_matches_to_review(demo_session: SignIn) -> None:
    reviewer = demo_session(REVIEWER_LOGIN)
    queue = _text(reviewer.get("/review"))
    assert "Hidroeléctrica Río Claro" in queue and "PT Nusantara Nikel" in queue
    for status in ("confirmed", "suggested"):
        matches = _text(reviewer.get("/matches", query_string={"status": status}))
        assert "No matched incidents" not in matches, status


def test_incidents_list_global_witness_records_and_ngo_reports(
    demo_app: Flask, demo_session: SignIn
) -> None:
    login = "cases@landwater.example"
    page = _text(demo_session(login).get("/incidents"))
    assert "HN" in page and "Defender 0" not in page  # the victims' pseudonyms stay protected
    listed = (
        demo_app.test_client()
        .get(
            "/api/v1/incidents",
            query_string={"country": "HN", "limit": 100},
            headers=_token_headers(demo_app, login),
        )
        .json["items"]
    )
    assert {item["source"] for item in listed} == {"global-witness", "ngo_submission"}


def test_ngo_sees_its_open_challenge(demo_session: SignIn) -> None:
    page = _text(demo_session("casos@defensoresenred.example").get("/challenges"))
    assert re.search(r"CH-\d{4}-[0-9A-F]{8}", page)
    assert "HRD-2026-000005" in page or "Minera Andes Cobre" in page


def test_each_investor_has_a_screened_portfolio_with_findings(
    demo_app: Flask, demo_session: SignIn
) -> None:
    for spec in INVESTORS:
        client = demo_session(spec.login)
        headers = _token_headers(demo_app, spec.login)
        portfolios = client.get("/api/v1/portfolios", headers=headers).json["items"]
        assert len(portfolios) == 1
        portfolio_id = portfolios[0]["id"]
        briefing = client.get(f"/portfolios/{portfolio_id}/briefing.json")
        assert briefing.status_code == 200
        findings = briefing.json
        assert findings["aggregates"]["resolved"] >= 3
        assert any(holding["incidents"] for holding in findings["holdings"])
        assert any(holding["certificate"] for holding in findings["holdings"])


def test_asset_manager_watches_companies_with_alerts(demo_session: SignIn) -> None:
    page = _text(demo_session("stewardship@northbridge.example").get("/watchlist"))
    assert "Palmas del Norte" in page and "Hidroeléctrica Río Claro" in page
    assert "suspended" in page.lower() and "revoked" in page.lower()


def _row_counts(app: Flask) -> dict[str, int]:
    with db.session_scope(app) as session:
        return {
            table.name: session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }


def test_seeding_again_changes_nothing(demo_app: Flask) -> None:
    before = _row_counts(demo_app)
    with demo_app.app_context():
        logins = demo.seed(app=demo_app, now=now())
    assert _row_counts(demo_app) == before
    assert [login.email for login in logins] == [spec.login for spec in ORGANISATIONS]
