"""Feeds against a real HTTP server on 127.0.0.1: good JSON and CSV, ETag and Last-Modified,
a 500, a slow answer, an oversized body, garbage, redirects and addresses that are refused."""

from __future__ import annotations

import ipaddress
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import func, select

from compliance import db
from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation, User
from compliance.clock import now
from compliance.incidents import feed_service, imports
from compliance.incidents.feeds import (
    FeedError,
    FeedPolicy,
    FeedRefused,
    RequestsFeedClient,
    check_url,
)
from compliance.incidents.models import FeedCreate, Incident, IncidentFeed, IncidentVersion
from compliance.jobs import runner
from compliance.jobs.models import Job
from tests.conftest import World
from tests.support.jobs import wait_for_job

JSON_MAPPING = {
    "source": "local-watch",
    "source_id": "id",
    "fields": {
        "occurred_on": {"column": "date"},
        "country": {"column": "country"},
        "attack_types": {"column": "attacks"},
        "companies_alleged": {"column": "companies"},
    },
}
CSV_MAPPING = {**JSON_MAPPING, "source": "local-watch-csv"}


def _records(region_suffix: str = "") -> bytes:
    return json.dumps(
        {
            "items": [
                {
                    "id": "A1",
                    "date": "2023-01-05",
                    "country": "CO",
                    "attacks": ["killing"],
                    "companies": [f"Minera Alfa S.A.{region_suffix}"],
                },
                {
                    "id": "A2",
                    "date": "2023-02-06",
                    "country": "PE",
                    "attacks": ["surveillance"],
                    "companies": [],
                },
            ]
        }
    ).encode()


CSV_BODY = b"id,date,country,attacks,companies\nB1,2022-03-04,BR,judicial_harassment,Agro Beta\n"
LAST_MODIFIED = "Wed, 01 Nov 2023 10:00:00 GMT"


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: str | None = None
    last_modified: str | None = None
    stream_bytes: int = 0  # send this many bytes in chunks, without Content-Length
    declared_length: int | None = None  # claim this Content-Length, whatever is sent


