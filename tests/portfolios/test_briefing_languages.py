"""The briefing in the investor's language: a run records the language of whoever started it
(their saved language, else their request's), and its job writes the PDF and workbook in it;
the offline `screen` command takes `--lang`."""

from __future__ import annotations

import io
import re
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


# What the findings of the test world say (engagement questions, red flags, data gaps) in each
# language, and what only the PDF shows (why a question is asked, a context reason). The
# English is what briefings have always said.
FINDINGS = {
    "en": [
        "What did your investigation of incident",
        "How are you responding to the challenge admitted against certificate",
        "Which grievance mechanism can defenders and communities use safely",
        "1 confirmed severe incident(s) in the last 5 years: killing",
        "is under an admitted challenge",
        "No certificate in force in a high-risk sector or country",
        "No assessment: the company has not assessed its practice",
        "Not matched to a known organisation: map it by hand to screen it.",
    ],
    "es": [
        "¿Qué concluyó su investigación del incidente",
        "¿Cómo está respondiendo a la impugnación admitida contra el certificado",
        "¿Qué mecanismo de reclamación pueden utilizar con seguridad",
        "1 incidente grave confirmado en los últimos 5 años: asesinato",
        "es objeto de una impugnación admitida",
        "Sin certificado vigente en un sector o un país de alto riesgo",
        "Sin evaluación: la empresa no ha evaluado su práctica",
        "No vinculada a ninguna organización conocida: asígnela a mano para cribarla.",
    ],
    "fr": [
        "Qu'a établi votre enquête sur l'incident",
        "Comment répondez-vous à la contestation admise contre le certificat",
        "Quel mécanisme de réclamation les défenseur·e·s et les communautés",
        "1 incident grave confirmé au cours des 5 dernières années : meurtre",
        "fait l'objet d'une contestation admise",
        "Aucun certificat en vigueur dans un secteur ou un pays à haut risque",
        "Aucune évaluation : l'entreprise n'a pas évalué sa pratique",
        "Non rapprochée d'une organisation connue : rapprochez-la à la main pour la cribler.",
    ],
}
PDF_ONLY = {
    "en": [
        "A confirmed match of a severe incident.",
        "Not answered in the approved assessment.",
        "No approved assessment to draw questions from.",
        "high-risk country (fixed list): CO",
    ],
    "es": [
        "Una coincidencia confirmada con un incidente grave.",
        "Sin respuesta en la evaluación aprobada.",
        "No hay ninguna evaluación aprobada de la que extraer preguntas.",
        "país de alto riesgo (lista fija): CO",
    ],
    "fr": [
        "Une correspondance confirmée avec un incident grave.",
        "Sans réponse dans l'évaluation approuvée.",
        "Aucune évaluation approuvée dont tirer des questions.",
        "pays à haut risque (liste fixe) : CO",
    ],
}


def _pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)  # lines wrapped, (narrow) no-break spaces


def _workbook_text(workbook: bytes) -> str:
    book = load_workbook(io.BytesIO(workbook), read_only=True)
    cells = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    return re.sub(r"\s+", " ", "\n".join(cells))


def _assert_findings_in(pdf: bytes, workbook: bytes, locale: str) -> None:
    pdf_text, workbook_text = _pdf_text(pdf), _workbook_text(workbook)
    for phrase in [*FINDINGS[locale], *PDF_ONLY[locale]]:
        assert phrase in pdf_text, phrase
    for phrase in FINDINGS[locale]:
        assert phrase in workbook_text, phrase
    if locale != "en":
        for phrase in [*FINDINGS["en"], *PDF_ONLY["en"], "page 1 of"]:
            assert phrase not in pdf_text, phrase
            assert phrase not in workbook_text, phrase


@pytest.mark.parametrize("locale", ["es", "fr"])
def test_the_findings_are_worded_in_the_language_of_the_run(
    app: Flask, client, world: World, pw, locale: str
) -> None:
    run = _screen(client, world, pw.portfolio_id, **{"Accept-Language": locale})
    _assert_findings_in(*_files(client, world, pw.portfolio_id, run), locale)


def test_the_english_briefing_words_its_findings_as_it_always_has(
    app: Flask, client, world: World, pw
) -> None:
    run = _screen(client, world, pw.portfolio_id, **{"Accept-Language": "en"})
    pdf, workbook = _files(client, world, pw.portfolio_id, run)
    _assert_findings_in(pdf, workbook, "en")
    briefing = client.get(
        f"/api/v1/portfolios/{pw.portfolio_id}/briefing.json?run={run}",
        headers=world["investor"].headers,
    ).get_json()
    alfa = briefing["holdings"][0]
    question = alfa["questions"][0]
    month = bw.RECENT.isoformat()[:7]
    assert (question["topic"], question["text"], question["why"]) == (
        "Incident response",
        f"What did your investigation of incident {pw.killing_ref} (killing, {month}, CO) find, "
        "and what remedy has been provided?",
        "A confirmed match of a severe incident.",
    )
    assert f"{question['text']} (Incident response: {question['why']})" in _pdf_text(pdf)
    assert alfa["red_flags"] == [
        {
            "code": "severe_incident",
            "label": "1 confirmed severe incident(s) in the last 5 years: killing",
            "params": {"count": 1, "years": 5, "attack_types": ["killing"]},
        },
        {
            "code": "under_challenge",
            "label": f"Certificate {pw.cert_a} is under an admitted challenge",
            "params": {"cert_id": pw.cert_a},
        },
    ]


def test_the_json_briefing_keeps_english_texts_beside_their_codes(
    app: Flask, client, world: World, pw
) -> None:
    """The JSON is the machine-readable form: whatever the language of the run, its texts are
    English, and the codes and parameters let a reader word them in another."""
    run = _screen(client, world, pw.portfolio_id, **{"Accept-Language": "es"})
    briefing = client.get(
        f"/api/v1/portfolios/{pw.portfolio_id}/briefing.json?run={run}",
        headers=world["investor"].headers,
    ).get_json()
    alfa, hydro = briefing["holdings"][0], briefing["holdings"][2]
    assert alfa["red_flags"][0]["label"].startswith("1 confirmed severe incident(s)")
    assert alfa["context"]["reasons"][0] == "high-risk country (fixed list): CO"
    assert alfa["context"]["factors"][0] == {"code": "fixed_country", "params": {"country": "CO"}}
    assert hydro["data_gaps"] == [
        {
            "code": "no_assessment",
            "label": "No assessment: the company has not assessed its practice",
            "params": {"in_progress": False},
        }
    ]
    assert hydro["questions"][0]["code"] == "generic"
    assert hydro["questions"][0]["params"] == {"key": "policy", "reason": "no_approved_assessment"}
