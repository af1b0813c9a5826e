"""Shared API conventions: problem+json errors, validation without echo, the OpenAPI document."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Flask

from compliance import db
from compliance.accounts.models import ApiToken
from tests.conftest import PASSWORD, World

PROBLEM = "application/problem+json"


def _tokens(app: Flask) -> int:
    with db.session_scope(app) as session:
        return session.execute(sa.select(sa.func.count()).select_from(ApiToken)).scalar_one()


def test_unknown_route_and_wrong_method_are_problems(client, world: World) -> None:
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.mimetype == PROBLEM
    assert missing.json["detail"].startswith("There is nothing at /api/v1/no-such-thing")
    wrong = client.put("/api/v1/me", headers=world["ngo"].headers)
    assert wrong.status_code == 405 and wrong.mimetype == PROBLEM
    assert "GET" in wrong.headers["Allow"] and "PUT is not allowed" in wrong.json["detail"]


def test_malformed_json_is_400_and_nothing_is_written(app: Flask, client, world: World) -> None:
    before = _tokens(app)
    answer = client.post(
        "/api/v1/auth/tokens", data='{"email": "a@b.org",', content_type="application/json"
    )
    assert answer.status_code == 400 and answer.mimetype == PROBLEM
    assert "not valid JSON" in answer.json["detail"]
    assert _tokens(app) == before


def test_wrong_types_name_each_field_and_never_echo_the_input(
    app: Flask, client, world: World
) -> None:
    before = _tokens(app)
    secret = "my secret password 123"
    answer = client.post(
        "/api/v1/auth/tokens",
        json={"email": "not-an-email", "password": secret, "expires_days": "soon"},
    )
    assert answer.status_code == 422 and answer.mimetype == PROBLEM
    pointers = {e["pointer"] for e in answer.json["errors"]}
    assert pointers == {"/email", "/expires_days"}
    assert secret not in answer.get_data(as_text=True) and "soon" not in answer.get_data(
        as_text=True
    )
    assert _tokens(app) == before


def test_unauthenticated_bad_body_is_401_not_422(client) -> None:
    bad_body = client.post("/api/v1/assessments", json={"questionnaire_key": 42})
    assert bad_body.status_code == 401 and "API token" in bad_body.json["detail"]
    assert client.get("/api/v1/auth/tokens").status_code == 401


def test_oversized_body_is_413_and_nothing_is_written(app: Flask, client, world: World) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 2_000
    before = _tokens(app)
    body = {"email": "company_a@example.org", "password": PASSWORD, "name": "x" * 5_000}
    answer = client.post("/api/v1/auth/tokens", json=body)
    assert answer.status_code == 413 and answer.mimetype == PROBLEM
    assert "larger than the limit" in answer.json["detail"]
    assert _tokens(app) == before


def test_out_of_range_id_is_a_client_error_not_a_crash(client, world: World) -> None:
    answer = client.delete(f"/api/v1/auth/tokens/{2**70}", headers=world["company_a"].headers)
    assert answer.status_code in (404, 422) and answer.mimetype == PROBLEM


def test_openapi_document_describes_the_api_from_the_models(client) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert {"/api/v1/auth/tokens", "/api/v1/jobs/{job_id}", "/healthz"} <= set(spec["paths"])
    token_request = spec["components"]["schemas"]["TokenRequest"]
    assert {"email", "password"} <= set(token_request["required"])
    created = spec["paths"]["/api/v1/auth/tokens"]["post"]["responses"]["201"]
    assert "TokenCreated" in str(created)


def test_api_reference_is_served_without_any_external_asset(client) -> None:
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "swagger-ui-bundle.js" in page and '"validatorUrl": null' in page.replace("'", '"')
    assert not re.search(r'(src|href)="https?://', page)
    bundle = client.get("/api/v1/swagger/js/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    bundle.close()


def test_health_reports_database_and_job_backend(client) -> None:
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json["database"] == "ok" and health.json["jobs"]["backend"] in ("thread", "rq")


def test_openapi_document_says_which_operations_are_public_and_how_errors_look(client) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert spec["paths"]["/api/v1/questionnaires"]["get"]["security"] == []
    assert spec["paths"]["/api/v1/auth/tokens"]["post"]["security"] == []
    assert spec["paths"]["/api/v1/me"]["get"]["security"] == [{"bearerAuth": []}]
    unauthorised = spec["paths"]["/api/v1/me"]["get"]["responses"]["401"]["content"]
    assert list(unauthorised) == ["application/problem+json"]
