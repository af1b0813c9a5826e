"""The briefing page: results with server-side sorting and filters, progress, downloads."""

from __future__ import annotations

import io
import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from compliance import db
from compliance.jobs.models import Job
from compliance.portfolios.models import PortfolioRun
from tests.conftest import World, csrf_token, sign_in
from tests.portfolios import briefing_world as bw
from tests.portfolios.holdings_support import second_investor


@pytest.fixture
def pw(app: Flask, world: World) -> bw.PortfolioWorld:
    return bw.build(app, world)


def _rows(html: str) -> list[str]:
    """The holding names of the results table, in order."""
    body = html.split('id="holdings-table"', 1)[1].split("</table>", 1)[0]
    return [
        re.sub(r"<.*", "", cell, flags=re.S).strip()
        for cell in re.findall(r"<tr>\s*<td>\d+</td>\s*<td>(.*?)</td>", body, flags=re.S)
    ]


def test_investor_screens_from_the_page_and_reads_the_results(
    app: Flask, client: FlaskClient, world: World, pw
):
    assert sign_in(client, world["investor"].email).status_code == 302
    page = client.get(f"/portfolios/{pw.portfolio_id}/briefing")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "no finished screening yet" in html and "Screen again" in html
    started = client.post(
        f"/portfolios/{pw.portfolio_id}/screenings", data={"csrf_token": csrf_token(html)}
    )
    assert started.status_code == 302
    with db.session_scope(app) as session:
        run = session.get(PortfolioRun, 1)
        job_id = run.job_id
    done = bw.wait_for_job(client.application.test_client(), world["investor"].headers, job_id)
    assert done["status"] == "succeeded"
    progress = client.get(f"/portfolios/{pw.portfolio_id}/progress.json").get_json()
    assert progress["active"] is False and progress["percent"] == 100
    html = client.get(f"/portfolios/{pw.portfolio_id}/briefing").get_data(as_text=True)
    assert "Run 1" in html and pw.killing_ref in html and pw.cert_a in html
    # default order: most urgent first
    assert _rows(html)[0] == "Minera Alfa"
    # the formula-looking name is shown escaped, as text
    assert "=HYPERLINK(&#34;http://evil.example&#34;" in html
    assert "1 confirmed severe incident(s) in the last 5 years: killing" in html
    client.set_cookie("lang", "es")  # the findings are worded in the page's language
    spanish = client.get(f"/portfolios/{pw.portfolio_id}/briefing").get_data(as_text=True)
    assert "1 incidente grave confirmado en los últimos 5 años: asesinato" in spanish
    assert "confirmed severe incident" not in spanish and _rows(spanish)[0] == "Minera Alfa"
    client.set_cookie("lang", "en")
    assert bw.leaked(html) == []
    by_name = client.get(
        f"/portfolios/{pw.portfolio_id}/briefing", query_string={"sort": "name", "order": "asc"}
    ).get_data(as_text=True)
    assert _rows(by_name) == sorted(_rows(by_name), key=str.casefold)
    brazil = client.get(
        f"/portfolios/{pw.portfolio_id}/briefing", query_string={"country": "BR"}
    ).get_data(as_text=True)
    assert _rows(brazil) == ["Agro Beta"]
    flagged = client.get(
        f"/portfolios/{pw.portfolio_id}/briefing", query_string={"flagged": "1", "sort": "weight"}
    ).get_data(as_text=True)
    assert _rows(flagged) == ["Minera Alfa", "Agro Beta", "Hidro Gamma"]
    named = client.get(
        f"/portfolios/{pw.portfolio_id}/briefing", query_string={"q": "gamma"}
    ).get_data(as_text=True)
    assert _rows(named) == ["Hidro Gamma"]
    pdf = client.get(f"/portfolios/{pw.portfolio_id}/briefing.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    xlsx = client.get(f"/portfolios/{pw.portfolio_id}/briefing.xlsx")
    assert load_workbook(io.BytesIO(xlsx.data)).sheetnames == ["Summary", "Holdings", "Incidents"]
    data = json.loads(client.get(f"/portfolios/{pw.portfolio_id}/briefing.json").data)
    assert data["run"] == 1 and len(data["holdings"]) == 4


def test_page_shows_a_progress_bar_while_the_run_waits(
    app: Flask, client: FlaskClient, world: World, pw
):
    with db.session_scope(app) as session:
        job = Job(
            id="b" * 32,
            kind="test.add",
            params={},
            organisation_id=world["investor"].organisation_id,
            progress=42,
        )
        session.add(job)
        session.add(PortfolioRun(portfolio_id=pw.portfolio_id, number=1, job_id=job.id))
        session.commit()
    sign_in(client, world["investor"].email)
    html = client.get(f"/portfolios/{pw.portfolio_id}/briefing").get_data(as_text=True)
    assert '<progress id="job-progress" max="100" value="42"' in html
    assert "js/job-progress.js" in html and "Screen again" not in html
    state = client.get(f"/portfolios/{pw.portfolio_id}/progress.json").get_json()
    assert state["active"] is True and state["percent"] == 42
    assert state["label"] == "Screening the holdings (run 1)"


def test_other_organisations_get_404_and_bad_run_numbers_404(
    app: Flask, client: FlaskClient, world: World, pw
):
    sign_in(client, second_investor(app).email)
    for suffix in ("briefing", "progress.json", "briefing.pdf"):
        assert client.get(f"/portfolios/{pw.portfolio_id}/{suffix}").status_code == 404
    with app.test_client() as investor:
        sign_in(investor, world["investor"].email)
        assert investor.get(f"/portfolios/{pw.portfolio_id}/briefing?run=abc").status_code == 404
        assert investor.get("/portfolios/99999/briefing").status_code == 404
