"""The reports' catalogues are complete and current: every text the code and templates use is
translated in Spanish and French, nothing is fuzzy, and the committed .mo is the compiled .po."""

from __future__ import annotations

import io

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from reports.i18n import DOMAIN, LOCALE_DIR, LOCALES

REPORTS_DIR = LOCALE_DIR.parent
TRANSLATED = [lang for lang in LOCALES if lang != "en"]


def _po(lang: str):
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as source:
        return read_po(source, locale=lang)


def _used_texts() -> set[tuple[str | None, str | tuple[str, ...]]]:
    """(context, message) of every text the code and templates use."""
    with (LOCALE_DIR / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "pgettext": ((1, "c"), 2),
        "N_": None,
    }
    return {
        (context, message if isinstance(message, str) else tuple(message))
        for _file, _line, message, _comments, context in extract_from_dir(
            str(REPORTS_DIR), method_map, options_map, keywords=keywords
        )
    }


def _ids(catalog) -> set[tuple[str | None, str | tuple[str, ...]]]:
    return {(message.context, message.id) for message in catalog if message.id}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_text_in_use_is_translated_and_none_is_fuzzy(lang):
    catalog = _po(lang)
    assert not catalog.fuzzy, "the catalogue header is marked fuzzy"
    problems = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not all((message.string,) if isinstance(message.string, str) else message.string)
        )
    ]
    assert problems == [], f"fuzzy or untranslated in {lang}"
    assert [(m.id, errors) for m, errors in catalog.check()] == []  # placeholders match


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalogue_holds_exactly_the_texts_in_use(lang):
    used, catalogued = _used_texts(), _ids(_po(lang))
    assert sorted(map(str, used - catalogued)) == [], "new texts: run pybabel extract/update"
    assert sorted(map(str, catalogued - used)) == [], "texts no longer used: run pybabel update"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_committed_mo_is_the_compiled_po(lang):
    committed = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    compiled = io.BytesIO()
    write_mo(compiled, _po(lang))  # what `pybabel compile` writes
    assert committed.read_bytes() == compiled.getvalue(), (
        "stale .mo: run pybabel compile -D reports -d reports/locale"
    )
