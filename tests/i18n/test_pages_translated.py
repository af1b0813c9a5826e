"""Pages rendered in Spanish and French keep no English sentence of the catalogue."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from tests.conftest import World, sign_in

TRANSLATIONS = Path(__file__).parents[2] / "compliance" / "translations"
PUBLIC_PAGES = ("/", "/login", "/register", "/verify", "/methodology", "/log")
SIGNED_IN_PAGES = {
    "company_a": ("/", "/assessments", "/account/tokens", "/incidents", "/challenges"),
    "investor": ("/", "/portfolios", "/watchlist"),
    "reviewer": ("/", "/review"),
}


class _Text(HTMLParser):
    """The visible text of a page, one string per text node."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        self._skip += tag in ("script", "style", "code", "pre")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style", "code", "pre")

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.chunks.append(" ".join(data.split()))


def _english_sentences(language: str) -> set[str]:
    """Catalogue messages of several words, without markup or placeholders, whose translation
    differs from the English: if one shows up on a translated page, it was missed."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    return {
        message.id
        for message in catalog
        if isinstance(message.id, str)
        and message.id
        and " " in message.id
        and not any(mark in message.id for mark in ("%", "<", "&"))
        and message.string != message.id
    }


def _text(client: FlaskClient, path: str) -> list[str]:
    answer = client.get(path)
    assert answer.status_code == 200, path
    parser = _Text()
    parser.feed(answer.get_data(as_text=True))
    return parser.chunks


def _leftovers(chunks: list[str], english: set[str]) -> list[str]:
    """Text nodes that are, whole, an English message (data such as names may contain any
    words, so only whole messages count)."""
    return [chunk for chunk in chunks if chunk in english]


@pytest.mark.parametrize("language", ["es", "fr"])
def test_public_pages_have_no_english_left(client: FlaskClient, language: str) -> None:
    english = _english_sentences(language)
    client.post("/language", data={"language": language})
    for path in PUBLIC_PAGES:
        assert _leftovers(_text(client, path), english) == [], path


@pytest.mark.parametrize("language", ["es", "fr"])
def test_signed_in_pages_have_no_english_left(app: Flask, world: World, language: str) -> None:
    english = _english_sentences(language)
    for identity, paths in SIGNED_IN_PAGES.items():
        client = app.test_client()
        client.post("/language", data={"language": language})
        sign_in(client, world[identity].email)
        for path in paths:
            assert _leftovers(_text(client, path), english) == [], (identity, path)


def test_english_pages_show_the_english_sentences(client: FlaskClient) -> None:
    """The check above is not vacuous: the same sentences are found on English pages."""
    text = _text(client, "/verify") + _text(client, "/")
    assert _leftovers(text, _english_sentences("fr"))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "2026-11-28 · 1234.5"),
        ("es", "28 nov 2026 · 1234,5"),
        ("fr", "28 nov. 2026 · 1234,5"),
    ],
)
def test_dates_and_numbers_follow_the_language(app: Flask, language: str, expected: str) -> None:
    with app.test_request_context("/", headers={"Accept-Language": language}):
        rendered = render_template_string(
            "{{ moment|localdate }} · {{ 1234.5|number(1) }}",
            moment=datetime(2026, 11, 28, 9, 30, tzinfo=UTC),
        )
    assert rendered == expected
