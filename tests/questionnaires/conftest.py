"""Shared fixtures: the shipped questionnaires and a way to write definitions for a test."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import yaml

from questionnaires import Questionnaire, default_registry
from questionnaires.registry import DEFINITIONS_DIR

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def company() -> Questionnaire:
    return default_registry().get("company", 1)


@pytest.fixture
def financial_institution() -> Questionnaire:
    return default_registry().get("financial_institution", 1)


@pytest.fixture
def definitions_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped definitions directory, lock file included."""
    target = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, target)
    return target


@pytest.fixture
def small_definition() -> dict:
    """A valid three-question definition to break in loader tests."""
    return {
        "key": "sample",
        "version": 1,
        "organisation_kind": "company",
        "title": "Sample",
        "intro": "A sample questionnaire.",
        "sections": [
            {
                "id": "A",
                "title": "Policy",
                "intro": "Policy questions.",
                "questions": [
                    {
                        "id": "A1",
                        "text": "Is there a policy?",
                        "guidance": "UNGP 16 explains what a policy commitment needs.",
                        "norms": ["UNGP 16"],
                        "type": "yes_partly_no",
                        "required": True,
                    },
                    {
                        "id": "A2",
                        "text": "Who owns it?",
                        "guidance": "A senior owner (UNGP 16).",
                        "norms": ["UNGP 16"],
                        "type": "single_choice",
                        "choices": [
                            {"key": "board", "label": "The board"},
                            {"key": "ceo", "label": "The chief executive"},
                        ],
                        "show_if": {"question": "A1", "in": ["yes", "partly"]},
                    },
                    {
                        "id": "A3",
                        "text": "How many sites?",
                        "guidance": "Count them (UNGP 17).",
                        "norms": ["UNGP 17"],
                        "type": "number",
                    },
                ],
            }
        ],
    }


@pytest.fixture
def write_definition(tmp_path: Path) -> Callable[[dict], Path]:
    """Write a definition as `<tmp>/defs/<key>/<version>.yaml` and return its path."""

    def write(definition: dict) -> Path:
        path = tmp_path / "defs" / definition["key"] / f"{definition['version']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(definition, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def fill_workbook() -> Callable[..., bytes]:
    return _fill_workbook


def _fill_workbook(
    template: bytes,
    cells: dict[str, object],
    *,
    evidence: dict[str, str] | None = None,
    comments: dict[str, str] | None = None,
) -> bytes:
    """Fill a template as a person would in Excel: pick labels, type numbers and dates.

    `cells` maps a question id (or an option row id such as 'B4:women') to what is typed in
    its answer cell.
    """
    book = openpyxl.load_workbook(io.BytesIO(template))
    rows = {
        sheet[f"A{row}"].value: (sheet, row)
        for sheet in book.worksheets
        if sheet.sheet_state == "visible"
        for row in range(5, sheet.max_row + 1)
        if sheet[f"A{row}"].value
    }
    for column, values in (("D", cells), ("E", evidence or {}), ("F", comments or {})):
        for row_id, value in values.items():
            sheet, row = rows[row_id]
            sheet[f"{column}{row}"] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
