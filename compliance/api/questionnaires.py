"""The published questionnaires, their xlsx templates and XLSForm exports: public methodology."""

from __future__ import annotations

from typing import Literal

from flask import jsonify
from pydantic import BaseModel, Field

from compliance import policy
from compliance.accounts.actor import current_actor
from compliance.api import blueprint, public
from compliance.api.files import XLSX, download
from compliance.errors import NotFound
from compliance.pagination import QueryModel
from questionnaires.errors import UnknownQuestionnaire
from questionnaires.registry import QuestionnaireSummary, default_registry
from questionnaires.view import QuestionnaireView, localize
from questionnaires.xlsform import export_xlsform
from questionnaires.xlsx_template import build_template

bp = blueprint(
    "api_questionnaires",
    __name__,
    tag="Questionnaires",
    description="HRD-protection questionnaires, versioned and immutable once published",
)


class QuestionnairePath(BaseModel):
    key: str = Field(pattern=r"^[a-z_]{1,64}$")


class QuestionnaireQuery(QueryModel):
    version: int | None = Field(default=None, ge=1, le=10_000)
    lang: Literal["en", "es", "fr"] = "en"


class QuestionnaireList(BaseModel):
    items: list[QuestionnaireSummary]


def _definition(key: str, version: int | None):
    policy.require(current_actor(), "questionnaire.read")
    try:
        return default_registry().get(key, version)
    except UnknownQuestionnaire as exc:
        raise NotFound(exc.args[0]) from exc


@bp.get(
    "/questionnaires",
    summary="List questionnaires",
    responses={200: QuestionnaireList},
    security=[],
)
@public
def list_questionnaires():
    policy.require(current_actor(), "questionnaire.read")
    return jsonify(QuestionnaireList(items=default_registry().list()).model_dump(mode="json"))


@bp.get(
    "/questionnaires/<key>",
    summary="A questionnaire version with every question and its guidance",
    responses={200: QuestionnaireView},
    security=[],
)
@public
def get_questionnaire(path: QuestionnairePath, query: QuestionnaireQuery):
    definition = _definition(path.key, query.version)
    return jsonify(localize(definition, query.lang).model_dump(mode="json"))


@bp.get(
    "/questionnaires/<key>/template.xlsx",
    summary="The xlsx template to answer offline",
    responses={200: None},
    security=[],
)
@public
def questionnaire_template(path: QuestionnairePath, query: QuestionnaireQuery):
    definition = _definition(path.key, query.version)
    return download(
        build_template(definition, language=query.lang),
        filename=f"{definition.key}-v{definition.version}-{query.lang}.xlsx",
        mimetype=XLSX,
    )


@bp.get(
    "/questionnaires/<key>/xlsform.xlsx",
    summary="The questionnaire as an XLSForm (ODK, KoboToolbox)",
    responses={200: None},
    security=[],
)
@public
def questionnaire_xlsform(path: QuestionnairePath, query: QuestionnaireQuery):
    definition = _definition(path.key, query.version)
    return download(
        export_xlsform(definition),
        filename=f"{definition.key}-v{definition.version}-xlsform.xlsx",
        mimetype=XLSX,
    )
