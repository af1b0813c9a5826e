"""A briefing's findings worded from their codes in English, Spanish and French, and left as
the data gives them where a code is not known."""

from __future__ import annotations

import copy
import re

import pytest

from reports import briefing_texts as texts
from reports.briefing_pdf import briefing_html, page_footer_css
from tests.reports.test_briefing_reports import sample


def _spaces(text: str | None) -> str:
    return re.sub(r"\s", " ", text or "")  # (narrow) no-break spaces as plain ones


@pytest.mark.parametrize(
    ("locale", "one", "two"),
    [
        ("en", "1 confirmed severe incident(s) in the last 5 years: death threat, killing",
         "2 confirmed severe incident(s) in the last 5 years: death threat, killing"),
        ("es", "1 incidente grave confirmado en los últimos 5 años: amenaza de muerte, asesinato",
         "2 incidentes graves confirmados en los últimos 5 años: amenaza de muerte, asesinato"),
        ("fr", "1 incident grave confirmé au cours des 5 dernières années : "
               "menace de mort, meurtre",
         "2 incidents graves confirmés au cours des 5 dernières années : "
         "menace de mort, meurtre"),
    ],
)  # fmt: skip
def test_red_flags_take_the_plural_forms_of_each_language(locale, one, two):
    params = {"years": 5, "attack_types": ["death_threat", "killing"]}
    assert texts.red_flag("severe_incident", {**params, "count": 1}, locale) == one
    assert texts.red_flag("severe_incident", {**params, "count": 2}, locale) == two


@pytest.mark.parametrize(
    ("locale", "why"),
    [
        ("en", "Earns 40% of the indicator's points (up to 2.5 points of the total with full "
               "credit)."),
        ("es", "Obtiene el 40 % de los puntos del indicador (hasta 2,5 puntos del total con la "
               "puntuación completa)."),
        ("fr", "Rapporte 40 % des points de l'indicateur (jusqu'à 2,5 points du total avec le "
               "maximum de points)."),
    ],
)  # fmt: skip
def test_indicator_questions_come_from_the_questionnaire_in_the_language(locale, why):
    params = {
        "questionnaire": "company",
        "version": 1,
        "question": "A1",
        "section": "A",
        "lacking": False,
        "share": 40,
        "gain": 2.5,
    }
    words = texts.question("indicator", params, locale)
    assert words is not None and _spaces(words.why) == why
    if locale == "es":
        assert words.text.startswith("¿Ha publicado la empresa un compromiso de política")
    if locale == "en":
        assert words.text.startswith("Has the company published a policy commitment")


def test_unknown_codes_and_missing_parameters_keep_the_text_of_the_data():
    assert texts.red_flag("some_new_flag", {}, "es") is None
    assert texts.red_flag("severe_incident", {}, "es") is None  # a briefing of an older version
    assert texts.question("incident", {"ref": "INC-1"}, "fr") is None
    assert texts.question("indicator", {"questionnaire": "nope", "version": 1}, "es") is None
    briefing = sample()
    before = copy.deepcopy(briefing)
    worded = texts.localize(briefing, "es")
    assert briefing == before  # the input is left as it is
    holding = worded["holdings"][0]
    assert holding["red_flags"][0]["label"] == before["holdings"][0]["red_flags"][0]["label"]
    assert holding["questions"][0]["why"] == "Lacking."
    assert holding["data_gaps"][0]["label"] == "No assessment"  # no parameters: as given
    assert worded["aggregates"]["top_engage"][0]["reasons"] == ["x"]


def test_localize_words_flags_gaps_reasons_and_labels_of_a_briefing():
    briefing = sample()
    holding = briefing["holdings"][0]
    holding["red_flags"] = [
        {"code": "under_challenge", "label": "Certificate C-1 is under an admitted challenge",
         "params": {"cert_id": "C-1"}},
    ]  # fmt: skip
    holding["data_gaps"] = [
        {"code": "no_sites", "label": "No list of project sites", "params": {}},
    ]
    holding["context"]["factors"] = [{"code": "fixed_country", "params": {"country": "CO"}}]
    holding["context"]["reasons"] = ["high-risk country (fixed list): CO"]
    briefing["aggregates"]["top_engage"][0]["reasons"] = [
        "Certificate C-1 is under an admitted challenge"
    ]
    briefing["aggregates"]["by_tier"] = [
        {"key": "none", "label": "No certificate in force", "weight": 60.0, "holdings": 2},
        {"key": "conditional", "label": "Conditional", "weight": 40.0, "holdings": 1},
    ]
    worded = texts.localize(briefing, "es")
    first = worded["holdings"][0]
    assert first["red_flags"][0]["label"] == (
        "El certificado C-1 es objeto de una impugnación admitida"
    )
    assert first["data_gaps"][0]["label"] == "Sin lista de emplazamientos del proyecto"
    assert first["context"]["reasons"] == ["país de alto riesgo (lista fija): CO"]
    assert worded["aggregates"]["top_engage"][0]["reasons"] == [first["red_flags"][0]["label"]]
    assert [s["label"] for s in worded["aggregates"]["by_tier"]] == [
        "Sin certificado vigente",
        "Condicional",
    ]
    assert worded["aggregates"]["by_sector"][0]["label"] == "minería"
    assert texts.localize(briefing, "en")["holdings"][0]["red_flags"] == holding["red_flags"]


def test_the_pdf_numbers_its_pages_in_its_language():
    assert page_footer_css("en") == (
        '@page { @bottom-right { content: "page " counter(page) " of " counter(pages); } }'
    )
    assert '"página " counter(page) " de " counter(pages)' in page_footer_css("es")
    html = briefing_html(sample(), locale="fr")
    assert '"page " counter(page) " sur " counter(pages)' in html
    assert "confirmée" in html and "meurtre" in html  # match status and attack type in words
