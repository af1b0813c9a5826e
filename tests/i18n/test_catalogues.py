"""The Spanish and French catalogues are complete and their compiled .mo files are current."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[2]
TRANSLATIONS = ROOT / "compliance" / "translations"
LANGUAGES = ("es", "fr")


def _catalog(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def _messages_in_the_code() -> set[str | tuple[str, ...]]:
    """What `pybabel extract -F babel.cfg -k lazy_gettext -k Phrase` finds today."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "Phrase": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.add(message)
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language: str) -> None:
    catalog = _catalog(language)
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    catalog = _catalog(language)
    problems = [(message.id, errors) for message in catalog if (errors := message.check(catalog))]
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_holds_every_message_of_the_code(language: str) -> None:
    catalog = _catalog(language)
    known = {message.id for message in catalog if message.id}
    missing = sorted(map(str, _messages_in_the_code() - known))
    assert missing == [], "run the extraction and translate (README, Languages)"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(language))
    committed = (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").read_bytes()
    assert compiled.getvalue() == committed, "run pybabel compile -d compliance/translations"
