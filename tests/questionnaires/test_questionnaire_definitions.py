"""The shipped questionnaires: complete, expert, serialisable and translatable."""

from __future__ import annotations

import json

from questionnaires import (
    AnswerType,
    Questionnaire,
    content_hash,
    default_registry,
    localize,
)


def _all_text(definition: Questionnaire) -> str:
    parts = []
    for question in definition.questions:
        parts += [question.text["en"], question.guidance["en"], " ".join(question.norms)]
        parts += [choice.label["en"] for choice in question.choices]
    return " ".join(parts)


def test_registry_lists_both_published_questionnaires():
    summaries = {summary.key: summary for summary in default_registry().list()}
    assert set(summaries) == {"company", "financial_institution"}
    assert summaries["company"].version == 1
    assert summaries["company"].published
    assert summaries["financial_institution"].organisation_kind == "financial_institution"
    json.dumps([summary.model_dump(mode="json") for summary in summaries.values()])


def test_company_questionnaire_covers_sections_a_to_f(company):
    assert [section.id for section in company.sections] == list("ABCDEF")
    assert len(company.questions) >= 35
    assert all(section.title["en"] and section.intro["en"] for section in company.sections)


def test_financial_institution_adds_section_g(financial_institution):
    section_ids = [section.id for section in financial_institution.sections]
    assert "G" in section_ids
    assert set(section_ids) - {"G"} <= set("ABCDEF")
    assert len(financial_institution.questions) >= 20
    assert len(financial_institution.section("G").questions) >= 8


def test_every_question_explains_good_practice_and_cites_a_norm(company, financial_institution):
    for definition in (company, financial_institution):
        for question in definition.questions:
            assert len(question.guidance["en"]) > 60, question.id
            assert question.norms, question.id


def test_every_answer_type_is_used(company):
    assert {question.type for question in company.questions} == set(AnswerType)


def test_the_themes_of_the_field_are_visible(company, financial_institution):
    text = _all_text(company).lower()
    for theme in (
        "collective protection",
        "families",
        "territor",
        "fpic",
        "voluntary principles",
        "smear campaign",
        "slapp",
        "investigation",
        "impunity",
        "indicator",
        "gender",
        "tier 1",
        "stigmatising",
        "reprisal-response protocol",
        "ungp 31",
        "zero tolerance",
        "perceive",
    ):
        assert theme in text, theme
    fi_text = _all_text(financial_institution).lower()
    for theme in ("exclusion", "escalation", "screen", "anti-reprisal clauses", "engagement"):
        assert theme in fi_text, theme


def test_definition_round_trips_through_json(company):
    again = Questionnaire.model_validate_json(company.model_dump_json())
    assert again == company
    assert content_hash(again) == content_hash(company)
    condition = company.model_dump(mode="json")["sections"][0]["questions"][1]["show_if"]
    assert condition == {"question": "A1", "in": ["yes", "partly"]}


def test_localize_falls_back_to_english_per_text(company):
    english_only = company.model_dump(context={"canonical": True})
    english_only["title"] = {"en": company.title["en"], "es": "Protección de personas defensoras"}
    translated = Questionnaire.model_validate(english_only)
    spanish = localize(translated, "es")
    assert spanish.title == "Protección de personas defensoras"
    assert spanish.sections[0].questions[0].text == company.questions[0].text["en"]
    assert spanish.sections[0].questions[0].choices[0].label == "Sí"
    assert spanish.sections[0].questions[1].show_if_text == "A1 es Sí o Parcialmente"
    assert localize(translated, "de").language == "en"
