"""Every route, called by every kind of identity, answers as the table says.

Adding a route without adding it here fails `test_every_route_is_in_the_table`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from compliance import db
from compliance.accounts import service as account_service
from compliance.accounts.models import User
from compliance.clock import now
from compliance.jobs.models import Job
from tests.conftest import PASSWORD, World, csrf_token, sign_in

IDENTITIES = ("anonymous", "company_a", "company_b", "investor", "ngo", "reviewer")


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(IDENTITIES, status)


def signed_in(status: int, *, anonymous: int) -> dict[str, int]:
    return {**everyone(status), "anonymous": anonymous}


def owner_only(
    owner: str, status: int, *, others: int, anonymous: int, also: tuple[str, ...] = ()
) -> dict[str, int]:
    return {
        **everyone(others),
        "anonymous": anonymous,
        owner: status,
        **dict.fromkeys(also, status),
    }


@dataclass
class Subjects:
    """Objects owned by company A that the probes point at."""

    job_id: str
    api_token_id: int
    web_token_id: int


@dataclass
class Probe:
    method: str
    rule: str
    expect: dict[str, int]
    path: Callable[[Subjects], str] | None = None
    json: Callable[[str], dict] | None = None
    web_form: Callable[[str], dict] | None = None

    def url(self, subjects: Subjects) -> str:
        return self.path(subjects) if self.path else self.rule


def _credentials(identity: str) -> dict:
    if identity == "anonymous":
        return {"email": "nobody@example.org", "password": PASSWORD}
    return {"email": f"{identity}@example.org", "password": PASSWORD}


TABLE: list[Probe] = [
    Probe("GET", "/healthz", everyone(200)),
    Probe("GET", "/api/v1/openapi.json", everyone(200)),
    Probe("GET", "/api/v1/docs", everyone(200)),
    Probe(
        "GET",
        "/api/v1/swagger/<path:filename>",
        everyone(200),
        path=lambda s: "/api/v1/swagger/css/swagger-ui.css",
    ),
    Probe("GET", "/static/<path:filename>", everyone(200), path=lambda s: "/static/css/app.css"),
    Probe("POST", "/api/v1/auth/tokens", signed_in(201, anonymous=401), json=_credentials),
    Probe("GET", "/api/v1/auth/tokens", signed_in(200, anonymous=401)),
    Probe(
        "DELETE",
        "/api/v1/auth/tokens/<int:token_id>",
        owner_only("company_a", 200, others=404, anonymous=401),
        path=lambda s: f"/api/v1/auth/tokens/{s.api_token_id}",
    ),
    Probe("GET", "/api/v1/me", signed_in(200, anonymous=401)),
    Probe(
        "GET",
        "/api/v1/jobs/<job_id>",
        owner_only("company_a", 200, others=404, anonymous=401, also=("reviewer",)),
        path=lambda s: f"/api/v1/jobs/{s.job_id}",
    ),
    Probe("GET", "/", everyone(200)),
    Probe("GET", "/login", everyone(200)),
    Probe("POST", "/login", signed_in(302, anonymous=401), web_form=_credentials),
    Probe("POST", "/logout", everyone(302), web_form=lambda identity: {}),
    Probe("GET", "/account/tokens", signed_in(200, anonymous=302)),
    Probe(
        "POST",
        "/account/tokens",
        signed_in(200, anonymous=302),
        web_form=lambda identity: {"name": "probe", "expires_days": "5"},
    ),
    Probe(
        "POST",
        "/account/tokens/<int:token_id>/revoke",
        owner_only("company_a", 302, others=404, anonymous=302),
        path=lambda s: f"/account/tokens/{s.web_token_id}/revoke",
        web_form=lambda identity: {},
    ),
]


def _routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_in_the_table(app: Flask) -> None:
    tabled = {(probe.method, probe.rule) for probe in TABLE}
    missing = _routes(app) - tabled
    stale = tabled - _routes(app)
    assert not missing, f"routes without an authorisation expectation: {sorted(missing)}"
    assert not stale, f"table entries for routes that no longer exist: {sorted(stale)}"


@pytest.fixture
def subjects(app: Flask, world: World) -> Subjects:
    with db.session_scope(app) as session:
        owner = session.get(User, world["company_a"].user_id)
        job = Job(
            id=uuid.uuid4().hex,
            kind="test.add",
            params={"a": 1, "b": 2},
            organisation_id=owner.organisation_id,
            created_by_id=owner.id,
        )
        session.add(job)
        api_token, _ = account_service.issue_token(
            session=session, user=owner, name="spare-api", expires_in=timedelta(days=1), now=now()
        )
        web_token, _ = account_service.issue_token(
            session=session, user=owner, name="spare-web", expires_in=timedelta(days=1), now=now()
        )
        session.commit()
        return Subjects(job_id=job.id, api_token_id=api_token.id, web_token_id=web_token.id)


def _call(
    client: FlaskClient, probe: Probe, identity: str, world: World, subjects: Subjects
) -> int:
    url = probe.url(subjects)
    is_web = not (url.startswith("/api/") or url == "/healthz")
    headers = {}
    if identity != "anonymous" and not is_web:
        headers = world[identity].headers
    if identity != "anonymous" and is_web and probe.rule != "/login":
        assert sign_in(client, world[identity].email).status_code == 302
    if probe.web_form is not None:
        token = csrf_token(client.get("/login").get_data(as_text=True))
        data = {**probe.web_form(identity), "csrf_token": token}
        response = client.open(url, method=probe.method, data=data)
    else:
        json = probe.json(identity) if probe.json else None
        response = client.open(url, method=probe.method, headers=headers, json=json)
    response.close()
    return response.status_code


@pytest.mark.parametrize("probe", TABLE, ids=lambda p: f"{p.method} {p.rule}")
def test_route_answers_each_identity_as_expected(
    app: Flask, world: World, subjects: Subjects, probe: Probe
) -> None:
    answers = {}
    for identity in IDENTITIES:
        with app.test_client() as client:
            answers[identity] = _call(client, probe, identity, world, subjects)
    assert answers == probe.expect
