"""The certificate and the briefing in Spanish and French: rendered, read back, and showing the
translated headings and the locale's dates and numbers; English stays the default."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.briefing_pdf import render_briefing_pdf
from reports.briefing_xlsx import briefing_xlsx
from reports.certificate_pdf import CertificateSheet, SectionBar, render_certificate_pdf
from reports.certificate_texts import label, scope_lines, status_note
from reports.charts import bar_chart
from reports.i18n import format_day, format_share, language
from tests.reports.test_briefing_reports import sample

SIGNED = b'{"proof":{"proofValue":"z3x"}}'


def _sheet() -> CertificateSheet:
    return CertificateSheet(
        cert_id="HRD-2026-000042",
        organisation_name="Palmas del Norte S.A.",
        country="GT",
        sector="agribusiness",
        tier_label="Conditional",
        score=1048.25,
        sections=(SectionBar("A", "Política y gobernanza", 80.0),),
        scope_lines=("12 suppliers listed",),
        issued_on=date(2026, 3, 1),
        expires_on=date(2027, 3, 1),
        status="active",
        status_label="Active",
        status_note=None,
        verify_url="https://sentinel.example/certificates/HRD-2026-000042",
        key_id="kid-1",
        key_fingerprint="f" * 64,
        methodology="hrd-sentinel-method 1.0",
        methodology_hash="a" * 64,
        inputs_hash="b" * 64,
        credential_sha256="c" * 64,
        signed_json=SIGNED,
    )


def _text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)  # wrapped lines and (narrow) no-break spaces


CERTIFICATE_TEXTS = {
    "en": ("HRD Sentinel certificate", ["Score by section", "Verify this certificate",
           "Issued 1 March 2026", "Valid until 1 March 2027", "Score 1,048.2 / 100"]),
    "es": ("Certificado HRD Sentinel", ["Puntuación por sección", "Verifique este certificado",
           "Emitido el 1 de marzo de 2026", "Válido hasta el 1 de marzo de 2027",
           "Puntuación 1.048,2 / 100", "Clave de firma"]),
    "fr": ("Certificat HRD Sentinel", ["Score par section", "Vérifier ce certificat",
           "Délivré le 1 mars 2026", "Valable jusqu'au 1 mars 2027", "Score 1 048,2 / 100",
           "Empreinte de la clé (SHA-256)"]),
}  # fmt: skip


@pytest.mark.parametrize("locale", ["en", "es", "fr"])
def test_certificate_pdf_in_each_language(locale):
    title, expected = CERTIFICATE_TEXTS[locale]
    reader, text = _text(render_certificate_pdf(_sheet(), locale=locale))
    assert len(reader.pages) == 1
    assert reader.metadata.title == f"{title} HRD-2026-000042"
    for phrase in expected:
        assert phrase in text, phrase
    assert dict(reader.attachments) == {"HRD-2026-000042.json": [SIGNED]}


def test_certificate_in_english_by_default():
    _, text = _text(render_certificate_pdf(_sheet()))
    assert "Issued 1 March 2026" in text and "Puntuación" not in text


BRIEFING_TEXTS = {
    "es": ["Resumen ejecutivo", "Desde la ejecución 2:", "a fecha de 28 de noviembre de 2026",
           "3 participaciones", "Participaciones prioritarias para el diálogo",
           "Exposición por sector", "Participación con alerta roja 1 de 2", "20,0 %",
           "Incidentes de los últimos cinco años", "marzo de 2025", "Preguntas para plantear"],
    "fr": ["Synthèse", "Depuis l'exécution 2 :", "au 28 novembre 2026", "3 participations",
           "Participations prioritaires pour le dialogue", "Exposition par secteur",
           "Participation en alerte rouge 1 sur 2", "20,0 %", "Incidents des cinq dernières années",
           "mars 2025", "Questions à poser à l'entreprise"],
}  # fmt: skip


@pytest.mark.parametrize("locale", ["es", "fr"])
def test_briefing_pdf_in_spanish_and_french(locale):
    _, text = _text(render_briefing_pdf(sample(), locale=locale))
    for phrase in BRIEFING_TEXTS[locale]:
        assert phrase in text, phrase
    assert "Executive summary" not in text


@pytest.mark.parametrize(
    ("locale", "sheets", "header", "first_row"),
    [
        ("es", ["Resumen", "Participaciones", "Incidentes"], ["Posición", "Participación"],
         ("Cartera", "Fund <One> & Co")),
        ("fr", ["Synthèse", "Participations", "Incidents"], ["Position", "Participation"],
         ("Portefeuille", "Fund <One> & Co")),
    ],
)  # fmt: skip
def test_briefing_workbook_in_spanish_and_french(locale, sheets, header, first_row):
    workbook = load_workbook(io.BytesIO(briefing_xlsx(sample(), locale=locale)))
    assert workbook.sheetnames == sheets
    holdings = workbook[sheets[1]]
    assert [c.value for c in holdings[1]][:2] == header
    assert holdings.cell(row=2, column=7).value == 10.0  # numbers stay numbers
    summary = list(workbook[sheets[0]].iter_rows(values_only=True))
    assert summary[0][:2] == first_row


def test_charts_speak_the_locale():
    assert "Sin datos" in bar_chart([], title="t", locale="es")
    assert "Aucune donnée" in bar_chart([], title="t", locale="fr")
    assert "No data" in bar_chart([], title="t")


def test_locales_and_formats():
    assert [language(x) for x in ("es_CO", "fr-CA", "de", "en_US")] == ["es", "fr", "en", "en"]
    assert format_day("2026-11-28", "es") == "28 de noviembre de 2026"
    assert format_day("2025-03", "fr") == "mars 2025"
    assert format_day("not a date", "fr") == "not a date"
    assert format_share(12.5, "en") == "12.5%"
    assert re.sub(r"\s", " ", format_share(12.5, "fr")) == "12,5 %"


def test_the_sheet_words_in_each_language():
    scope = {"sites": 2, "suppliers": 1250, "dataset_versions": [3, 4]}
    assert scope_lines(scope) == (
        "The organisation's own operations and:",
        "2 sites listed",
        "1,250 suppliers listed",
        "Dataset versions: 3, 4",
    )
    spanish = scope_lines(scope, "es")
    assert spanish[1:3] == ("2 emplazamientos registrados", "1.250 proveedores registrados")
    assert scope_lines({"sites": 1}, "fr")[1] == "1 site répertorié"
    assert scope_lines({}, "fr")[0].startswith("Les activités propres de l'organisation")
    assert [label(text, "es") for text in ("Conditional", "Suspended", "Own words")] == [
        "Condicional",
        "Suspendido",
        "Own words",
    ]
    note = status_note(active=False, changed_on=date(2026, 5, 2), locale="fr")
    assert note.startswith("Depuis le 2 mai 2026.")
    assert status_note(active=True, changed_on=date(2026, 5, 2)).startswith("As of 2 May 2026.")


def test_a_fully_spanish_certificate_has_no_english_left():
    words = {
        "tier_label": label("Conditional", "es"),
        "status_label": label("Active", "es"),
        "status_note": status_note(active=True, changed_on=date(2026, 3, 1), locale="es"),
        "scope_lines": scope_lines({"suppliers": 12, "dataset_versions": [1]}, "es"),
    }
    _, text = _text(render_certificate_pdf(replace(_sheet(), **words), locale="es"))
    for phrase in ("Condicional", "Vigente", "12 proveedores registrados", "A fecha de 1 de marzo"):
        assert phrase in text, phrase
    for english in ("Active", "Issued", "listed", "Scope", "Verify"):
        assert english not in text, english
