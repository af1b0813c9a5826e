"""Every text of the current questionnaires exists in Spanish and French; translations live
beside the definition, and the workbook is written and read back in each language."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping

import openpyxl
import pytest

from questionnaires import (
    DefinitionError,
    Questionnaire,
    SpreadsheetInvalid,
    build_template,
    default_registry,
    load_registry,
    localize,
    read_answers_workbook,
)
from questionnaires.translations import missing_translations


def _current_definitions() -> list[Questionnaire]:
    registry = default_registry()
    return [registry.get(key) for key in registry.keys()]  # noqa: SIM118 (not a dict)


def _every_text(definition: Questionnaire) -> Iterator[tuple[str, Mapping[str, str]]]:
    yield "title", definition.title
    yield "intro", definition.intro
    for section in definition.sections:
        yield f"section {section.id} title", section.title
        yield f"section {section.id} intro", section.intro
        for question in section.questions:
            yield f"{question.id} text", question.text
            yield f"{question.id} guidance", question.guidance
            if question.evidence.description is not None:
                yield f"{question.id} evidence", question.evidence.description
            for choice in question.all_choices:
                yield f"{question.id} option {choice.key}", choice.label


@pytest.mark.parametrize("definition", _current_definitions(), ids=lambda d: d.key)
@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_question_option_and_section_is_translated(definition, language):
    missing = [
        where for where, text in _every_text(definition) if not text.get(language, "").strip()
    ]
    assert missing == []
    assert missing_translations(definition, (language,)) == []


def test_the_field_vocabulary_is_used(company, financial_institution):
    spanish, french = localize(company, "es"), localize(company, "fr")
    assert spanish.language == "es" and french.language == "fr"
    assert spanish.sections[0].title == "Política y gobernanza"
    assert french.sections[0].title == "Politique et gouvernance"
    a4_es, a4_fr = spanish.sections[0].questions[3], french.sections[0].questions[3]
    assert "demandas estratégicas contra la participación pública" in a4_es.text
    assert "procédures-bâillons (SLAPP)" in a4_fr.text
    a5_es, a5_fr = spanish.sections[0].questions[4], french.sections[0].questions[4]
    assert "consentimiento libre, previo e informado (CLPI)" in a5_es.text
    assert "consentement libre, informé et préalable (CLIP)" in a5_fr.text
    assert "personas defensoras de derechos humanos" in spanish.intro
    assert "défenseur·e·s des droits humains" in french.intro
    fi = localize(financial_institution, "fr")
    g4 = next(q for s in fi.sections for q in s.questions if q.id == "G4")
    assert g4.choices[0].label == "En continu (alertes)"
    assert g4.guidance.startswith("Un criblage")


def test_an_unsupported_language_falls_back_to_english(company):
    german = localize(company, "de")
    assert german.language == "en"
    assert german.sections[0].title == company.sections[0].title["en"]


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("questions:\n  Z9:\n    text: {es: Hola}\n", "Z9.text: the definition has no such text"),
        ("questions:\n  A2:\n    choices:\n      nope: {fr: Non}\n", "A2.choices.nope"),
        ("sections:\n  A:\n    title: {en: Policy}\n", "'en' is not a translation language"),
        ("title: {de: Schutz}\n", "'de' is not a translation language"),
        ("title: Schutz\n", "title: give {language: text}"),
    ],
)
def test_a_translation_that_fits_nothing_stops_the_load(definitions_copy, entry, problem):
    path = definitions_copy / "company" / "1.translations.yaml"
    path.write_text(entry)
    with pytest.raises(DefinitionError) as caught:
        load_registry(definitions_copy)
    assert str(path) in str(caught.value)
    assert problem in str(caught.value)


def test_a_text_translated_twice_is_refused(definitions_copy):
    path = definitions_copy / "company" / "1.yaml"
    path.write_text(
        path.read_text().replace(
            "title: Protection of human rights defenders - company self-assessment\n",
            "title:\n  en: Protection of human rights defenders - company self-assessment\n"
            "  es: Otra traducción\n",
        )
    )
    with pytest.raises(DefinitionError, match="title: es is also written inline"):
        load_registry(definitions_copy)


def _sheet_rows(template: bytes) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(io.BytesIO(template))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
        if sheet.sheet_state == "visible"
    }


def test_spanish_company_template_is_written_in_spanish_and_imports_back(company, fill_workbook):
    template = build_template(company, language="es")
    sheets = _sheet_rows(template)
    names = list(sheets)
    assert names[0] == "Instrucciones"
    assert names[1] == "A Política y gobernanza"
    instructions = [row[0] for row in sheets["Instrucciones"] if row[0]]
    assert "Cómo rellenar este libro" in instructions and "No causar daño" in instructions
    section_a = sheets["A Política y gobernanza"]
    assert section_a[3][:4] == [
        "Id",
        "Pregunta",
        "Orientación, normas y pruebas esperadas",
        "Respuesta",
    ]
    a2 = next(row for row in section_a if row[0] == "A2")
    assert a2[1].startswith("¿A quién abarca el compromiso?")
    assert "Responda solo si A1 es Sí o Parcialmente." in a2[1]
    assert "Obligatoria." in a2[1]
    assert next(row for row in section_a if row[0] == "A2:suppliers_tier1")[1] == (
        "Proveedores directos (nivel 1)"
    )
    filled = fill_workbook(
        template,
        {
            "A1": "Sí",
            "A2:own_operations": "Sí",
            "A2:suppliers_tier1": "Sí",
            "A2:security_providers": "No",
            "C2": "No evaluado",
            "E11": "Sí, al menos un caso sigue en curso",
            "B2": 3,
        },
        comments={"A1": "Aprobada por el consejo."},
    )
    imported = read_answers_workbook(filled, company)
    assert imported.language == "es"
    assert imported.answers == {
        "A1": "yes",
        "A2": ["own_operations", "suppliers_tier1"],
        "B2": 3,
        "C2": "not_assessed",
        "E11": "ongoing",
    }
    assert imported.comments == {"A1": "Aprobada por el consejo."}


def test_french_template_accepts_a_label_pasted_from_another_language(
    financial_institution, fill_workbook
):
    template = build_template(financial_institution, language="fr")
    assert list(_sheet_rows(template))[:2] == ["Instructions", "A Politique et gouvernance"]
    filled = fill_workbook(
        template,
        {
            "A1": "Oui",
            "G3": "Partiellement",
            "G4": "At least quarterly",
            "G9": "Oui, uniquement en privé",
        },
    )
    imported = read_answers_workbook(filled, financial_institution)
    assert imported.language == "fr"
    assert imported.answers == {
        "A1": "yes",
        "G3": "partly",
        "G4": "quarterly",
        "G9": "private_only",
    }


def test_problems_in_a_spanish_workbook_are_explained_in_spanish(company, fill_workbook):
    filled = fill_workbook(
        build_template(company, language="es"),
        {"A1": "No", "A2:own_operations": "Sí", "C2": "Quizás", "B4:women": "Tal vez"},
    )
    with pytest.raises(SpreadsheetInvalid) as caught:
        read_answers_workbook(filled, company)
    messages = {problem.cell: problem.message for problem in caught.value.problems}
    assert messages["D7"] == (
        "La pregunta A2 solo se plantea si A1 es Sí o Parcialmente. Elimine esta respuesta o "
        "cambie la respuesta de la que depende."
    )
    c2 = next(message for message in messages.values() if "'Quizás'" in message)
    assert c2 == (
        "Pregunta C2: 'Quizás' no está en la lista; elija una de estas opciones: Sí, No, "
        "No evaluado."
    )
    assert "Marque esta opción con Sí o No, o déjela vacía." in messages.values()


def test_translations_without_their_definition_stop_the_load(definitions_copy):
    stray = definitions_copy / "company" / "2.translations.yaml"
    stray.write_text("title: {es: Protección}\n")
    with pytest.raises(DefinitionError, match=r"there is no 2\.yaml"):
        load_registry(definitions_copy)
