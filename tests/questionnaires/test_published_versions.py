"""Published versions are immutable: the lock file's content hashes catch any edit."""

from __future__ import annotations

import json

import pytest

from questionnaires import PublishedVersionChanged, content_hash, default_registry, load_registry
from questionnaires.loader import load_definition
from questionnaires.publication import publish
from questionnaires.registry import DEFINITIONS_DIR


def test_lock_file_matches_the_shipped_definitions():
    lock = json.loads((DEFINITIONS_DIR / "published.json").read_text())
    registry = default_registry()
    for key, versions in lock.items():
        for version, digest in versions.items():
            assert content_hash(registry.get(key, int(version))) == digest


def test_editing_a_published_file_is_detected(definitions_copy):
    path = definitions_copy / "company" / "1.yaml"
    text = path.read_text()
    path.write_text(text.replace("Whom does the commitment cover?", "Who is covered?"))
    with pytest.raises(PublishedVersionChanged) as caught:
        load_registry(definitions_copy)
    assert str(path) in str(caught.value)
    assert "publish the change as version 2" in str(caught.value)


def test_changing_a_required_flag_is_detected(definitions_copy):
    path = definitions_copy / "financial_institution" / "1.yaml"
    path.write_text(path.read_text().replace("required: true", "required: false", 1))
    with pytest.raises(PublishedVersionChanged):
        load_registry(definitions_copy)


def test_inline_translations_and_comments_keep_the_hash(definitions_copy):
    (definitions_copy / "company" / "1.translations.yaml").unlink()
    path = definitions_copy / "company" / "1.yaml"
    text = path.read_text().replace(
        "title: Protection of human rights defenders - company self-assessment\n",
        "# a comment\ntitle:\n"
        "  en: Protection of human rights defenders - company self-assessment\n"
        "  es: Protección de personas defensoras - autoevaluación de empresas\n",
    )
    path.write_text(text)
    registry = load_registry(definitions_copy)
    assert registry.get("company").title["es"].startswith("Protección")


def test_correcting_a_translation_file_keeps_the_hash(definitions_copy):
    path = definitions_copy / "company" / "1.translations.yaml"
    path.write_text(path.read_text().replace("Política y gobernanza", "Políticas y gobernanza"))
    company = load_registry(definitions_copy).get("company")
    assert company.section("A").title["es"] == "Políticas y gobernanza"
    assert content_hash(company) == content_hash(default_registry().get("company"))


def test_a_deleted_published_version_is_detected(definitions_copy):
    (definitions_copy / "financial_institution" / "1.yaml").unlink()
    with pytest.raises(PublishedVersionChanged, match=r"financial_institution/1\.yaml"):
        load_registry(definitions_copy)


def test_publishing_other_content_under_a_published_version_is_refused(definitions_copy):
    path = definitions_copy / "company" / "1.yaml"
    path.write_text(path.read_text().replace("Whom does", "Whom exactly does"))
    with pytest.raises(PublishedVersionChanged, match="already published"):
        publish(load_definition(path), definitions_copy / "published.json")


def test_drafts_are_served_only_on_request(definitions_copy, company):
    draft = company.model_copy(update={"version": 2})
    (definitions_copy / "company" / "2.yaml").write_text(
        (definitions_copy / "company" / "1.yaml")
        .read_text()
        .replace("version: 1", "version: 2", 1)
        .replace("sections:", "migration: {from_version: 1}\nsections:", 1)
    )
    assert load_registry(definitions_copy).versions("company") == [1]
    with_drafts = load_registry(definitions_copy, include_drafts=True)
    assert with_drafts.versions("company") == [1, 2]
    assert not with_drafts.is_published("company", 2)
    assert with_drafts.get("company").version == draft.version
