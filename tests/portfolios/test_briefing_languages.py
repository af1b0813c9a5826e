"""The briefing in the investor's language: a run records the language of whoever started it
(their saved language, else their request's), and its job writes the PDF and workbook in it;
the offline `screen` command takes `--lang`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader

from compliance import db
from compliance.accounts.models import User
from compliance.portfolios import runs
from tests.conftest import World, csrf_token, sign_in
from tests.portfolios import briefing_world as bw
from tests.portfolios.test_cli_screen import portfolio_xlsx

SHEETS = {
    "en": ["Summary", "Holdings", "Incidents"],
    "es": ["Resumen", "Participaciones", "Incidentes"],
    "fr": ["Synthèse", "Participations", "Incidents"],
}
SUMMARY_HEADING = {"en": "Executive summary", "es": "Resumen ejecutivo", "fr": "Synthèse"}


@pytest.fixture
def pw(app: Flask, world: World) -> bw.PortfolioWorld:
    return bw.build(app, world)


def _save_language(app: Flask, user_id: int, language: str | None) -> None:
    with db.session_scope(app) as session:
        user = session.get(User, user_id)
        user.language = language
        session.add(user)
        session.commit()


def _assert_briefing_in(pdf: bytes, workbook: bytes, locale: str) -> None:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert SUMMARY_HEADING[locale] in text
    if locale != "en":
        assert SUMMARY_HEADING["en"] not in text
    assert load_workbook(io.BytesIO(workbook), read_only=True).sheetnames == SHEETS[locale]


def _files(client, world: World, portfolio_id: int, run: int) -> tuple[bytes, bytes]:
    base = f"/api/v1/portfolios/{portfolio_id}"
    headers = world["investor"].headers
    pdf = client.get(f"{base}/briefing.pdf?run={run}", headers=headers)
    xlsx = client.get(f"{base}/briefing.xlsx?run={run}", headers=headers)
    assert pdf.status_code == 200 and xlsx.status_code == 200
    return pdf.data, xlsx.data


def _screen(client, world: World, portfolio_id: int, **headers: str) -> int:
    answer = client.post(
        f"/api/v1/portfolios/{portfolio_id}/screenings",
        headers={**world["investor"].headers, **headers},
    )
    assert answer.status_code == 202, answer.get_json()
    done = bw.wait_for_job(client, world["investor"].headers, answer.get_json()["job_id"])
    assert done["status"] == "succeeded", done
    return answer.get_json()["run"]


def test_a_run_started_by_a_spanish_speaking_investor_is_written_in_spanish(
    app: Flask, client, world: World, pw
) -> None:
    _save_language(app, world["investor"].user_id, "es")
    run = _screen(client, world, pw.portfolio_id, **{"Accept-Language": "fr"})
    _assert_briefing_in(*_files(client, world, pw.portfolio_id, run), "es")


def test_without_a_saved_language_the_request_decides_and_english_is_the_default(
    app: Flask, client, world: World, pw
) -> None:
    french = _screen(client, world, pw.portfolio_id, **{"Accept-Language": "fr, en;q=0.5"})
    _assert_briefing_in(*_files(client, world, pw.portfolio_id, french), "fr")
    english = _screen(client, world, pw.portfolio_id, **{"Accept-Language": "de"})
    _assert_briefing_in(*_files(client, world, pw.portfolio_id, english), "en")


def test_a_run_started_on_the_french_pages_is_written_in_french(
    app: Flask, client, world: World, pw
) -> None:
    client.set_cookie("lang", "fr")
    sign_in(client, world["investor"].email)
    page = client.get(f"/portfolios/{pw.portfolio_id}/briefing").get_data(as_text=True)
    started = client.post(
        f"/portfolios/{pw.portfolio_id}/screenings", data={"csrf_token": csrf_token(page)}
    )
    assert started.status_code == 302
    with db.session_scope(app) as session:
        run = runs.newest(session=session, portfolio_id=pw.portfolio_id)
        job_id, number = run.job_id, run.number
    assert bw.wait_for_job(client, world["investor"].headers, job_id)["status"] == "succeeded"
    _assert_briefing_in(*_files(client, world, pw.portfolio_id, number), "fr")


def test_the_screen_command_writes_the_language_asked(
    app: Flask, world: World, pw, tmp_path: Path
) -> None:
    source = tmp_path / "fund.xlsx"
    source.write_bytes(portfolio_xlsx([("Minera Alfa S.A.", "CO", "mining", 100)]))
    pdf, xlsx = tmp_path / "b.pdf", tmp_path / "b.xlsx"
    args = ["screen", str(source), "--out", str(pdf), "--out", str(xlsx), "--lang", "es"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    _assert_briefing_in(pdf.read_bytes(), xlsx.read_bytes(), "es")
    refused = app.test_cli_runner().invoke(args=[*args[:-1], "de"])
    assert refused.exit_code == 2 and "'de' is not one of 'en', 'es', 'fr'" in refused.output
