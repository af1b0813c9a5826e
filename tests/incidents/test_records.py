"""Versioned records, the coarsening rules, pagination and the facts screening reads."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from compliance import db
from compliance.clock import now
from compliance.errors import InvalidInput
from compliance.incidents import service as incident_service
from compliance.incidents.content import (
    IncidentContent,
    IncidentDraft,
    ProtectedContent,
    Victim,
    clean_region,
    split_location,
)
from compliance.incidents.redaction import people_band
from compliance.incidents.vocabulary import (
    CoordinatePrecision,
    Sector,
    country_code,
    parse_term,
)
from compliance.pagination import decode_cursor, encode_cursor
from tests.conftest import World
from tests.incidents.conftest import submission


def _draft(source_id: str, **content) -> IncidentDraft:
    facts = {"occurred_on": date(2020, 1, 2), "country": "CO", "attack_types": ["killing"]}
    return IncidentDraft(
        source_id=source_id,
        content=IncidentContent(**{**facts, **content}),
        protected=ProtectedContent(victims=(Victim(name=f"Name of {source_id}"),)),
    )


def _apply(app: Flask, drafts: list[IncidentDraft]) -> incident_service.ApplyOutcome:
    with db.session_scope(app) as session:
        outcome = incident_service.apply_drafts(
            session=session,
            source="unit",
            drafts=drafts,
            import_id=None,
            created_by_id=None,
            now=now(),
        )
        session.commit()
    return outcome


def test_the_content_hash_covers_protected_fields_but_not_the_withdrawn_flag() -> None:
    base = _draft("a")
    renamed = base.model_copy(update={"protected": ProtectedContent(victims=(Victim(name="x"),))})
    assert base.content_hash() != renamed.content_hash()
    assert base.content_hash() == base.model_copy(update={"withdrawn": True}).content_hash()
    assert base.content_hash() == _draft("a").content_hash()


def test_records_are_versioned_never_overwritten_and_withdrawn_not_deleted(app: Flask) -> None:
    first = _apply(app, [_draft("a"), _draft("b")])
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    revised = _apply(app, [_draft("a", region="Cauca"), _draft("b")])
    assert (revised.created, revised.updated, revised.unchanged) == (0, 1, 1)
    withdrawn = _apply(app, [_draft("b").model_copy(update={"withdrawn": True})])
    assert (withdrawn.unchanged, withdrawn.withdrawn) == (1, 1)
    with db.session_scope(app) as session:
        facts = list(incident_service.iter_matching_facts(session=session))
    assert [(f.region, f.version) for f in facts] == [("Cauca", 2)]  # b is withdrawn


def test_matching_facts_carry_precise_points_only_for_server_side_use(
    app: Flask, client: FlaskClient, world: World
) -> None:
    client.post("/api/v1/incidents", json=submission(), headers=world["ngo"].headers)
    before = now()
    _apply(app, [_draft("late", sector="logging", companies_alleged=["Maderas Delta"])])
    with db.session_scope(app) as session:
        every = list(incident_service.iter_matching_facts(session=session, batch_size=1))
        recent = list(incident_service.iter_matching_facts(session=session, changed_since=before))
        chosen = list(
            incident_service.iter_matching_facts(
                session=session, incident_ids=[every[0].incident_id]
            )
        )
    assert len(every) == 2 and [f.companies_alleged for f in recent] == [("Maderas Delta",)]
    submitted = every[0]
    assert (submitted.latitude, submitted.longitude) == (4.7110123, -74.0721456)
    assert submitted.coordinate_precision == CoordinatePrecision.exact
    assert submitted.companies_alleged == ("Minera Alfa S.A.",) and submitted.country == "CO"
    assert chosen == [submitted] and recent[0].sector == Sector.logging


def test_lists_paginate_with_an_opaque_cursor_and_a_bounded_limit(
    app: Flask, client: FlaskClient, world: World
) -> None:
    _apply(
        app, [_draft(f"r{i}", occurred_on=date(2020, 1, 1) + timedelta(days=i)) for i in range(5)]
    )
    headers = world["investor"].headers
    seen, cursor = [], None
    while True:
        url = "/api/v1/incidents?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=headers).get_json()
        assert len(page["items"]) <= 2
        seen += [item["ref"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5
    app.config["PAGE_MAX_LIMIT"] = 3
    assert len(client.get("/api/v1/incidents?limit=400", headers=headers).get_json()["items"]) == 3
    bad = client.get("/api/v1/incidents?cursor=not-a-cursor", headers=headers)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["pointer"] == "/cursor"
    assert client.get("/api/v1/incidents?limit=0", headers=headers).status_code == 422
    since = client.get("/api/v1/incidents?since=2020-01-04", headers=headers).get_json()
    assert len(since["items"]) == 2


def test_filters_by_country_sector_and_attack_type(
    app: Flask, client: FlaskClient, world: World
) -> None:
    _apply(
        app,
        [
            _draft("x1", country="PE", sector="mining", attack_types=["surveillance"]),
            _draft(
                "x2", country="PE", sector="logging", attack_types=["killing", "smear_campaign"]
            ),
            _draft("x3", country="BR", sector="mining", attack_types=["smear_campaign"]),
        ],
    )
    headers = world["company_b"].headers

    def count(query: str) -> int:
        return len(client.get(f"/api/v1/incidents?{query}", headers=headers).get_json()["items"])

    assert count("country=pe") == 2 and count("sector=mining") == 2
    assert count("attack_type=smear_campaign") == 2 and count("attack_type=killing") == 1
    assert count("country=PE&sector=mining&attack_type=surveillance") == 1


def test_a_region_that_reads_like_an_account_of_the_attack_is_kept_protected() -> None:
    assert clean_region("  Negros Occidental ") == ("Negros Occidental", None)
    assert clean_region("South Cotabato Province.") == ("South Cotabato Province", None)
    sentence = "Killing of Someone Named, 26 January 2016, DRC"
    assert clean_region(sentence) == (None, sentence)
    assert clean_region("") == (None, None)


def test_precise_points_are_protected_and_centroids_public() -> None:
    assert split_location(1.5, 2.5, CoordinatePrecision.exact) == (
        {"coordinate_precision": CoordinatePrecision.exact},
        {"latitude": 1.5, "longitude": 2.5},
    )
    public, protected = split_location(1.5, 2.5, None)
    assert public["coordinate_precision"] == CoordinatePrecision.approximate and protected
    assert split_location(1.5, 2.5, CoordinatePrecision.region)[1] == {}


@pytest.mark.parametrize(
    ("count", "band"),
    [
        (None, None),
        (0, None),
        (1, "1-4"),
        (4, "1-4"),
        (5, "5-9"),
        (49, "10-49"),
        (50, "50 or more"),
    ],
)
def test_people_affected_is_shown_in_bands(count, band) -> None:
    assert people_band(count) == band


def test_source_words_map_to_the_vocabulary() -> None:
    assert parse_term(Sector, "Mining & Extractives") == Sector.mining
    assert parse_term(Sector, "hydroelectric") == Sector.hydropower
    assert parse_term(Sector, "space tourism") is None
    assert [country_code(c) for c in ("co", "COL", "170", "Perú", "Russia", "Atlantis")] == [
        "CO",
        "CO",
        "CO",
        "PE",
        "RU",
        None,
    ]


def test_cursors_round_trip_and_foreign_ones_are_refused() -> None:
    assert decode_cursor(encode_cursor(12345)) == 12345
    assert decode_cursor(None) is None
    with pytest.raises(InvalidInput, match="cursor"):
        decode_cursor("bm9wZQ")
