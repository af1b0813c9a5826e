"""Shared fixtures: a real app on SQLite (default) or PostgreSQL + RQ (TEST_DATABASE_URL,
TEST_REDIS_URL), a test client, a CLI runner, and a small world of organisations."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import SQLModel

from compliance import create_app, db
from compliance.accounts import service as account_service
from compliance.accounts.models import OrganisationKind, Role
from compliance.clock import now
from tests.support.rq_workers import start_worker, stop_worker

ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1"… under `pytest -n N`
PASSWORD = "correct horse battery staple"
TASK_MODULES = ["tests.support.tasks"]
# Webhook tests post to receivers on 127.0.0.1; the RQ worker must allow them too.
WEBHOOK_TEST_SETTINGS = {
    "WEBHOOKS_ALLOWED_NETWORKS": ["127.0.0.0/8"],
    "WEBHOOKS_TIMEOUT_SECONDS": 1,
    "WEBHOOKS_MAX_ATTEMPTS": 3,
    "WEBHOOKS_BACKOFF_SECONDS": 0.2,
}


# What a test module names when it builds its own application or reaches the databases itself
# rather than through the fixtures below.
OWN_DATABASE_ACCESS = ("create_app", "TEST_DATABASE_URL", "TEST_REDIS_URL")


@functools.cache
def _reaches_databases_itself(path: Path) -> bool:
    source = path.read_text()
    return any(name in source for name in OWN_DATABASE_ACCESS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `pure` what cannot depend on the database, so it runs once, not on every database:
    a test none of whose fixtures builds the test database (`database_template` is beneath
    every one that does), in a module that does not reach the databases by itself."""
    for item in items:
        if "database_template" not in getattr(
            item, "fixturenames", ()
        ) and not _reaches_databases_itself(item.path):
            item.add_marker(pytest.mark.pure)


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker empties tables between its tests, so each has its own
    PostgreSQL database (`test_gw0`, `test_gw1`…), created on first use beside `url`'s."""
    if not XDIST_WORKER:
        return url
    shared = sa.make_url(url)
    own = shared.set(database=f"{shared.database}_{XDIST_WORKER}")
    engine = sa.create_engine(shared, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
        ).first()
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: a SQLite file copied per test, or this worker's PostgreSQL test
    database."""
    if TEST_DATABASE_URL:
        url = _worker_database(TEST_DATABASE_URL)
        engine = db.make_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.sqlite3'}"
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("template-instance")),
            "DATABASE_URL": url,
            "TASK_MODULES": TASK_MODULES,
        }
    )
    db.upgrade(app)
    db.engine(app).dispose()
    return url


@pytest.fixture(scope="session")
def rq_queue_name() -> str:
    return f"hrd-test-{XDIST_WORKER or 'main'}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def shared_upload_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Web processes and RQ workers share UPLOAD_DIR in production; so do the tests."""
    return tmp_path_factory.mktemp("uploads")


@pytest.fixture(scope="session")
def rq_worker(
    database_template: str,
    rq_queue_name: str,
    shared_upload_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
):
    """A real `hrd-sentinel worker` process when the suite runs with Redis; None otherwise."""
    if not TEST_REDIS_URL:
        yield None
        return
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "COMPLIANCE_DATABASE_URL": database_template,
        "COMPLIANCE_REDIS_URL": TEST_REDIS_URL,
        "COMPLIANCE_RQ_QUEUE": rq_queue_name,
        "COMPLIANCE_INSTANCE_PATH": str(tmp_path_factory.mktemp("worker-instance")),
        "COMPLIANCE_UPLOAD_DIR": str(shared_upload_dir),
        "COMPLIANCE_BASE_URL": "http://localhost",  # as the test apps: it is printed in PDFs
        "COMPLIANCE_TASK_MODULES": '["tests.support.tasks"]',
        **{f"COMPLIANCE_{k}": json.dumps(v) for k, v in WEBHOOK_TEST_SETTINGS.items()},
    }
    process = start_worker(env, log_path)
    yield process
    stop_worker(process)
    from redis import Redis
    from rq import Queue

    queue = Queue(rq_queue_name, connection=Redis.from_url(TEST_REDIS_URL))
    queue.empty()
    queue.delete(delete_jobs=True)


