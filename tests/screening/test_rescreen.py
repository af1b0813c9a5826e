"""Re-screening: imports are screened against organisations, sites and suppliers in a job;
reviewer decisions hold across re-screenings; the periodic run picks its scope."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from compliance import db
from compliance.accounts.models import Organisation
from compliance.screening.models import Match, ScreeningRun
from tests.conftest import World
from tests.screening.conftest import (
    PLANTED,
    import_records,
    match_of,
    matches,
    record,
    rescreen_now,
    wait_for_rescreens,
)


def test_an_import_is_screened_against_organisations_sites_and_suppliers(
    app: Flask, client: FlaskClient, world: World, planted: dict
) -> None:
    company_a = world["company_a"].organisation_id
    found = matches(client, world["company_a"])
    alias = match_of(found, method="alias", organisation_id=company_a)
    assert (
        alias["explanation"]
        == "alias 'Minera Alfa Colombia' ≈ 'Minera Alfa Colombia' 100; same country"
    )
    assert [step["name"] for step in alias["path"]] == ["Minera Alfa S.A."]
    near = match_of(found, method="place_radius", organisation_id=company_a)
    assert near["entity_kind"] == "site" and near["suggested"] is True
    assert [(s["kind"], s["name"]) for s in near["path"]] == [
        ("organisation", "Minera Alfa S.A."),
        ("site", "Mina Norte"),
    ]
    assert near["explanation"].startswith("site 'Mina Norte' within 2.5 km of the incident")
    supplier = match_of(found, method="name", organisation_id=company_a)
    assert supplier["entity_kind"] == "supplier"
    assert [s["kind"] for s in supplier["path"]] == ["organisation", "supplier"]
    region = match_of(found, method="place_region", organisation_id=company_a)
    assert "site 'Represa Alta' is in the incident's region (Huila, CO)" in region["explanation"]
    assert "same sector (renewable_energy)" in region["explanation"]
    assert region["incident"]["sector"] == "hydropower"
    assert {m["status"] for m in found} == {"suggested"}
    assert len(found) == 4
    beta = matches(client, world["company_b"])
    assert [m["incident"]["companies_alleged"] for m in beta] == [["Agro Beta Ltda."]]


def test_the_import_queued_one_targeted_rescreen(app: Flask, planted: dict) -> None:
    jobs = wait_for_rescreens(app)
    assert len(jobs) == 1 and "changed_since" in jobs[0].params
    with db.session_scope(app) as session:
        runs = session.execute(sa.select(ScreeningRun)).scalars().all()
    assert [(run.scope, run.incidents_screened) for run in runs] == [("targeted", len(PLANTED))]


def _decide(client: FlaskClient, world: World, match_id: int, decision: str) -> dict:
    answer = client.post(
        f"/api/v1/matches/{match_id}/review",
        json={"decision": decision, "reason": "checked against the company registry"},
        headers=world["reviewer"].headers,
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def _statuses(app: Flask) -> dict[int, str]:
    with db.session_scope(app) as session:
        return dict(session.execute(sa.select(Match.id, Match.status)).all())


def test_decisions_are_remembered_across_rescreens(
    app: Flask, client: FlaskClient, world: World, planted: dict
) -> None:
    company_a = world["company_a"].organisation_id
    found = matches(client, world["reviewer"], organisation_id=company_a)
    alias = match_of(found, method="alias", organisation_id=company_a)
    supplier = match_of(found, method="name", organisation_id=company_a)
    assert _decide(client, world, alias["id"], "confirm")["status"] == "confirmed"
    assert _decide(client, world, supplier["id"], "dismiss")["status"] == "dismissed"
    before = _statuses(app)

    result = rescreen_now(app, full=True)
    assert result["scope"] == "full" and result["matches_new"] == 0
    assert _statuses(app) == before

    # A revision that does not touch the matching facts keeps the dismissal.
    import_records(client, world, [record("supplier-1", firms=["Transportes Rápidos SAS"])])
    wait_for_rescreens(app)
    assert _statuses(app)[supplier["id"]] == "dismissed"

    # New names alleged: the dismissal goes back to reviewers; the confirmation holds.
    revised = [
        record("supplier-1", firms=["Transportes Rápidos SAS", "Otra Empresa"]),
        record("alias-1", firms=["Minera Alfa Colombia"], region="Bolívar"),
    ]
    import_records(client, world, revised)
    wait_for_rescreens(app)
    after = _statuses(app)
    assert after[supplier["id"]] == "suggested" and after[alias["id"]] == "confirmed"
    reopened = client.get(f"/api/v1/matches/{supplier['id']}", headers=world["reviewer"].headers)
    assert reopened.get_json()["review_reason"] == "checked against the company registry"


def test_a_match_no_longer_found_is_kept_inactive_and_hidden_from_the_organisation(
    app: Flask, client: FlaskClient, world: World, planted: dict
) -> None:
    company_b = world["company_b"].organisation_id
    (beta,) = matches(client, world["company_b"])
    import_records(client, world, [record("beta-1", firms=["Empresa Distinta"], region="Cauca")])
    wait_for_rescreens(app)
    assert matches(client, world["company_b"]) == []
    stored = matches(client, world["reviewer"], organisation_id=company_b)
    assert [(m["id"], m["active"]) for m in stored] == [(beta["id"], False)]


def test_the_periodic_run_screens_everything_when_entities_change(
    app: Flask, client: FlaskClient, world: World, planted: dict
) -> None:
    assert rescreen_now(app)["scope"] == "full"
    unchanged = rescreen_now(app)
    assert unchanged["scope"] == "changed" and unchanged["matches_new"] == 0
    with db.session_scope(app) as session:
        organisation = session.get(Organisation, world["company_b"].organisation_id)
        organisation.aliases = ["Empresa Desconocida"]
        session.add(organisation)
        session.commit()
    again = rescreen_now(app)
    assert again["scope"] == "full" and again["matches_new"] == 1
    found = matches(client, world["company_b"])
    assert {m["method"] for m in found} == {"name", "alias"}


def test_the_command_line_rescreens_everything(app: Flask, planted: dict) -> None:
    result = app.test_cli_runner().invoke(args=["screening", "rescreen", "--full"])
    assert result.exit_code == 0, result.output
    assert "full: 6 incidents against 6 entities; 0 new matches" in result.output
