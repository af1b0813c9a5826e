"""The public methodology: page, PDF and rules file, all generated from the scorer's rules."""

from __future__ import annotations

import html
import io
import json

from flask import Flask
from pypdf import PdfReader

from compliance.web.methodology import published_pdf_path
from questionnaires.model import AnswerType
from questionnaires.registry import default_registry
from scoring import default_rules, sha256_hex
from scoring.rules import Method

RULES = default_rules()

METHOD_FOR = {
    AnswerType.YES_PARTLY_NO: {Method.YES_PARTLY_NO},
    AnswerType.SINGLE_CHOICE: {Method.CHOICE},
    AnswerType.MULTIPLE_CHOICE: {Method.MULTIPLE_CHOICE},
    AnswerType.NUMBER: {Method.NUMBER},
    AnswerType.DATE: {Method.DATE},
    AnswerType.URL: {Method.URL},
    AnswerType.TEXT: set(),
    AnswerType.FILE: set(),
}


def test_the_rules_cover_every_question_and_choice_of_every_questionnaire() -> None:
    registry = default_registry()
    for key in registry.keys():  # noqa: SIM118 - a registry, not a dict
        for version in registry.versions(key):
            definition = registry.get(key, version)
            qrules = RULES.questionnaires[f"{key}/{version}"]
            assert [i.question_id for i in qrules.indicators] == [
                q.id for q in definition.questions
            ]
            assert {s.section_id for s in qrules.sections} == {s.id for s in definition.sections}
            for question in definition.questions:
                rule = qrules.indicator(question.id)
                assert rule.method in METHOD_FOR[question.type] | {Method.CONTEXT}, question.id
                if rule.method is Method.CHOICE:
                    assert set(rule.points) == set(question.choice_keys), question.id
                if rule.method is Method.MULTIPLE_CHOICE:
                    assert set(rule.weights) <= set(question.choice_keys), question.id


def test_the_page_is_public_and_says_what_the_rules_say(client) -> None:
    page = client.get("/methodology")
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    assert RULES.content_hash in text and "hrd-sentinel-method" in text
    for qrules in RULES.questionnaires.values():
        assert all(s.rationale in text for s in qrules.sections)
    assert all(flag.label in text and flag.rationale in text for flag in RULES.red_flags)
    assert all(tier.label in text for tier in RULES.tiers)
    assert "enforced disappearance" in text and "Half-life of 2 years" in text
    assert "Yes 2 · Partly 1 · No 0" in text and "≤ 72: 2 · ≤ 168: 1 · otherwise 0" in text


def test_everyone_finds_the_methodology_in_the_navigation(client) -> None:
    assert 'href="/methodology">Methodology</a>' in client.get("/").get_data(as_text=True)


def test_the_rules_file_is_served_as_published(client) -> None:
    answer = client.get("/methodology.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert sha256_hex(json.loads(answer.data)) == RULES.content_hash
    assert answer.headers["ETag"] == f'"{RULES.content_hash}"'


def test_the_published_pdf_is_served_as_committed_and_carries_the_rules(app: Flask, client) -> None:
    """The PDF is rendered by `hrd-sentinel methodology pdf` and committed, never in a request:
    the committed copy must be the one of the current rules (re-render it when they change)."""
    answer = client.get("/methodology.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["ETag"] == f'"{RULES.content_hash}"'
    assert answer.data == published_pdf_path(RULES).read_bytes()
    reader = PdfReader(io.BytesIO(answer.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert RULES.content_hash in text and "Red flags and caps" in text
    attached = dict(reader.attachments)["hrd-sentinel-method-1.0.json"][0]
    assert sha256_hex(json.loads(attached)) == RULES.content_hash


def test_the_command_renders_the_pdf_of_the_current_rules(app: Flask, tmp_path) -> None:
    out = tmp_path / "method.pdf"
    result = app.test_cli_runner().invoke(args=["methodology", "pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    attached = dict(reader.attachments)["hrd-sentinel-method-1.0.json"][0]
    assert sha256_hex(json.loads(attached)) == RULES.content_hash
    assert RULES.content_hash in result.output
