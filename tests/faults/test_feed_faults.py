"""Fault: an incident feed that times out, resets the connection or sends garbage.

A real HTTP server on 127.0.0.1 misbehaves in each way; the feed is fetched by the real
`incidents.fetch_feed` job. Each time: the request is retried when retrying can help (timeouts,
resets), then the failure is recorded on the feed and on the job, and the incidents imported
before are exactly as they were. tests/incidents/test_feeds.py covers the well-behaved feeds,
5xx answers, oversized bodies and refused addresses.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import select

from compliance import db
from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation, User
from compliance.clock import now
from compliance.incidents import feed_service
from compliance.incidents.feeds import FeedPolicy
from compliance.incidents.models import (
    FeedCreate,
    Incident,
    IncidentFeed,
    IncidentImport,
    IncidentVersion,
)
from compliance.jobs import runner
from compliance.jobs.models import Job, JobStatus
from tests.conftest import World

MAPPING = {
    "source": "fault-watch",
    "source_id": "id",
    "fields": {
        "occurred_on": {"column": "date"},
        "country": {"column": "country"},
        "attack_types": {"column": "attacks"},
        "companies_alleged": {"column": "companies"},
    },
}
GOOD = json.dumps(
    {
        "items": [
            {"id": "F1", "date": "2023-01-05", "country": "CO", "attacks": ["killing"]},
            {"id": "F2", "date": "2023-02-06", "country": "PE", "attacks": ["surveillance"]},
        ]
    }
).encode()
TIMEOUT_SECONDS = 0.5
RETRIES = 2


class MisbehavingFeed:
    """A real HTTP server in a thread; `mode` decides how it answers the next requests."""

    def __init__(self) -> None:
        self.mode = "good"
        self.hits = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.hits += 1
                try:
                    getattr(self, f"_{server.mode.replace('-', '_')}")()
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up, as it should after its timeout

            def _good(self) -> None:
                self._send(200, GOOD, "application/json")

            def _timeout(self) -> None:
                time.sleep(TIMEOUT_SECONDS * 3)  # longer than the client waits
                self._send(200, GOOD, "application/json")

            def _reset(self) -> None:
                self._reset_connection()

            def _reset_mid_body(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(GOOD)))
                self.end_headers()
                self.wfile.write(GOOD[: len(GOOD) // 2])
                self.wfile.flush()
                time.sleep(0.05)
                self._reset_connection()

            def _garbage(self) -> None:
                self._send(200, os.urandom(4096) + b"\x00\xff", "application/json")

            def _truncated(self) -> None:
                self._send(200, GOOD[:-7], "application/json")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _reset_connection(self) -> None:
                """Close with SO_LINGER 0: the kernel answers with a TCP RST, not a FIN."""
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True
                self.rfile.close()
                self.wfile.close()
                self.connection.close()

            def log_message(self, *_args) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/feed.json"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@pytest.fixture
def feed_server() -> Iterator[MisbehavingFeed]:
    server = MisbehavingFeed()
    yield server
    server.stop()


@pytest.fixture
def feed_id(app: Flask, world: World, feed_server: MisbehavingFeed) -> int:
    """A feed of two incidents, imported once while its server behaved."""
    app.config.update(
        FEEDS_ALLOW_PRIVATE=True,
        FEEDS_TIMEOUT_SECONDS=TIMEOUT_SECONDS,
        FEEDS_RETRIES=RETRIES,
        FEEDS_BACKOFF_SECONDS=0.01,
        FEEDS_DOWNLOAD_SECONDS=5,
    )
    with db.session_scope(app) as session:
        user = session.get(User, world["reviewer"].user_id)
        actor = Actor(user=user, organisation=session.get(Organisation, user.organisation_id))
        feed = feed_service.register(
            session=session,
            feed_in=FeedCreate.model_validate(
                {"name": "fault-feed", "url": feed_server.url, "format": "json", "mapping": MAPPING}
            ),
            actor=actor,
            feed_policy=FeedPolicy(allow_private=True),
            now=now(),
        )
        session.commit()
        identifier = feed.id
    first = _run_fetch_job(app, identifier)
    assert first.status == JobStatus.succeeded and first.result["created"] == 2, first.error
    feed_server.hits = 0
    return identifier


def _run_fetch_job(app: Flask, feed_id: int) -> Job:
    """The job the scheduler and the API start, run to its end in this process."""
    with db.session_scope(app) as session:
        job = Job(id=uuid.uuid4().hex, kind="incidents.fetch_feed", params={"feed_id": feed_id})
        session.add(job)
        session.commit()
        job_id = job.id
    runner.run(app, job_id)
    with db.session_scope(app) as session:
        return session.get(Job, job_id)


def _incidents(app: Flask) -> list[tuple]:
    """Every incident version with what it says: compared whole before and after a fault."""
    with db.session_scope(app) as session:
        rows = session.exec(
            select(Incident.source_id, IncidentVersion.version, IncidentVersion.id)
            .join(IncidentVersion, IncidentVersion.incident_id == Incident.id)
            .order_by(IncidentVersion.id)
        ).all()
        versions = [
            session.get(IncidentVersion, version_id).model_dump(mode="json")
            for _source, _version, version_id in rows
        ]
    return [tuple(row) for row in rows] + [json.dumps(v, sort_keys=True) for v in versions]


def _feed(app: Flask, feed_id: int) -> IncidentFeed:
    with db.session_scope(app) as session:
        return session.get(IncidentFeed, feed_id)


def _imports(app: Flask) -> int:
    with db.session_scope(app) as session:
        return session.execute(sa.select(sa.func.count()).select_from(IncidentImport)).scalar_one()


@pytest.mark.parametrize(
    ("mode", "attempts", "reason"),
    [
        ("timeout", RETRIES + 1, f"did not answer within {TIMEOUT_SECONDS:g} seconds (3 attempt"),
        ("reset", RETRIES + 1, "Could not connect to the feed's host (3 attempt"),
        ("garbage", 1, "The file is not UTF-8 text"),
        ("truncated", 1, "not valid JSON"),
    ],
)
def test_a_misbehaving_feed_is_retried_then_recorded_as_failed_and_corrupts_nothing(
    app: Flask, feed_server: MisbehavingFeed, feed_id: int, mode: str, attempts: int, reason: str
) -> None:
    before, before_feed = _incidents(app), _feed(app, feed_id)
    assert len(before) == 4  # two incidents, one version each, and their contents

    feed_server.mode = mode
    started = time.monotonic()
    job = _run_fetch_job(app, feed_id)

    assert job.status == JobStatus.failed and reason in job.error, job.error
    assert feed_server.hits == attempts  # retried only where another try can help
    assert time.monotonic() - started < 10
    feed = _feed(app, feed_id)
    assert reason in feed.last_error
    assert feed.consecutive_failures == 1 and feed.last_attempt_at > before_feed.last_attempt_at
    assert (feed.last_success_at, feed.etag) == (before_feed.last_success_at, before_feed.etag)
    assert _incidents(app) == before

    feed_server.mode = "good"  # the publisher fixed it: the next fetch works and clears the error
    again = _run_fetch_job(app, feed_id)
    assert again.status == JobStatus.succeeded and again.result["unchanged"] == 2, again.error
    assert (_feed(app, feed_id).last_error, _feed(app, feed_id).consecutive_failures) == (None, 0)
    assert _incidents(app) == before


def test_a_connection_reset_in_the_middle_of_the_body_imports_nothing(
    app: Flask, feed_server: MisbehavingFeed, feed_id: int
) -> None:
    before, imports_before = _incidents(app), _imports(app)
    feed_server.mode = "reset-mid-body"

    job = _run_fetch_job(app, feed_id)

    assert job.status == JobStatus.failed and "broke off" in job.error, job.error
    assert feed_server.hits >= 1
    feed = _feed(app, feed_id)
    assert "broke off" in feed.last_error and feed.consecutive_failures == 1
    assert _incidents(app) == before
    assert _imports(app) == imports_before  # half a body never reaches the import path