def _empty_all_tables(url: str) -> None:
    """Empty every table between tests. A job of the previous test may still be finishing in
    the RQ worker and hold row locks; a deadlock then only means: wait and try again."""
    engine = db.make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    for attempt in range(10):
        try:
            with engine.begin() as connection:
                connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            break
        except sa.exc.OperationalError:
            if attempt == 9:
                raise
            time.sleep(0.5)
    engine.dispose()


def build_test_app(
    tmp_path: Path, database_template: str, rq_queue_name: str, shared_upload_dir: Path
) -> Flask:
    """An app on its own copy of the migrated SQLite database, or on the emptied PostgreSQL
    test database with jobs on Redis."""
    if TEST_DATABASE_URL:
        _empty_all_tables(database_template)
        url = database_template
    else:
        copy = tmp_path / "test.sqlite3"
        shutil.copyfile(database_template.removeprefix("sqlite:///"), copy)
        url = f"sqlite:///{copy}"
    config = {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": url,
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "TASK_MODULES": TASK_MODULES,
        "BASE_URL": "http://localhost",
        # Each test counts its own requests; tests/security/test_rate_limits.py covers Redis.
        "RATE_LIMIT_STORAGE_URL": "memory://",
    }
    if TEST_REDIS_URL:
        config.update(
            REDIS_URL=TEST_REDIS_URL, RQ_QUEUE=rq_queue_name, UPLOAD_DIR=str(shared_upload_dir)
        )
    return create_app(config)


@pytest.fixture
def app(
    tmp_path: Path, database_template: str, rq_worker, rq_queue_name: str, shared_upload_dir: Path
) -> Iterator[Flask]:
    application = build_test_app(tmp_path, database_template, rq_queue_name, shared_upload_dir)
    yield application
    db.engine(application).dispose()


@pytest.fixture(scope="session")
def lasting_app(
    tmp_path_factory: pytest.TempPathFactory,
    database_template: str,
    rq_worker,
    rq_queue_name: str,
    shared_upload_dir: Path,
) -> Callable[[str], AbstractContextManager[Flask]]:
    """Builds an app configured like `app` for a wider scope (a package, a module), for worlds
    that take seconds to build and are only read: `with lasting_app("name") as application`."""

    @contextmanager
    def build(name: str) -> Iterator[Flask]:
        application = build_test_app(
            tmp_path_factory.mktemp(name), database_template, rq_queue_name, shared_upload_dir
        )
        try:
            yield application
        finally:
            db.engine(application).dispose()

    return build


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@dataclass
class Member:
    """A user of the test world with an API token."""

    key: str
    email: str
    organisation_id: int
    user_id: int
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    members: dict[str, Member] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Member:
        return self.members[key]


WORLD_SPEC = {
    "company_a": ("Minera Alfa S.A.", OrganisationKind.company),
    "company_b": ("Agro Beta Ltda", OrganisationKind.company),
    "investor": ("Fondo Gamma", OrganisationKind.financial_institution),
    "ngo": ("Red Delta", OrganisationKind.ngo),
    "reviewer": ("Certifier Epsilon", OrganisationKind.certifier),
}


def make_world(app: Flask) -> World:
    """One user with a token in each kind of organisation, plus a second company."""
    from datetime import timedelta

    result = World()
    with db.session_scope(app) as session:
        for key, (org_name, kind) in WORLD_SPEC.items():
            organisation = account_service.get_or_create_organisation(
                session=session, name=org_name, kind=kind
            )
            user = account_service.create_user(
                session=session,
                email=f"{key}@example.org",
                organisation=organisation,
                role=Role.admin,
                password=PASSWORD,
            )
            _token, secret = account_service.issue_token(
                session=session, user=user, name="tests", expires_in=timedelta(days=1), now=now()
            )
            result.members[key] = Member(key, user.email, organisation.id, user.id, secret)
        session.commit()
    return result


@pytest.fixture
def world(app: Flask) -> World:
    return make_world(app)


CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = CSRF_INPUT.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "email": email,
            "password": password,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
