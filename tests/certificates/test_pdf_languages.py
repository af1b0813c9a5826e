"""The certificate PDF in English, Spanish and French: the job renders all three for the current
status; the API serves the one `?lang=` names (English by default), the web the page language."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from compliance import db
from compliance.certificates.models import Certificate
from compliance.certificates.tasks import render_missing
from compliance.jobs.models import Job
from compliance.jobs.registry import PERIODIC, JobContext
from tests.certificates.support import HeldJobs, hold_jobs, issue_via_api, pdf_reader, stored
from tests.conftest import World

HEADINGS = {
    "en": ("HRD Sentinel certificate", ["Score by section", "Verify this certificate", "Active",
           "Policy and governance"]),
    "es": ("Certificado HRD Sentinel", ["Puntuación por sección", "Verifique este certificado",
           "Vigente", "Política y gobernanza"]),
    "fr": ("Certificat HRD Sentinel", ["Score par section", "Vérifier ce certificat", "Actif",
           "Politique et gouvernance"]),
}  # fmt: skip


@pytest.fixture
def held(app: Flask, monkeypatch: pytest.MonkeyPatch) -> HeldJobs:
    return hold_jobs(app, monkeypatch)


@pytest.fixture
def cert_id(app: Flask, client, world: World, held: HeldJobs) -> str:
    issued = issue_via_api(client, world)
    held.run_all(app)
    return issued


def _read(data: bytes) -> tuple[str, str]:
    reader = pdf_reader(data)
    text = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))
    return reader.metadata.title, text


def _assert_language(data: bytes, cert_id: str, locale: str) -> None:
    title, expected = HEADINGS[locale]
    got_title, text = _read(data)
    assert got_title == f"{title} {cert_id}"
    for phrase in expected:
        assert phrase in text, (locale, phrase)


@pytest.mark.parametrize("locale", ["en", "es", "fr"])
def test_the_api_serves_the_pdf_in_the_language_asked(client, cert_id: str, locale: str) -> None:
    answer = client.get(f"/api/v1/certificates/{cert_id}.pdf", query_string={"lang": locale})
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["Content-Language"] == locale
    _assert_language(answer.data, cert_id, locale)
    if locale != "en":
        assert "Score by section" not in _read(answer.data)[1]


def test_english_stays_the_default_and_each_language_is_its_own_file(
    app: Flask, client, cert_id: str
) -> None:
    default = client.get(f"/api/v1/certificates/{cert_id}.pdf")
    assert default.status_code == 200
    _assert_language(default.data, cert_id, "en")
    assert "Puntuación" not in _read(default.data)[1]
    record = stored(app, cert_id)
    assert record.pdf_sha256 == default.get_etag()[0]
    assert sorted(record.pdf_localized) == ["es", "fr"]
    assert len({record.pdf_sha256, *record.pdf_localized.values()}) == 3


def test_an_unknown_language_is_refused_naming_the_choices(client, cert_id: str) -> None:
    answer = client.get(f"/api/v1/certificates/{cert_id}.pdf?lang=de")
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert all(code in str(answer.json) for code in ("'en'", "'es'", "'fr'"))
    web = client.get(f"/certificates/{cert_id}.pdf?lang=de")
    assert web.status_code == 422 and "en, es, fr" in web.get_data(as_text=True)


def test_the_web_pdf_follows_the_page_language_unless_asked(client, cert_id: str) -> None:
    client.set_cookie("lang", "fr")
    _assert_language(client.get(f"/certificates/{cert_id}.pdf").data, cert_id, "fr")
    _assert_language(client.get(f"/certificates/{cert_id}.pdf?lang=es").data, cert_id, "es")
    page = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    assert "Le PDF dans chaque langue" in page
    for code in ("en", "es", "fr"):
        assert f'href="/certificates/{cert_id}.pdf?lang={code}"' in page


def test_every_language_waits_for_the_new_status(
    app: Flask, client, world: World, cert_id: str, held: HeldJobs
) -> None:
    suspended = client.post(
        f"/api/v1/certificates/{cert_id}/status",
        json={"action": "suspend", "reason": "A challenge is being examined."},
        headers=world["reviewer"].headers,
    )
    assert suspended.status_code == 200
    for locale in ("en", "es", "fr"):
        withheld = client.get(f"/api/v1/certificates/{cert_id}.pdf?lang={locale}")
        assert withheld.status_code == 503 and withheld.headers["Retry-After"]
    held.run_all(app)
    for locale, word in (("en", "Suspended"), ("es", "Suspendido"), ("fr", "Suspendu")):
        answer = client.get(f"/api/v1/certificates/{cert_id}.pdf?lang={locale}")
        assert answer.status_code == 200 and word in _read(answer.data)[1], locale


def test_the_openapi_document_names_the_languages(client) -> None:
    operation = client.get("/api/v1/openapi.json").json["paths"][
        "/api/v1/certificates/{cert_id}.pdf"
    ]["get"]
    (lang,) = [p for p in operation["parameters"] if p["name"] == "lang"]
    assert lang["in"] == "query" and lang["schema"]["enum"] == ["en", "es", "fr"]
    assert lang["schema"]["default"] == "en"


def test_certificates_missing_a_language_are_caught_up(
    app: Flask, client, cert_id: str, held: HeldJobs
) -> None:
    assert PERIODIC["certificates.render_missing"] == timedelta(minutes=15)
    with app.app_context(), db.session_scope(app) as session:  # as issued before es/fr existed
        session.execute(
            sa.update(Certificate).where(Certificate.cert_id == cert_id).values(pdf_localized=None)
        )
        session.commit()
    assert client.get(f"/api/v1/certificates/{cert_id}.pdf?lang=es").status_code == 503

    def catch_up() -> dict:
        with app.app_context(), db.session_scope(app) as session:
            job = Job(id="r" * 32, kind="certificates.render_missing")
            context = JobContext(session=session, job=job, report_progress=lambda _p: None)
            queued = render_missing(context)
            session.commit()
        return queued

    assert catch_up() == {"queued": 1}
    held.run_all(app)
    _assert_language(client.get(f"/api/v1/certificates/{cert_id}.pdf?lang=es").data, cert_id, "es")
    assert catch_up() == {"queued": 0}
