"""A real webhook receiver on 127.0.0.1, and helpers to watch, register and wait."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from compliance import db
from compliance.jobs import service as job_service
from compliance.jobs.models import Job, JobStatus
from compliance.webhooks.models import WebhookDelivery
from tests.conftest import WEBHOOK_TEST_SETTINGS, World


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers POSTs with the next status of `statuses` (the last one repeats), after `delay`
    seconds; records every request it finished reading."""

    statuses: list[int] = field(default_factory=lambda: [200])
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/hrd"

    def answered(self, status: int) -> list[Received]:
        return [r for r in self.requests if r.headers.get("X-Test-Answer") == str(status)]


def start_receiver(receiver: Receiver) -> Callable[[], None]:
    lock = threading.Lock()
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                index = len(receiver.requests)
                status = receiver.statuses[min(index, len(receiver.statuses) - 1)]
                headers = {**dict(self.headers.items()), "X-Test-Answer": str(status)}
                receiver.requests.append(Received(headers, body))
            if receiver.delay:
                stop.wait(receiver.delay)  # hang, but let the test end promptly
            try:
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except (BrokenPipeError, ConnectionResetError):
                return  # the sender gave up, as it should after its timeout

        def log_message(self, *_args) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def shutdown() -> None:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)

    return shutdown


def allow_local_webhooks(app: Flask) -> None:
    """The same settings the RQ worker of the PostgreSQL run has (see tests/conftest.py)."""
    app.config.update(WEBHOOK_TEST_SETTINGS)


def verify(secret: str, received: Received) -> bool:
    """What a receiver does: recompute the HMAC of timestamp.body and compare in constant time."""
    timestamp = received.headers["X-HRD-Sentinel-Timestamp"]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + received.body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(f"sha256={expected}", received.headers["X-HRD-Sentinel-Signature"])


def register(client: FlaskClient, world: World, url: str, who: str = "investor") -> dict:
    answer = client.post("/api/v1/webhooks", json={"url": url}, headers=world[who].headers)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def watch(client: FlaskClient, world: World, *organisations: str, who: str = "investor") -> None:
    ids = [world[name].organisation_id for name in organisations]
    answer = client.post(
        "/api/v1/watchlist", json={"organisation_ids": ids}, headers=world[who].headers
    )
    assert answer.status_code == 200, answer.get_json()


def deliveries(app: Flask) -> list[WebhookDelivery]:
    with db.session_scope(app) as session:
        rows = session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def wait_for(
    app: Flask, condition: Callable[[list[WebhookDelivery]], bool], timeout: float = 20
) -> list[WebhookDelivery]:
    deadline = time.monotonic() + timeout
    rows = deliveries(app)
    while time.monotonic() < deadline:
        rows = deliveries(app)
        if rows and condition(rows):
            return rows
        time.sleep(0.05)
    raise AssertionError(f"deliveries did not reach the expected state: {rows}")


def run_delivery_job(app: Flask, timeout: float = 20) -> dict:
    """What the scheduler does every minute: enqueue `webhooks.deliver`, and wait for it."""
    with db.session_scope(app) as session:
        job = job_service.enqueue(
            session=session,
            kind="webhooks.deliver",
            params={},
            organisation_id=None,
            created_by_id=None,
        )
        session.commit()
        job_id = job.id
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.session_scope(app) as session:
            row = session.get(Job, job_id)
            if row.status in (JobStatus.succeeded, JobStatus.failed):
                assert row.status == JobStatus.succeeded, row.error
                return row.result
        time.sleep(0.05)
    raise AssertionError(f"delivery job {job_id} did not finish in {timeout}s")
