"""Fault: PostgreSQL restarted while the service is serving requests.

A private PostgreSQL cluster (initdb into a temporary folder, its own port; the shared server on
5432 is never touched) backs the real app served by werkzeug on a free port. While a client keeps
sending requests, the cluster is stopped hard (`pg_ctl stop -m immediate`) and started again.
While it is down, the API answers 503 problem+json with Retry-After and /healthz answers 503 with
Retry-After naming the database; afterwards the same app object answers 200 again. Runs in both
halves of the suite wherever the PostgreSQL server binaries are installed (scripts/setup.sh).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from compliance import create_app, db
from compliance.accounts import service as account_service
from compliance.accounts.models import OrganisationKind, Role
from compliance.clock import now
from tests.conftest import PASSWORD, TASK_MODULES
from tests.support.live_server import LiveServer, free_port

PG_BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))


class PrivateCluster:
    """A throwaway PostgreSQL cluster owned by the `postgres` user when the tests run as root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bin = Path(PG_BINARIES[-1]).parent
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self._as_owner, *args], check=True, capture_output=True, timeout=60, cwd=self.root
        )

    def create(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D", str(self.root / "data"), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        # fsync=off only skips flushing the OS cache, which survives a killed server; commits
        # are still written before they are acknowledged (synchronous_commit stays on).
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c shared_buffers=16MB -c max_connections=40"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-l",
            str(self.root / "server.log"), "-w", "-t", "30", "-o", options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "-w",
                  "stop")  # fmt: skip


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    if not PG_BINARIES:
        pytest.skip("the PostgreSQL server binaries are not installed (scripts/setup.sh does)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running PostgreSQL as root needs runuser(1) to become the postgres user")
    root = Path(tempfile.mkdtemp(prefix="hrd-pg-fault-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    private = PrivateCluster(root)
    try:
        private.create()
        private.start()
        yield private
    finally:
        subprocess.run(
            [*private._as_owner, str(private.bin / "pg_ctl"), "-D", str(root / "data"),
             "-m", "immediate", "stop"],
            capture_output=True, timeout=60,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


class Traffic:
    """A client sending requests in a loop, keeping every status it got back."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url, self.headers = url, headers
        self.answers: list[tuple[int, str | None]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        with requests.Session() as session:
            while not self._stop.is_set():
                try:
                    answer = session.get(self.url, headers=self.headers, timeout=10)
                except requests.RequestException as exc:  # no answer at all: counted as 0
                    self.answers.append((0, type(exc).__name__))
                else:
                    self.answers.append((answer.status_code, answer.headers.get("Retry-After")))
                time.sleep(0.02)

    def wait_for(self, status: int, timeout: float = 20) -> None:
        """Until the client has had an answer with `status` since this was called."""
        seen, deadline = len(self.answers), time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(answer[0] == status for answer in self.answers[seen:]):
                return
            time.sleep(0.02)
        raise AssertionError(f"no {status} in {timeout}s: {self.answers[seen:]}")

    def stop(self) -> list[tuple[int, str | None]]:
        self._stop.set()
        self._thread.join(15)
        return self.answers


def _token(app) -> str:
    with db.session_scope(app) as session:
        organisation = account_service.get_or_create_organisation(
            session=session, name="Minera Alfa S.A.", kind=OrganisationKind.company
        )
        user = account_service.create_user(
            session=session,
            email="company@example.org",
            organisation=organisation,
            role=Role.admin,
            password=PASSWORD,
        )
        _row, secret = account_service.issue_token(
            session=session, user=user, name="faults", expires_in=timedelta(days=1), now=now()
        )
        session.commit()
    return secret


def _assert_unavailable(answer: requests.Response) -> None:
    assert answer.status_code == 503, answer.text
    assert int(answer.headers["Retry-After"]) > 0


def test_postgres_restart_answers_503_with_retry_after_then_recovers_without_a_restart(
    cluster: PrivateCluster, tmp_path: Path
) -> None:
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": cluster.url,
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "TASK_MODULES": TASK_MODULES,
            "RATE_LIMIT_STORAGE_URL": "memory://",
        }
    )
    db.upgrade(app)
    headers = {"Authorization": f"Bearer {_token(app)}"}
    server = LiveServer(app)
    traffic: Traffic | None = None
    listing, register, health = (
        f"{server.url}/api/v1/assessments",
        f"{server.url}/api/v1/register",
        f"{server.url}/healthz",
    )
    try:
        assert requests.get(listing, headers=headers, timeout=10).status_code == 200
        assert requests.get(health, timeout=10).json()["database"] == "ok"
        traffic = Traffic(listing, headers)
        traffic.wait_for(200)

        cluster.stop()
        for url in (listing, register):
            answer = requests.get(url, headers=headers, timeout=10)
            _assert_unavailable(answer)
            assert answer.headers["Content-Type"] == "application/problem+json"
            problem = answer.json()
            assert problem["status"] == 503 and "database" in problem["detail"]
        down = requests.get(health, timeout=10)
        _assert_unavailable(down)
        assert down.json()["status"] == "unavailable" and down.json()["database"] == "unavailable"
        traffic.wait_for(503)

        cluster.start()
        for url in (listing, register):
            assert requests.get(url, headers=headers, timeout=10).status_code == 200
        assert requests.get(health, timeout=10).json()["database"] == "ok"
        traffic.wait_for(200)
    finally:
        seen = traffic.stop() if traffic else []
        server.stop()
        db.engine(app).dispose()

    statuses = [status for status, _retry in seen]
    assert set(statuses) == {200, 503}, statuses  # never a 500, never a hang
    assert all(retry for status, retry in seen if status == 503)
    assert statuses[-1] == 200
