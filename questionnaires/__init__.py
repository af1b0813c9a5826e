"""Questionnaires: versioned definitions and the pure engine that checks answers against them.

No Flask, no database. The application wires these functions to its endpoints:

- definitions: `default_registry()` / `load_registry()`, then `.list()`, `.get(key, version)`;
  `localize(definition, lang)` renders a version in one language (en, es, fr; English where a
  text is missing): question texts, guidance, option labels, section titles and intros;
  `missing_translations()` lists what a version still lacks; translations live beside each
  definition (`questionnaires.translations`); the models serialise with `model_dump()`.
- answers: `apply_patch()` for a partial save, `check_answers()` for a whole set.
- progress: `visible_question_ids()`, `progress()`, `missing_before_submit()`.
- versions: `QuestionnaireRegistry.migrate()` carries answers to a newer version.
- workbooks: `build_template(definition, language=lang)`, `read_answers_workbook()` (a
  template in any of the three languages), `highlight_problems()`, `export_xlsform()`.
"""

from questionnaires.answers import (
    AnswerCheck,
    AnswerProblem,
    AnswerRejected,
    PatchResult,
    apply_patch,
    check_answers,
    normalise_answer,
    normalise_evidence_reference,
)
from questionnaires.completeness import (
    MissingItem,
    Progress,
    SectionProgress,
    evidence_needed,
    is_required,
    missing_before_submit,
    progress,
)
from questionnaires.conditions import AnswerValue, Condition
from questionnaires.errors import (
    CellProblem,
    DefinitionError,
    DefinitionProblem,
    PublishedVersionChanged,
    QuestionnaireError,
    SpreadsheetInvalid,
    UnknownQuestionnaire,
    WrongQuestionnaire,
)
from questionnaires.migration import DroppedAnswer, MigrationResult
from questionnaires.model import (
    LANGUAGES,
    AnswerType,
    Choice,
    Evidence,
    Question,
    Questionnaire,
    Section,
    translate,
)
from questionnaires.publication import content_hash
from questionnaires.registry import (
    QuestionnaireRegistry,
    QuestionnaireSummary,
    default_registry,
    load_registry,
)
from questionnaires.translations import missing_translations
from questionnaires.view import QuestionnaireView, localize
from questionnaires.visibility import describe_condition, visible_question_ids
from questionnaires.workbook_reader import WorkbookLimits, WorkbookRefused
from questionnaires.xlsform import export_xlsform
from questionnaires.xlsx_highlight import highlight_problems
from questionnaires.xlsx_import import WorkbookAnswers, read_answers_workbook
from questionnaires.xlsx_template import build_template

__all__ = [
    "LANGUAGES",
    "AnswerCheck",
    "AnswerProblem",
    "AnswerRejected",
    "AnswerType",
    "AnswerValue",
    "CellProblem",
    "Choice",
    "Condition",
    "DefinitionError",
    "DefinitionProblem",
    "DroppedAnswer",
    "Evidence",
    "MigrationResult",
    "MissingItem",
    "PatchResult",
    "Progress",
    "PublishedVersionChanged",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "QuestionnaireRegistry",
    "QuestionnaireSummary",
    "QuestionnaireView",
    "Section",
    "SectionProgress",
    "SpreadsheetInvalid",
    "UnknownQuestionnaire",
    "WorkbookAnswers",
    "WorkbookLimits",
    "WorkbookRefused",
    "WrongQuestionnaire",
    "apply_patch",
    "build_template",
    "check_answers",
    "content_hash",
    "default_registry",
    "describe_condition",
    "evidence_needed",
    "export_xlsform",
    "highlight_problems",
    "is_required",
    "load_registry",
    "localize",
    "missing_before_submit",
    "missing_translations",
    "normalise_answer",
    "normalise_evidence_reference",
    "progress",
    "read_answers_workbook",
    "translate",
    "visible_question_ids",
]
