"""The portfolio API: upload and import, problems and the fix-it workbook, resolution, manual
mapping remembered across uploads, tenancy."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from compliance import db
from compliance.audit.models import AuditEvent
from compliance.jobs import runner
from compliance.jobs.models import Job, JobStatus
from compliance.portfolios.models import (
    HoldingMapping,
    Portfolio,
    PortfolioHolding,
    PortfolioRun,
)
from reports.fixit_workbook import BAD_CELL_FILL, ERRORS_SHEET
from tests.conftest import Member, World
from tests.portfolios.holdings_support import (
    APPLE_ISIN,
    MICROSOFT_ISIN,
    add_known_organisations,
    by_position,
    good_rows,
    import_portfolio,
    rows_csv,
    rows_xlsx,
    second_investor,
    upload,
    wait_for_all_jobs,
)
from tests.support.jobs import wait_for_job


@pytest.fixture
def known(app: Flask) -> dict[str, int]:
    return add_known_organisations(app)


@pytest.fixture
def other_investor(app: Flask) -> Member:
    return second_investor(app)


def count(app: Flask, model) -> int:
    with db.session_scope(app) as session:
        return session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_upload_imports_resolves_and_starts_a_screening_run(
    app: Flask, client: FlaskClient, world: World, known: dict[str, int]
) -> None:
    headers = world["investor"].headers
    answer = upload(client, headers, rows_csv(good_rows()), name="Emerging markets")
    assert answer.status_code == 202, answer.get_json()
    queued = answer.get_json()
    assert answer.headers["Location"] == queued["status_url"] == f"/api/v1/jobs/{queued['job_id']}"
    job = wait_for_job(client, headers, queued["job_id"])
    assert job["status"] == "succeeded" and job["result"]["outcome"] == "ready"
    assert job["result"]["holdings"] == 5 and job["result"]["run"]["number"] == 1
    portfolio = client.get(queued["portfolio_url"], headers=headers).get_json()
    assert portfolio["name"] == "Emerging markets" and portfolio["status"] == "ready"
    holdings = by_position(portfolio)
    assert holdings[2]["organisation_id"] == known["Apple Inc."]
    assert holdings[2]["resolution"] == "identifier"
    assert holdings[2]["organisation_name"] == "Apple Inc."
    assert holdings[3]["resolution"] == "identifier"  # the LEI of Microsoft Corporation
    assert holdings[4]["organisation_id"] == known["Compañía Minera Antamina S.A."]
    assert holdings[4]["resolution"] == "name"
    assert holdings[5]["resolution"] == "ambiguous" and len(holdings[5]["candidates"]) == 2
    assert holdings[6]["resolution"] == "unresolved" and holdings[6]["organisation_id"] is None
    assert portfolio["resolution_counts"] == {
        "identifier": 2,
        "name": 1,
        "mapped": 0,
        "ambiguous": 1,
        "unresolved": 1,
    }
    assert portfolio["newest_run"]["number"] == 1
    assert portfolio["problems"] == [] and portfolio["report_url"] is None
    wait_for_all_jobs(app)
    with db.session_scope(app) as session:
        actions = session.execute(sa.select(AuditEvent.action)).scalars().all()
    assert "portfolio.upload_received" in actions and "portfolio.imported" in actions


def test_bad_rows_end_the_import_with_every_problem_and_a_fix_it_workbook(
    app: Flask, client: FlaskClient, world: World
) -> None:
    headers = world["investor"].headers
    rows = [
        ["Apple", "US0378331006", "", "", "", "50"],
        ["Microsoft", MICROSOFT_ISIN, "", "Narnia", "", "40"],
    ]
    answer = upload(client, headers, rows_xlsx(rows), "holdings.xlsx")
    assert answer.status_code == 202, answer.get_json()
    queued = answer.get_json()
    job = wait_for_job(client, headers, queued["job_id"])
    assert job["status"] == "succeeded" and job["result"]["outcome"] == "invalid"
    assert job["result"]["problems"] == 3
    report_url = job["result"]["report_url"]
    assert report_url == f"{queued['portfolio_url']}/report.xlsx"
    portfolio = client.get(queued["portfolio_url"], headers=headers).get_json()
    assert portfolio["status"] == "invalid" and portfolio["problem_total"] == 3
    cells = {(p["sheet"], p["row"], p["column"], p["value"]) for p in portfolio["problems"]}
    assert cells == {
        ("Holdings", 1, "Weight", "90.00%"),
        ("Holdings", 2, "ISIN", "US0378331006"),
        ("Holdings", 3, "Country", "Narnia"),
    }
    assert all(p["problem"] and p["fix"] for p in portfolio["problems"])
    assert portfolio["holdings"] == [] and portfolio["report_url"] == report_url
    assert portfolio["problems"][1]["cell"] == "B2"
    report = client.get(report_url, headers=headers)
    assert report.status_code == 200
    book = load_workbook(io.BytesIO(report.data))
    assert book.sheetnames[0] == ERRORS_SHEET
    assert book["Holdings"]["B2"].fill.fgColor.rgb == BAD_CELL_FILL.fgColor.rgb
    assert count(app, PortfolioHolding) == 0
    with db.session_scope(app) as session:
        actions = session.execute(sa.select(AuditEvent.action)).scalars().all()
    assert "portfolio.upload_invalid" in actions and "portfolio.imported" not in actions


def test_a_file_refused_as_a_whole_answers_422_at_once_and_creates_nothing(
    app: Flask, client: FlaskClient, world: World
) -> None:
    headers = world["investor"].headers
    refusals = [
        (b"", "holdings.csv", "empty"),
        (rows_csv([["Compañía", "", "", "", "", "100"]], encoding="latin-1"), "h.csv", "UTF-8"),
        (b"%PDF-1.4 not a sheet", "holdings.csv", "PDF"),
        (rows_xlsx(good_rows()), "holdings.xlsm", "macros"),
    ]
    for data, filename, reason in refusals:
        answer = upload(client, headers, data, filename)
        assert answer.status_code == 422, (filename, answer.get_json())
        assert answer.mimetype == "application/problem+json"
        assert reason in answer.get_json()["detail"], answer.get_json()
    assert count(app, Portfolio) == 0 and count(app, Job) == 0
    listed = client.get("/api/v1/portfolios", headers=headers).get_json()
    assert listed == {"items": [], "next_cursor": None}


def test_a_bad_new_version_leaves_the_holdings_as_they_were(
    app: Flask, client: FlaskClient, world: World, known: dict[str, int]
) -> None:
    headers = world["investor"].headers
    first = import_portfolio(client, headers, rows_csv(good_rows()))
    duplicate = [["Apple", APPLE_ISIN, "", "", "", "50"], ["Apple", APPLE_ISIN, "", "", "", "50"]]
    answer = upload(client, headers, rows_csv(duplicate), portfolio_id=first["id"])
    assert answer.status_code == 202, answer.get_json()
    job = wait_for_job(client, headers, answer.get_json()["job_id"])
    assert job["status"] == "succeeded" and job["result"]["outcome"] == "invalid"
    after = client.get(f"/api/v1/portfolios/{first['id']}", headers=headers).get_json()
    assert after["problems"][0]["problem"].startswith("Rows 2 and 3 have the same ISIN.")
    assert after["status"] == "invalid" and after["holdings"] == first["holdings"]
    assert after["holding_count"] == 5
    refused = upload(client, headers, b"%PDF-1.4 not a sheet", "p.csv", portfolio_id=first["id"])
    assert refused.status_code == 422 and "PDF" in refused.get_json()["detail"]
    kept = client.get(f"/api/v1/portfolios/{first['id']}", headers=headers).get_json()
    assert kept["status"] == "invalid" and kept["holdings"] == first["holdings"]
    assert kept["problems"] == after["problems"]
    wait_for_all_jobs(app)


def test_a_file_the_import_refuses_as_a_whole_fails_the_job_and_is_kept_on_the_portfolio(
    app: Flask, client: FlaskClient, world: World, known: dict[str, int]
) -> None:
    headers = world["investor"].headers
    bad = rows_csv([["Apple", "US0378331006", "", "", "", "100"]])
    answer = upload(client, headers, bad)
    assert answer.status_code == 202
    job = wait_for_job(client, headers, answer.get_json()["job_id"])
    assert job["status"] == "succeeded" and job["result"]["outcome"] == "invalid"
    assert job["result"]["problems"] == 1
    assert client.get(job["result"]["report_url"], headers=headers).status_code == 200
    refused = upload(client, headers, rows_csv([]), portfolio_id=job["result"]["portfolio_id"])
    assert refused.status_code == 202  # a header without rows passes the screen: the job refuses
    failed = wait_for_job(client, headers, refused.get_json()["job_id"])
    assert failed["status"] == "failed" and "no data rows" in failed["error"]
    portfolio = client.get(job["result"]["portfolio_url"], headers=headers).get_json()
    assert portfolio["status"] == "refused" and "no data rows" in portfolio["refusal"]
    assert portfolio["problems"] == [] and portfolio["report_url"] is None
    assert (
        client.get(f"{job['result']['portfolio_url']}/report.xlsx", headers=headers).status_code
        == 404
    )


def test_only_the_newest_upload_is_imported(
    app: Flask, client: FlaskClient, world: World, known: dict[str, int]
) -> None:
    headers = world["investor"].headers
    first = import_portfolio(client, headers, rows_csv(good_rows()))
    with db.session_scope(app) as session:
        portfolio = session.get(Portfolio, first["id"])
        stale_job = portfolio.upload_job_id
    smaller = rows_csv([["Apple", APPLE_ISIN, "", "", "", "100"]])
    second = upload(client, headers, smaller, portfolio_id=first["id"]).get_json()
    wait_for_job(client, headers, second["job_id"])
    with db.session_scope(app) as session:
        job = session.get(Job, stale_job)
        job.status = JobStatus.queued  # a retry of the first upload's job arrives late
        session.commit()
    runner.run(app, stale_job)
    job = wait_for_job(client, headers, stale_job)
    assert job["result"]["outcome"] == "superseded"
    after = client.get(f"/api/v1/portfolios/{first['id']}", headers=headers).get_json()
    assert after["holding_count"] == 1
    wait_for_all_jobs(app)


def test_mapping_by_hand_is_remembered_and_applied_to_the_next_upload(
    app: Flask, client: FlaskClient, world: World, known: dict[str, int]
) -> None:
    headers = world["investor"].headers
    portfolio = import_portfolio(client, headers, rows_csv(good_rows()))
    ambiguous = by_position(portfolio)[5]
    choice = known["Palmas del Sur Ltda"]
    assert choice in {c["organisation_id"] for c in ambiguous["candidates"]}
    url = f"/api/v1/portfolios/{portfolio['id']}/holdings/5/organisation"
    answer = client.put(url, json={"organisation_id": choice}, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    mapped = answer.get_json()
    assert mapped["holding"]["resolution"] == "mapped"
    assert mapped["holding"]["organisation_name"] == "Palmas del Sur Ltda"
    assert mapped["also_applied"] == 0
    with db.session_scope(app) as session:
        keys = session.execute(sa.select(HoldingMapping.key)).scalars().all()
        audit = session.execute(
            sa.select(AuditEvent).where(AuditEvent.action == "portfolio.holding_mapped")
        ).scalar_one()
    assert keys == ["name:palmas sur|"]
    assert audit.details["organisation_id"] == choice and audit.details["position"] == 5
    # the next upload, in another portfolio, remembers the choice
    again = import_portfolio(client, headers, rows_csv(good_rows()), name="Second")
    assert again["id"] != portfolio["id"]
    assert by_position(again)[5]["resolution"] == "mapped"
    assert by_position(again)[5]["organisation_id"] == choice
    # forgetting the choice resolves both portfolios' holdings automatically again
    cleared = client.put(url, json={"organisation_id": None}, headers=headers).get_json()
    assert cleared["holding"]["resolution"] == "ambiguous" and cleared["also_applied"] == 1
    second = client.get(f"/api/v1/portfolios/{again['id']}", headers=headers).get_json()
    assert by_position(second)[5]["resolution"] == "ambiguous"
    assert count(app, HoldingMapping) == 0
    wait_for_all_jobs(app)


def test_mapping_applies_to_the_investors_other_holdings_with_the_same_key(
    app: Flask, client: FlaskClient, world: World, known: dict[str, int]
) -> None:
    headers = world["investor"].headers
    first = import_portfolio(client, headers, rows_csv(good_rows()))
    second = import_portfolio(client, headers, rows_csv(good_rows()))
    url = f"/api/v1/portfolios/{first['id']}/holdings/6/organisation"
    answer = client.put(url, json={"organisation_id": known["Banco Andino"]}, headers=headers)
    assert answer.get_json()["also_applied"] == 1
    other = client.get(f"/api/v1/portfolios/{second['id']}", headers=headers).get_json()
    assert by_position(other)[6]["organisation_id"] == known["Banco Andino"]
    wait_for_all_jobs(app)


def test_mapping_refuses_organisations_that_cannot_be_held(
    app: Flask, client: FlaskClient, world: World, known: dict[str, int]
) -> None:
    headers = world["investor"].headers
    portfolio = import_portfolio(client, headers, rows_csv(good_rows()))
    url = f"/api/v1/portfolios/{portfolio['id']}/holdings/6/organisation"
    ngo = known["Red Verde de Defensoras"]
    for body in ({"organisation_id": ngo}, {"organisation_id": 10**9}):
        answer = client.put(url, json=body, headers=headers)
        assert answer.status_code == 422
        assert answer.get_json()["errors"][0]["pointer"] == "/organisation_id"
    assert client.put(url, json={"organisation_id": 0}, headers=headers).status_code == 422
    missing = f"/api/v1/portfolios/{portfolio['id']}/holdings/99/organisation"
    assert client.put(missing, json={"organisation_id": ngo}, headers=headers).status_code == 404
    assert count(app, HoldingMapping) == 0
    wait_for_all_jobs(app)


def test_another_investor_sees_nothing_and_other_kinds_are_refused(
    app: Flask, client: FlaskClient, world: World, known: dict[str, int], other_investor: Member
) -> None:
    portfolio = import_portfolio(client, world["investor"].headers, rows_csv(good_rows()))
    base = f"/api/v1/portfolios/{portfolio['id']}"
    zeta = other_investor.headers
    assert client.get(base, headers=zeta).status_code == 404
    assert client.get(f"{base}/report.xlsx", headers=zeta).status_code == 404
    put = client.put(f"{base}/holdings/5/organisation", json={"organisation_id": 1}, headers=zeta)
    assert put.status_code == 404
    assert (
        upload(client, zeta, rows_csv(good_rows()), portfolio_id=portfolio["id"]).status_code == 404
    )
    assert client.get("/api/v1/portfolios", headers=zeta).get_json()["items"] == []
    for identity in ("company_a", "ngo", "reviewer"):
        headers = world[identity].headers
        assert client.get(base, headers=headers).status_code == 403
        assert client.get("/api/v1/portfolios", headers=headers).status_code == 403
        assert upload(client, headers, rows_csv(good_rows())).status_code == 403
    assert client.get(base).status_code == 401
    assert count(app, Portfolio) == 1
    wait_for_all_jobs(app)


def test_the_list_pages_with_limit_and_cursor(
    app: Flask, client: FlaskClient, world: World
) -> None:
    headers = world["investor"].headers
    with db.session_scope(app) as session:
        for n in range(3):
            session.add(
                Portfolio(
                    organisation_id=world["investor"].organisation_id,
                    name=f"P{n}",
                    filename="p.csv",
                    file_sha256="0" * 64,
                )
            )
        session.commit()
    first = client.get("/api/v1/portfolios?limit=2", headers=headers).get_json()
    assert [item["name"] for item in first["items"]] == ["P2", "P1"]
    rest = client.get(
        f"/api/v1/portfolios?limit=2&cursor={first['next_cursor']}", headers=headers
    ).get_json()
    assert [item["name"] for item in rest["items"]] == ["P0"] and rest["next_cursor"] is None
    assert set(first["items"][0]) == {
        "id",
        "name",
        "status",
        "filename",
        "holding_count",
        "created_at",
        "updated_at",
        "url",
    }


def test_the_screening_run_started_by_the_import_is_shown(
    app: Flask, client: FlaskClient, world: World, known: dict[str, int]
) -> None:
    headers = world["investor"].headers
    portfolio = import_portfolio(client, headers, rows_csv(good_rows()))
    wait_for_all_jobs(app)
    again = client.get(f"/api/v1/portfolios/{portfolio['id']}", headers=headers).get_json()
    assert count(app, PortfolioRun) == 1
    assert again["newest_run"]["number"] == 1
    assert again["newest_run"]["status_url"].startswith("/api/v1/jobs/")
