"""Where things sit in the answers workbook; shared by the template writer and the importer.

One sheet per section: a title row, an intro row, a header row, then one row per question. A
multiple-choice question is followed by one row per option (id `B4:women`) whose answer cell is
marked Yes. A hidden sheet identifies the questionnaire, version and content hash.
"""

from __future__ import annotations

import re

from questionnaires.model import AnswerType, Question, Section, translate

META_SHEET = "_hrd_sentinel"
LISTS_SHEET = "_lists"
PROBLEMS_SHEET = "Problems"
TEMPLATE_FORMAT = "1"

TITLE_ROW = 1
INTRO_ROW = 2
HEADER_ROW = 4
FIRST_QUESTION_ROW = 5

ID_COLUMN = "A"
QUESTION_COLUMN = "B"
GUIDANCE_COLUMN = "C"
ANSWER_COLUMN = "D"
EVIDENCE_COLUMN = "E"
COMMENT_COLUMN = "F"

OPTION_SEPARATOR = ":"
SELECTED = {"en": "Yes", "es": "Sí", "fr": "Oui"}
NOT_SELECTED = {"en": "No", "es": "No", "fr": "Non"}
COMMENT_LIMIT = 2000


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")


def section_sheet_name(section: Section, language: str) -> str:
    """A valid, unique sheet name: the section letter and its title, within Excel's 31 chars."""
    title = _SHEET_FORBIDDEN.sub(" ", translate(section.title, language))
    name = f"{section.id} {title}"
    if len(name) > 31:
        name = name[:32].rsplit(" ", 1)[0].rstrip(" ,;-")
    return name


def option_id(question: Question, key: str) -> str:
    return f"{question.id}{OPTION_SEPARATOR}{key}"


def choice_lookup(question: Question, language: str) -> dict[str, str]:
    """What a person may type or pick for a choice question, folded to lower case, -> key.

    The workbook's own language wins; a label in another language is accepted too (a colleague
    may paste answers from a template downloaded in another language)."""
    lookup: dict[str, str] = {}
    for choice in question.all_choices:
        for text in (choice.key, translate(choice.label, language), *choice.label.values()):
            lookup.setdefault(text.strip().casefold(), choice.key)
    return lookup


def takes_dropdown(question: Question) -> bool:
    return question.type in (AnswerType.YES_PARTLY_NO, AnswerType.SINGLE_CHOICE)
