"""One seeded demo world for the whole module: seeding takes seconds, and the tests only read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from compliance import db, demo
from compliance.clock import now
from tests.conftest import build_test_app, sign_in


@pytest.fixture(scope="module")
def demo_app(
    tmp_path_factory: pytest.TempPathFactory,
    database_template: str,
    rq_worker,
    rq_queue_name: str,
    shared_upload_dir: Path,
) -> Iterator[Flask]:
    application = build_test_app(
        tmp_path_factory.mktemp("demo"), database_template, rq_queue_name, shared_upload_dir
    )
    with application.app_context():
        demo.seed(app=application, now=now())
    yield application
    db.engine(application).dispose()


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
