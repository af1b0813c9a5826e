"""XLSForm export: pyxform converts it, with conditions, requirements and version intact."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from pyxform.xls2xform import convert

from questionnaires import Condition, Questionnaire, export_xlsform
from questionnaires.xlsform import relevant


def _convert(definition: Questionnaire) -> str:
    warnings: list[str] = []
    result = convert(xlsform=export_xlsform(definition), warnings=warnings, file_type=".xlsx")
    assert warnings == []
    return result.xform


@pytest.mark.parametrize("key", ["company", "financial_institution"])
def test_pyxform_converts_the_export(key, request):
    definition = request.getfixturevalue(key)
    xform = _convert(definition)
    assert f'version="{definition.version}"' in xform
    assert f"<h:title>{definition.title['en']}</h:title>" in xform
    for question in definition.questions:
        assert f"/{question.id}" in xform, question.id


def test_conditions_and_requirements_reach_the_xform(company):
    xform = _convert(company)
    binds = {
        match.group(1): match.group(0)
        for match in re.finditer(r'<bind nodeset="/data/section_\w+/(\w+)"[^>]*/>', xform)
    }
    assert (
        "relevant=\" /data/section_A/A1  = 'yes' or  /data/section_A/A1  = 'partly'\""
        in binds["A2"]
    )
    assert 'required="true()"' in binds["A1"]
    assert "/data/high_risk_context  = 'yes'" in binds["B10"]
    assert "selected( /data/section_D/D1 , 'public_forces')" in binds["D4"]
    assert 'type="int"' in binds["B2"] and "&gt;= 0" in binds["B2"]
    assert "regex(., '^https?://[^ ]+$')" in binds["F2"]


def test_export_has_survey_choices_and_settings(financial_institution):
    book = openpyxl.load_workbook(io.BytesIO(export_xlsform(financial_institution)))
    assert book.sheetnames == ["survey", "choices", "settings"]
    settings = [[c.value for c in row] for row in book["settings"].iter_rows()]
    assert settings[0][:3] == ["form_title", "form_id", "version"]
    assert settings[1][1:3] == ["hrd_sentinel_financial_institution_v1", "1"]
    choices = {(row[0].value, row[1].value) for row in book["choices"].iter_rows(min_row=2)}
    assert ("G2_options", "divestment_exit") in choices
    assert ("yes_partly_no", "partly") in choices


def test_translations_become_xlsform_languages(company):
    xform = _convert(company)
    assert 'lang="Español (es)"' in xform and 'lang="Français (fr)"' in xform
    assert "Política y gobernanza" in xform
    assert "Seleccione todas las que correspondan." in xform  # hints are translated too
    assert "Normes : UNGP 16" in xform


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"question": "A1", "not_in": ["no"]}, "${A1} != '' and not(${A1} = 'no')"),
        ({"question": "F2", "answered": False}, "${F2} = ''"),
        (
            {
                "all": [
                    {"question": "A1", "in": ["yes"]},
                    {"not": {"question": "B2", "at_least": 2}},
                ]
            },
            "(${A1} = 'yes') and (not(${B2} != '' and ${B2} >= 2))",
        ),
        (
            {
                "any": [
                    {"question": "B4", "in": ["women", "lgbtiq"]},
                    {"question": "A1", "in": ["no"]},
                ]
            },
            "(selected(${B4}, 'women') or selected(${B4}, 'lgbtiq')) or (${A1} = 'no')",
        ),
    ],
)
def test_conditions_as_xpath(company, rule, expected):
    assert relevant(Condition.model_validate(rule), company) == expected