class FeedServer:
    """A real HTTP server in a thread; routes can change while it runs."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                route = server.routes.get(self.path, Route(status=404, body=b"no such feed"))
                time.sleep(route.delay)
                try:
                    self._answer(route)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up, as it should past a limit or a timeout

            def _answer(self, route: Route) -> None:
                if (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                    route.last_modified
                    and self.headers.get("If-Modified-Since") == route.last_modified
                ):
                    self.send_response(304)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                if route.stream_bytes:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    chunk = b"x" * 65536
                    for _ in range(route.stream_bytes // len(chunk)):
                        self.wfile.write(chunk)
                    return
                length = route.declared_length or len(route.body)
                self.send_header("Content-Length", str(length))
                if route.declared_length:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *_args) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    feed_server = FeedServer()
    yield feed_server
    feed_server.stop()


LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
FAST = {"timeout_seconds": 0.5, "retries": 2, "backoff_seconds": 0.01, "download_seconds": 5}


def _client(**changes) -> RequestsFeedClient:
    return RequestsFeedClient(FeedPolicy(**{**FAST, "allow_private": True, **changes}))


def _feed(app: Flask, world: World, url: str, file_format: str = "json", mapping=JSON_MAPPING):
    with db.session_scope(app) as session:
        user = session.get(User, world["reviewer"].user_id)
        actor = Actor(user=user, organisation=session.get(Organisation, user.organisation_id))
        feed = feed_service.register(
            session=session,
            feed_in=FeedCreate.model_validate(
                {
                    "name": f"feed-{uuid.uuid4().hex[:6]}",
                    "url": url,
                    "format": file_format,
                    "mapping": mapping,
                }
            ),
            actor=actor,
            feed_policy=FeedPolicy(allow_private=True),
            now=now(),
        )
        session.commit()
        return feed.id


def _fetch(app: Flask, feed_id: int, client: RequestsFeedClient) -> feed_service.FeedOutcome:
    with db.session_scope(app) as session:
        outcome = feed_service.fetch(
            session=session,
            feed=feed_service.get(session=session, feed_id=feed_id),
            client=client,
            limits=imports.ImportLimits(),
            now=now(),
        )
        session.commit()
    return outcome


def _state(app: Flask, feed_id: int) -> IncidentFeed:
    with db.session_scope(app) as session:
        return session.get(IncidentFeed, feed_id)


def _versions(app: Flask) -> list[tuple[str, int]]:
    with db.session_scope(app) as session:
        rows = session.exec(
            select(Incident.source_id, IncidentVersion.version)
            .join(IncidentVersion, IncidentVersion.incident_id == Incident.id)
            .order_by(Incident.source_id, IncidentVersion.version)
        ).all()
    return [tuple(row) for row in rows]


def test_good_json_feed_imports_then_304_imports_nothing(
    app: Flask, world: World, server: FeedServer
) -> None:
    server.routes["/feed.json"] = Route(body=_records(), etag='"v1"')
    feed_id = _feed(app, world, server.url("/feed.json"))
    first = _fetch(app, feed_id, _client())
    assert (first.status, first.created) == ("imported", 2)
    assert _state(app, feed_id).etag == '"v1"'
    second = _fetch(app, feed_id, _client())
    assert second.status == "not_modified"
    assert _versions(app) == [("A1", 1), ("A2", 1)]
    state = _state(app, feed_id)
    assert state.last_success_at is not None and state.consecutive_failures == 0


def test_good_csv_feed_uses_if_modified_since(app: Flask, world: World, server: FeedServer) -> None:
    server.routes["/feed.csv"] = Route(body=CSV_BODY, last_modified=LAST_MODIFIED)
    feed_id = _feed(app, world, server.url("/feed.csv"), "csv", CSV_MAPPING)
    assert _fetch(app, feed_id, _client()).created == 1
    assert _fetch(app, feed_id, _client()).status == "not_modified"
    assert server.hits["/feed.csv"] == 2


def test_a_failing_feed_records_why_and_never_touches_what_was_imported(
    app: Flask, world: World, server: FeedServer
) -> None:
    server.routes["/feed.json"] = Route(body=_records())
    feed_id = _feed(app, world, server.url("/feed.json"))
    assert _fetch(app, feed_id, _client()).created == 2

    server.routes["/feed.json"] = Route(
        body=b"<html>maintenance", headers={"Content-Type": "text/html"}
    )
    garbage = _fetch(app, feed_id, _client())
    assert garbage.status == "failed" and "not valid JSON" in garbage.error
    server.routes["/feed.json"] = Route(status=500, body=b"boom")
    failed = _fetch(app, feed_id, _client())
    assert failed.status == "failed" and "server errors (3 attempt(s))" in failed.error
    assert server.hits["/feed.json"] == 2 + 3  # two good/garbage answers, then 1 try + 2 retries
    state = _state(app, feed_id)
    assert state.consecutive_failures == 2 and "server errors" in state.last_error
    assert _versions(app) == [("A1", 1), ("A2", 1)]

    server.routes["/feed.json"] = Route(body=_records(" (revised)"))
    recovered = _fetch(app, feed_id, _client())
    assert (recovered.status, recovered.updated, recovered.unchanged) == ("imported", 1, 1)
    assert _versions(app) == [("A1", 1), ("A1", 2), ("A2", 1)]
    state = _state(app, feed_id)
    assert state.consecutive_failures == 0 and state.last_error is None


def test_a_slow_feed_times_out_after_its_retries(server: FeedServer) -> None:
    server.routes["/slow"] = Route(body=_records(), delay=1.5)
    started = time.monotonic()
    with pytest.raises(FeedError, match=r"did not answer within 0.5 seconds \(2 attempt"):
        _client(retries=1).fetch(server.url("/slow"))
    assert time.monotonic() - started < 4


def test_an_oversized_feed_is_cut_off_at_the_limit(server: FeedServer) -> None:
    server.routes["/huge"] = Route(stream_bytes=64 * 2**20)
    started = time.monotonic()
    with pytest.raises(FeedError, match="larger than the limit of 1 MiB"):
        _client(max_bytes=2**20).fetch(server.url("/huge"))
    assert time.monotonic() - started < 5


def test_a_feed_announcing_2_gb_is_refused_before_reading(server: FeedServer) -> None:
    server.routes["/2gb"] = Route(body=b"[" * 1000, declared_length=2 * 2**30)
    with pytest.raises(FeedError, match="larger than the limit of 1 MiB"):
        _client(max_bytes=2**20).fetch(server.url("/2gb"))


def test_loopback_feeds_are_refused_unless_the_operator_allows_them(server: FeedServer) -> None:
    server.routes["/feed.json"] = Route(body=_records())
    with pytest.raises(FeedRefused, match=r"loopback.*COMPLIANCE_FEEDS_ALLOW_PRIVATE"):
        _client(allow_private=False).fetch(server.url("/feed.json"))
    assert server.hits.get("/feed.json") is None
    for url in (
        "http://10.0.0.7/feed",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/feed",
        "http://[::ffff:127.0.0.1]/feed",
        "http://0.0.0.0/",
    ):
        with pytest.raises(FeedRefused):
            check_url(url, allow_private=False)
    for url in ("file:///etc/passwd", "ftp://example.org/x", "http://user:pw@example.org/"):
        with pytest.raises(FeedRefused):
            check_url(url, allow_private=True)


def test_a_redirect_to_a_private_address_is_refused(server: FeedServer) -> None:
    server.routes["/moved"] = Route(
        status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    server.routes["/hop"] = Route(status=301, headers={"Location": "/feed.json"})
    server.routes["/feed.json"] = Route(body=_records())
    client = _client(allow_private=False, allowed_networks=LOOPBACK)
    with pytest.raises(FeedRefused, match=re.escape("169.254.169.254")):
        client.fetch(server.url("/moved"))
    fetched = client.fetch(server.url("/hop"))
    assert fetched.url.endswith("/feed.json") and b"A1" in fetched.body


def test_a_name_that_resolves_to_a_public_address_but_connects_to_loopback_is_refused(
    server: FeedServer,
) -> None:
    """DNS rebinding: the check before the request passes, the socket's peer is checked too."""

    def lying_resolver(host, port, **_kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]

    server.routes["/feed.json"] = Route(body=_records())
    client = RequestsFeedClient(FeedPolicy(**FAST), resolve=lying_resolver)
    with pytest.raises(FeedRefused, match=re.escape("non-public address (127.0.0.1)")):
        client.fetch(f"http://localhost:{server.port}/feed.json")


