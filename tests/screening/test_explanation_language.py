"""A match's explanation is kept as a phrase beside its English text: the API answers the English,
a web page words it again in the reader's language."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Flask

from compliance import db
from compliance.matching.engine import ScreeningIndex
from compliance.matching.entities import Entity, IncidentFacts
from compliance.phrases import Phrase
from compliance.screening.models import Match
from tests.conftest import World, sign_in
from tests.screening.conftest import matches


def test_a_nested_explanation_survives_json_and_words_the_same_english() -> None:
    index = ScreeningIndex(
        [
            Entity(kind="organisation", id="g1", name="Grupo Cordillera"),
            Entity(kind="organisation", id="o1", name="Minera Huascarán S.A.", parent_id="g1"),
            Entity(
                kind="site",
                id="s1",
                name="Mina Yurac",
                owner_id="o1",
                country="PE",
                lat=-9.5333,
                lon=-77.05,
                sector="gold mining",
            ),
        ]
    )
    found = index.screen(
        [IncidentFacts(id=1, lat=-9.54, lon=-77.05, precision=500, sector="mining", country="PE")]
    )
    (group,) = [m for m in found if m.organisation_id == "g1"]
    kept = json.loads(json.dumps(group.explanation.as_json()))
    assert kept["msgid"] == "through %(path)s: %(explanation)s"
    assert kept["params"]["path"]["msgid"] == "%(before)s → %(after)s"
    assert Phrase.from_json(kept) == group.explanation
    assert group.explanation == (
        "through subsidiary 'Minera Huascarán S.A.' → site 'Mina Yurac': site 'Mina Yurac' "
        "within 2.5 km of the incident location (location known to ±0.5 km); "
        "same sector (mining)"
    )


def test_stored_matches_keep_their_explanation_terms_and_the_api_stays_english(
    app: Flask, world: World, planted: dict
) -> None:
    with db.session_scope(app) as session:
        stored = session.execute(sa.select(Match)).scalars().all()
    assert stored
    for match in stored:
        assert isinstance(match.explanation_terms, dict)
        assert Phrase.from_json(match.explanation_terms) == match.explanation
    (alias,) = [m for m in stored if m.method == "alias"]
    assert alias.explanation_terms["params"]["label"] == {"msgid": "alias", "params": {}}
    with app.test_client() as api:
        answered = {m["id"]: m["explanation"] for m in matches(api, world["company_a"])}
    assert answered[alias.id] == (
        "alias 'Minera Alfa Colombia' ≈ 'Minera Alfa Colombia' 100; same country"
    )
    assert all(answered[m.id] == m.explanation for m in stored if m.id in answered)


def test_a_spanish_page_words_the_explanation_in_spanish(
    app: Flask, world: World, planted: dict
) -> None:
    with app.test_client() as client:
        assert sign_in(client, world["company_a"].email).status_code == 302
        page = client.get("/matches", headers={"Accept-Language": "es"})
        assert page.status_code == 200
        html = page.get_data(as_text=True)
    assert "Por qué coincidió" in html
    alias = "alias &#39;Minera Alfa Colombia&#39; ≈ &#39;Minera Alfa Colombia&#39; 100"
    assert alias + "; mismo país" in html
    assert "emplazamiento &#39;Mina Norte&#39; dentro de un radio de 2.5 km del lugar" in html
    assert "same country" not in html and "of the incident location" not in html
