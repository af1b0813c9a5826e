"""One address cannot hammer sign-in, token creation or public verification."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from compliance import create_app, db

REDIS_URL = "redis://127.0.0.1:6379/0"


def _token_request(client, address: str):
    return client.post(
        "/api/v1/auth/tokens",
        json={"email": f"nobody-{uuid.uuid4().hex[:6]}@example.org", "password": "guess"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_token_requests_past_the_budget_get_429_with_retry_after(client) -> None:
    for _ in range(10):
        assert _token_request(client, "198.51.100.7").status_code == 401
    refused = _token_request(client, "198.51.100.7")
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert "token requests" in refused.json["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert _token_request(client, "198.51.100.8").status_code == 401  # another address


def test_sign_in_posts_past_the_budget_are_refused(client) -> None:
    for _ in range(10):
        answer = client.post("/login", data={"email": "x@example.org", "password": "guess"})
        assert answer.status_code == 400  # no CSRF token: refused, but counted
    assert client.post("/login", data={}).status_code == 429


def test_public_verification_has_a_budget(client) -> None:
    statuses = {client.post("/api/v1/verify", data={}).status_code for _ in range(300)}
    assert 429 not in statuses
    assert client.post("/api/v1/verify", data={}).status_code == 429


@pytest.fixture
def app_on(app: Flask, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """More web processes on the test database, their connections closed afterwards."""
    made: list[Flask] = []

    def make(name: str, **settings) -> Flask:
        made.append(
            create_app(
                {
                    "INSTANCE_PATH": str(tmp_path / name),
                    "DATABASE_URL": app.config["DATABASE_URL"],
                    "SECRET_KEY": "test-secret",
                    "TESTING": True,
                    **settings,
                }
            )
        )
        return made[-1]

    yield make
    for other in made:
        db.engine(other).dispose()


def test_web_processes_share_one_count_in_redis(app_on) -> None:
    first = app_on("one", RATE_LIMIT_STORAGE_URL=REDIS_URL).test_client()
    second = app_on("two", RATE_LIMIT_STORAGE_URL=REDIS_URL).test_client()
    address = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"  # fresh every run
    for client in (first, second) * 5:
        assert _token_request(client, address).status_code == 401
    assert _token_request(first, address).status_code == 429
    assert _token_request(second, address).status_code == 429


def test_an_empty_budget_means_no_limit(app_on) -> None:
    client = app_on("open", RATE_LIMIT_TOKENS="").test_client()
    assert {_token_request(client, "198.51.100.9").status_code for _ in range(15)} == {401}
