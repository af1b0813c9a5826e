"""Screening runs of a portfolio: numbering, the job, stored briefings, what changed, tenancy."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import select

from compliance import db
from compliance.audit.models import AuditEvent
from compliance.certificates.models import Certificate, CertificateStatus
from compliance.clock import now
from compliance.incidents import service as incident_service
from compliance.incidents.content import IncidentContent, IncidentDraft
from compliance.incidents.models import Incident
from compliance.jobs import runner
from compliance.portfolios import runs
from compliance.portfolios.models import (
    Portfolio,
    PortfolioHolding,
    PortfolioRun,
    PortfolioStatus,
    Resolution,
    RunStatus,
)
from tests.conftest import TEST_REDIS_URL, World
from tests.portfolios import briefing_world as bw
from tests.portfolios.holdings_support import second_investor
from tests.screening.conftest import wait_for_rescreens


@pytest.fixture
def pw(app: Flask, world: World) -> bw.PortfolioWorld:
    return bw.build(app, world)


def _briefing(client: FlaskClient, world: World, portfolio_id: int, **query) -> dict:
    answer = client.get(
        f"/api/v1/portfolios/{portfolio_id}/briefing.json",
        query_string=query,
        headers=world["investor"].headers,
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_start_numbers_runs_and_links_the_last_succeeded_one(app: Flask, world: World, pw):
    first = bw.start_run(app, pw.portfolio_id)
    assert first.number == 1 and first.previous_run_id is None and first.job_id
    with db.session_scope(app) as session:
        # wait for its job, then start another: it points back at the first
        from tests.support.jobs import wait_for_job

        with app.test_client() as client:
            assert wait_for_job(client, world["investor"].headers, first.job_id)["status"] == (
                "succeeded"
            )
        assert runs.latest(session=session, portfolio_id=pw.portfolio_id).id == first.id
    second = bw.start_run(app, pw.portfolio_id)
    assert second.number == 2 and second.previous_run_id == first.id


def test_screening_through_the_api_stores_json_xlsx_and_pdf(
    app: Flask, client: FlaskClient, world: World, pw
):
    done = bw.screen(app, client, world, pw.portfolio_id)
    assert done["progress"] == 100
    with db.session_scope(app) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "portfolio.screening_started")
        ).one()
        assert event.details == {"run": 1, "job_id": done["id"]}
        assert event.actor_user_id == world["investor"].user_id
    assert done["result"]["links"]["briefing_pdf"].endswith("briefing.pdf?run=1")
    briefing = _briefing(client, world, pw.portfolio_id)
    assert briefing["run"] == 1 and briefing["changes"] is None
    by_position = {h["position"]: h for h in briefing["holdings"]}
    alfa = by_position[1]
    assert alfa["certificate"]["cert_id"] == pw.cert_a
    assert alfa["certificate"]["under_challenge"] is True
    assert alfa["certificate"]["verify_url"].endswith(f"/certificates/{pw.cert_a}")
    refs = {(i["ref"], i["match_status"]) for i in alfa["incidents"]}
    # the seven-year-old killing is outside the five-year window
    assert refs == {(pw.killing_ref, "confirmed"), (pw.threat_ref, "suggested")}
    killing = next(i for i in alfa["incidents"] if i["ref"] == pw.killing_ref)
    assert killing["severe"] and killing["most_severe"] == "killing"
    assert killing["people_affected_band"] == "1-4"
    assert len(killing["occurred_on"]) == 7  # month only
    codes = {f["code"] for f in alfa["red_flags"]}
    assert {"severe_incident", "under_challenge"} <= codes
    # questions from the indicators the approved assessment fails or lacks, incident first
    assert alfa["questions"][0]["ref"] == f"incident:{pw.killing_ref}"
    indicators = [q for q in alfa["questions"] if re.fullmatch(r"[A-Z][0-9]+", q["ref"])]
    assert indicators and all(q["why"] for q in indicators)
    assert alfa["questions"][1]["ref"] == f"challenge:{pw.cert_a}"
    beta = by_position[2]
    assert beta["certificate"]["status"] == "suspended" and beta["tier"] == "none"
    assert "certificate_suspended" in {f["code"] for f in beta["red_flags"]}
    hydro = by_position[3]
    assert hydro["certificate"] is None
    assert {g["code"] for g in hydro["data_gaps"]} == {"no_assessment"}
    assert "uncertified_high_risk" in {f["code"] for f in hydro["red_flags"]}
    assert hydro["questions"][0]["ref"].startswith("generic:")
    unresolved = by_position[4]
    assert unresolved["organisation_id"] is None
    assert [g["code"] for g in unresolved["data_gaps"]] == ["unresolved"]
    aggregates = briefing["aggregates"]
    assert aggregates["certified_weight"] == 40.0
    assert aggregates["severe_exposure"] == 40.0
    assert {s["key"]: s["weight"] for s in aggregates["by_country"]} == {
        "CO": 60.0,
        "BR": 30.0,
        "PE": 10.0,
    }
    assert aggregates["top_engage"][0]["position"] == 1
    years = {row["year"]: row for row in aggregates["incidents_by_year"]}
    assert sum(row["confirmed"] for row in years.values()) == 1

    xlsx = client.get(
        f"/api/v1/portfolios/{pw.portfolio_id}/briefing.xlsx", headers=world["investor"].headers
    )
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.data))
    assert workbook.sheetnames == ["Summary", "Holdings", "Incidents"]
    holdings = workbook["Holdings"]
    assert holdings.auto_filter.ref.startswith("A1:")
    assert holdings.cell(row=5, column=2).value == bw.FORMULA_NAME
    assert holdings.cell(row=5, column=2).data_type == "s"
    pdf = client.get(
        f"/api/v1/portfolios/{pw.portfolio_id}/briefing.pdf", headers=world["investor"].headers
    )
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Executive summary" in text and "Minera Alfa" in text


def test_no_output_carries_protected_incident_fields(
    app: Flask, client: FlaskClient, world: World, pw
):
    bw.screen(app, client, world, pw.portfolio_id)
    base = f"/api/v1/portfolios/{pw.portfolio_id}"
    headers = world["investor"].headers
    briefing = client.get(f"{base}/briefing.json", headers=headers).get_data(as_text=True)
    assert pw.killing_ref in briefing
    assert bw.leaked(briefing) == []
    assert "6.2611" not in briefing and "-75.5712" not in briefing
    workbook = load_workbook(
        io.BytesIO(client.get(f"{base}/briefing.xlsx", headers=headers).data), read_only=True
    )
    cells = " ".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    assert pw.killing_ref in cells and bw.leaked(cells) == []
    pdf = client.get(f"{base}/briefing.pdf", headers=headers).data
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert pw.killing_ref in text and bw.leaked(text) == []
    with db.session_scope(app) as session:
        run = runs.latest(session=session, portfolio_id=pw.portfolio_id)
        assert bw.leaked(json.dumps(run.results)) == []


def test_second_run_says_what_changed(app: Flask, client: FlaskClient, world: World, pw):
    bw.screen(app, client, world, pw.portfolio_id)
    with db.session_scope(app) as session:
        certificate = session.exec(
            select(Certificate).where(Certificate.cert_id == pw.cert_b)
        ).one()
        certificate.status = CertificateStatus.revoked
        session.add(certificate)
        holding = session.exec(
            select(PortfolioHolding).where(
                PortfolioHolding.portfolio_id == pw.portfolio_id, PortfolioHolding.position == 3
            )
        ).one()
        session.delete(holding)
        session.add(
            PortfolioHolding(
                portfolio_id=pw.portfolio_id,
                position=5,
                name="Nueva Holding",
                resolution=Resolution.unresolved,
                weight=20.0,
            )
        )
        incident_service.apply_drafts(
            session=session,
            source="briefing-test",
            drafts=[
                IncidentDraft(
                    source_id="new-1",
                    content=IncidentContent(
                        occurred_on=bw.RECENT, country="CO", attack_types=("intimidation",)
                    ),
                )
            ],
            import_id=None,
            created_by_id=None,
            now=now(),
        )
        session.commit()
    wait_for_rescreens(app)
    with db.session_scope(app) as session:
        incident = session.exec(select(Incident).where(Incident.source_id == "new-1")).one()
        bw._match(session, incident, pw.company_a, "confirmed")
        new_ref = incident.ref
        session.commit()
    bw.screen(app, client, world, pw.portfolio_id)
    briefing = _briefing(client, world, pw.portfolio_id)
    assert briefing["run"] == 2
    changes = briefing["changes"]
    assert changes["previous_run"] == 1
    assert [h["name"] for h in changes["holdings_added"]] == ["Nueva Holding"]
    assert [h["name"] for h in changes["holdings_removed"]] == ["Hidro Gamma"]
    assert [(c["ref"], c["match_status"]) for c in changes["new_incidents"]] == [
        (new_ref, "confirmed")
    ]
    assert [(c["name"], c["before"], c["after"]) for c in changes["status_changes"]] == [
        ("Agro Beta", "suspended", "revoked")
    ]
    assert changes["tier_changes"] == []
    # run 1 stays available
    assert _briefing(client, world, pw.portfolio_id, run=1)["changes"] is None


def test_briefing_before_any_finished_run_is_a_conflict(
    app: Flask, client: FlaskClient, world: World, pw
):
    headers = world["investor"].headers
    for suffix in ("json", "xlsx", "pdf"):
        answer = client.get(
            f"/api/v1/portfolios/{pw.portfolio_id}/briefing.{suffix}", headers=headers
        )
        assert answer.status_code == 409
        assert answer.content_type == "application/problem+json"
        assert "POST /api/v1/portfolios" in answer.get_json()["detail"]
    missing = client.get(
        f"/api/v1/portfolios/{pw.portfolio_id}/briefing.json?run=7", headers=headers
    )
    assert missing.status_code == 404


def test_queued_and_failed_runs_are_not_served(app: Flask, client: FlaskClient, world: World, pw):
    with db.session_scope(app) as session:
        session.add(
            PortfolioRun(
                portfolio_id=pw.portfolio_id, number=1, status=RunStatus.failed, error="boom"
            )
        )
        session.add(PortfolioRun(portfolio_id=pw.portfolio_id, number=2, job_id="a" * 32))
        session.commit()
    headers = world["investor"].headers
    failed = client.get(
        f"/api/v1/portfolios/{pw.portfolio_id}/briefing.json?run=1", headers=headers
    )
    assert failed.status_code == 409 and "failed" in failed.get_json()["detail"]
    queued = client.get(f"/api/v1/portfolios/{pw.portfolio_id}/briefing.pdf?run=2", headers=headers)
    assert queued.status_code == 409 and "/api/v1/jobs/" in queued.get_json()["detail"]
    # and a second screening is refused while run 2 waits
    again = client.post(f"/api/v1/portfolios/{pw.portfolio_id}/screenings", headers=headers)
    assert again.status_code == 409


def test_a_portfolio_that_is_not_ready_cannot_be_screened(
    app: Flask, client: FlaskClient, world: World, pw
):
    with db.session_scope(app) as session:
        portfolio = session.get(Portfolio, pw.portfolio_id)
        portfolio.status = PortfolioStatus.invalid
        session.add(portfolio)
        session.commit()
    answer = client.post(
        f"/api/v1/portfolios/{pw.portfolio_id}/screenings", headers=world["investor"].headers
    )
    assert answer.status_code == 409
    assert bw.run_count(app, pw.portfolio_id) == 0


def test_other_organisations_never_see_the_portfolio(
    app: Flask, client: FlaskClient, world: World, pw
):
    bw.screen(app, client, world, pw.portfolio_id)
    base = f"/api/v1/portfolios/{pw.portfolio_id}"
    zeta = second_investor(app).headers
    assert client.post(f"{base}/screenings", headers=zeta).status_code == 404
    for suffix in ("json", "xlsx", "pdf"):
        assert client.get(f"{base}/briefing.{suffix}", headers=zeta).status_code == 404
    for who in ("company_a", "ngo", "reviewer"):  # no portfolios at all: refused, nothing shown
        headers = world[who].headers
        assert client.post(f"{base}/screenings", headers=headers).status_code == 403
        assert client.get(f"{base}/briefing.json", headers=headers).status_code == 403
    assert client.get(f"{base}/briefing.json").status_code == 401


def test_a_retried_job_changes_nothing(app: Flask, client: FlaskClient, world: World, pw):
    done = bw.screen(app, client, world, pw.portfolio_id)
    with db.session_scope(app) as session:
        before = runs.latest(session=session, portfolio_id=pw.portfolio_id)
        keys = (before.briefing_pdf, before.briefing_xlsx, before.finished_at)
    runner.run(app, done["id"], reclaim_running=True)  # a finished job is not claimed again
    from compliance.jobs.models import Job
    from compliance.jobs.registry import JobContext
    from compliance.portfolios.run_tasks import screen_task

    with app.app_context(), db.session_scope(app) as session:
        job = session.get(Job, done["id"])
        result = screen_task(
            JobContext(session=session, job=job, report_progress=lambda _p: None),
            run_id=before.id,
        )
        session.commit()
    assert result["run"] == 1
    with db.session_scope(app) as session:
        after = runs.latest(session=session, portfolio_id=pw.portfolio_id)
        assert (after.briefing_pdf, after.briefing_xlsx, after.finished_at) == keys
    assert bw.run_count(app, pw.portfolio_id) == 1


def test_stored_file_lost_is_a_503_not_a_render(app: Flask, client: FlaskClient, world: World, pw):
    bw.screen(app, client, world, pw.portfolio_id)
    from compliance.storage import FileStore

    with db.session_scope(app) as session:
        run = runs.latest(session=session, portfolio_id=pw.portfolio_id)
        FileStore(app.config["UPLOAD_DIR"]).path(run.briefing_pdf).unlink()
    answer = client.get(
        f"/api/v1/portfolios/{pw.portfolio_id}/briefing.pdf", headers=world["investor"].headers
    )
    assert answer.status_code == 503


def test_expired_certificate_is_a_gap_and_a_flag(app: Flask, client: FlaskClient, world: World, pw):
    with db.session_scope(app) as session:
        certificate = session.exec(
            select(Certificate).where(Certificate.cert_id == pw.cert_a)
        ).one()
        certificate.expires_at = now() - timedelta(days=2)
        session.add(certificate)
        session.commit()
    bw.screen(app, client, world, pw.portfolio_id)
    alfa = _briefing(client, world, pw.portfolio_id)["holdings"][0]
    assert alfa["certificate"]["status"] == "expired" and alfa["tier"] == "none"
    assert "certificate_expired" in {g["code"] for g in alfa["data_gaps"]}
    assert "certificate_expired" in {f["code"] for f in alfa["red_flags"]}


def test_screening_queries_do_not_grow_with_the_holdings(app: Flask, world: World, pw):
    """Bulk loading: 4 or 400 holdings take the same number of queries."""
    from datetime import date

    import sqlalchemy as sa

    from compliance.portfolios import findings
    from compliance.portfolios.run_tasks import holdings_of

    def queries_for(copies: int) -> int:
        statements: list[str] = []
        with app.app_context(), db.session_scope(app) as session:
            holdings = holdings_of(session=session, portfolio_id=pw.portfolio_id)
            many = [
                PortfolioHolding(
                    portfolio_id=pw.portfolio_id,
                    position=copy * 10 + h.position,
                    name=h.name,
                    organisation_id=h.organisation_id,
                    resolution=h.resolution,
                    weight=h.weight,
                )
                for copy in range(copies)
                for h in holdings
            ]
            scan = findings.inputs(session=session, as_of=date.today(), base_url="http://x")
            engine = session.get_bind()

            def count(_conn, _cursor, statement, *_args):
                statements.append(statement)

            sa.event.listen(engine, "before_cursor_execute", count)
            try:
                found = findings.screen_holdings(session=session, holdings=many, scan=scan)
            finally:
                sa.event.remove(engine, "before_cursor_execute", count)
            assert len(found) == len(many)
        return len(statements)

    assert queries_for(1) == queries_for(100)


@pytest.mark.skipif(
    bool(TEST_REDIS_URL), reason="the crash is injected in this process, not in the RQ worker"
)
def test_a_crashing_run_is_marked_failed_and_can_be_retried(
    app: Flask, client: FlaskClient, world: World, pw, monkeypatch
):
    from compliance.portfolios import run_tasks

    def broken(_briefing):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(run_tasks, "render_briefing_pdf", broken)
    headers = world["investor"].headers
    answer = client.post(f"/api/v1/portfolios/{pw.portfolio_id}/screenings", headers=headers)
    done = bw.wait_for_job(client, headers, answer.get_json()["job_id"])
    assert done["status"] == "failed" and "renderer crashed" not in done["error"]
    with db.session_scope(app) as session:
        run = runs.newest(session=session, portfolio_id=pw.portfolio_id)
        assert run.status is RunStatus.failed and run.finished_at is not None
        assert run.results is None and run.briefing_pdf is None and run.briefing_xlsx is None
    failed = client.get(
        f"/api/v1/portfolios/{pw.portfolio_id}/briefing.json?run=1", headers=headers
    )
    assert failed.status_code == 409
    monkeypatch.undo()
    bw.screen(app, client, world, pw.portfolio_id)
    assert _briefing(client, world, pw.portfolio_id)["run"] == 2
