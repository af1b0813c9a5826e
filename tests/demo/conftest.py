"""One seeded demo world for the whole module: seeding takes seconds, and the tests only read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
from flask import Flask
from flask.testing import FlaskClient

from compliance import demo
from compliance.clock import now
from tests.conftest import sign_in


@pytest.fixture(scope="module")
def demo_app(lasting_app: Callable[[str], AbstractContextManager[Flask]]) -> Iterator[Flask]:
    with lasting_app("demo") as application:
        with application.app_context():
            demo.seed(app=application, now=now())
        yield application


@pytest.fixture(scope="module")
def demo_session(demo_app: Flask) -> Callable[[str], FlaskClient]:
    """A signed-in browser session per demo login, each from its own address (the sign-in
    form's rate limit counts per address)."""
    sessions: dict[str, FlaskClient] = {}

    def signed_in(login: str) -> FlaskClient:
        if login not in sessions:
            client = demo_app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"127.0.0.{len(sessions) + 10}"
            assert sign_in(client, login, demo.DEMO_PASSWORD).status_code == 302
            sessions[login] = client
        return sessions[login]

    return signed_in
