"""Messages raised by services: English for the API, logs and stored results; the page's
language where a page shows them."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from compliance.phrases import Phrase, tree_terms, worded_tree
from compliance.web.terms import localized
from tests.i18n.test_pages_translated import _Text

MISSING = "/nowhere-at-all"


def test_a_phrase_is_its_english_text() -> None:
    phrase = Phrase("There is nothing at %(path)s. Check the address.", path="/x")
    assert phrase == "There is nothing at /x. Check the address."
    assert isinstance(phrase, str)


def test_a_kept_phrase_is_worded_again_identically(app: Flask) -> None:
    phrase = Phrase(
        "%(method)s is not allowed on %(path)s; use %(allowed)s.",
        method="PUT",
        path="/p",
        allowed=Phrase("Not Found"),
    )
    kept = Phrase.from_json(phrase.as_json())
    assert kept == phrase and kept.as_json() == phrase.as_json()
    with app.test_request_context("/"), force_locale("es"):
        assert localized(kept) == localized(phrase) != phrase


def test_a_job_result_keeps_its_phrases_beside_the_english() -> None:
    refusal = Phrase("There is nothing at %(path)s. Check the address.", path="/x")
    result = {"outcome": "refused", "detail": refusal, "errors": [{"detail": refusal, "row": 3}]}
    terms = tree_terms(result)
    back = worded_tree(result, terms)
    assert back == result
    assert isinstance(back["detail"], Phrase) and isinstance(back["errors"][0]["detail"], Phrase)
    assert back["errors"][0]["detail"].as_json() == refusal.as_json()
    plain = {"outcome": "imported", "imported_answers": 2}
    assert tree_terms(plain) is None and worded_tree(plain, None) is plain


@pytest.mark.parametrize("language", ["es", "fr"])
def test_localized_translates_phrases_and_leaves_other_text(app: Flask, language: str) -> None:
    with app.test_request_context("/"), force_locale(language):
        assert localized(Phrase("Not Found")) not in ("", "Not Found")
        assert localized("Not Found") == "Not Found"
        assert localized(None) is None


@pytest.mark.parametrize(
    ("language", "title", "start"),
    [("es", "No encontrado", "No hay nada en"), ("fr", "Introuvable", "Il n'y a rien à")],
)
def test_an_error_page_speaks_the_page_language_and_the_api_stays_english(
    client: FlaskClient, language: str, title: str, start: str
) -> None:
    headers = {"Accept-Language": language}
    page = client.get(MISSING, headers=headers)
    assert page.status_code == 404
    parser = _Text()
    parser.feed(page.get_data(as_text=True))
    assert title in parser.chunks
    assert any(chunk.startswith(start) and MISSING in chunk for chunk in parser.chunks)

    answer = client.get("/api/v1" + MISSING, headers=headers)
    assert answer.status_code == 404
    assert answer.json["title"] == "Not Found"
    assert answer.json["detail"].startswith("There is nothing at /api/v1" + MISSING)