def test_feeds_are_registered_and_fetched_through_the_api(
    app: Flask, client: FlaskClient, world: World, server: FeedServer
) -> None:
    server.routes["/feed.json"] = Route(body=_records())
    reviewer = world["reviewer"].headers
    body = {
        "name": "local",
        "url": server.url("/feed.json"),
        "format": "json",
        "mapping": JSON_MAPPING,
    }
    refused = client.post("/api/v1/incident-feeds", json=body, headers=reviewer)
    assert refused.status_code == 422 and "loopback" in refused.get_json()["detail"]
    assert (
        client.post("/api/v1/incident-feeds", json=body, headers=world["ngo"].headers).status_code
        == 403
    )

    app.config["FEEDS_ALLOW_PRIVATE"] = True
    created = client.post("/api/v1/incident-feeds", json=body, headers=reviewer)
    assert created.status_code == 201
    feed_id = created.get_json()["id"]
    assert client.post("/api/v1/incident-feeds", json=body, headers=reviewer).status_code == 409
    listed = client.get("/api/v1/incident-feeds", headers=reviewer).get_json()["items"]
    assert [f["name"] for f in listed] == ["local"] and "mapping" not in listed[0]

    app.config["FEEDS_ALLOW_PRIVATE"] = False  # as the RQ worker has it: refused at fetch time
    queued = client.post(f"/api/v1/incident-feeds/{feed_id}/fetch", headers=reviewer)
    assert queued.status_code == 202
    done = wait_for_job(client, reviewer, queued.get_json()["job_id"])
    assert done["status"] == "failed" and "loopback" in done["error"]
    state = _state(app, feed_id)
    assert state.consecutive_failures == 1 and "loopback" in state.last_error


def test_the_fetch_job_imports_the_feed(app: Flask, world: World, server: FeedServer) -> None:
    server.routes["/feed.json"] = Route(body=_records())
    feed_id = _feed(app, world, server.url("/feed.json"))
    app.config.update(FEEDS_ALLOW_PRIVATE=True, FEEDS_TIMEOUT_SECONDS=2)
    with db.session_scope(app) as session:
        job = Job(id=uuid.uuid4().hex, kind="incidents.fetch_feed", params={"feed_id": feed_id})
        session.add(job)
        session.commit()
        job_id = job.id
    runner.run(app, job_id)
    with db.session_scope(app) as session:
        job = session.get(Job, job_id)
        assert job.status == "succeeded", job.error
        assert (job.result["status"], job.result["created"]) == ("imported", 2)
        assert session.exec(select(func.count()).select_from(Incident)).one() == 2


def test_sync_feeds_fetches_the_due_feeds_and_reports_failures(
    app: Flask, world: World, server: FeedServer, runner
) -> None:
    server.routes["/good.json"] = Route(body=_records())
    server.routes["/broken.json"] = Route(status=404, body=b"gone")
    good = _feed(app, world, server.url("/good.json"))
    _feed(app, world, server.url("/broken.json"))
    app.config.update(FEEDS_ALLOW_PRIVATE=True, FEEDS_TIMEOUT_SECONDS=2, FEEDS_RETRIES=0)
    result = runner.invoke(args=["incidents", "sync-feeds"])
    assert result.exit_code == 1
    assert "2 created" in result.output and "FAILED: The feed answered 404" in result.output
    assert "2 feed(s) fetched, 1 failed." in result.output
    again = runner.invoke(args=["incidents", "sync-feeds"])
    assert "0 feed(s) fetched" in again.output  # neither is due again within its interval
    assert _state(app, good).last_success_at is not None
