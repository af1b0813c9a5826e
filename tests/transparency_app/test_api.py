"""The public log API, the published keys and the log page, for anyone without a token."""

from __future__ import annotations

import hashlib
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient

from compliance.credentials.jcs import canonicalize
from compliance.credentials.keys import key_resolver, public_keys_from_jwks
from compliance.transparency.tree_head import verify_tree_head
from compliance.transparency.verify import verify_consistency, verify_inclusion
from tests.transparency_app.conftest import fill_log

PROBLEM = "application/problem+json"


def _keys(client: FlaskClient):
    return public_keys_from_jwks(client.get("/.well-known/hrd-sentinel/keys.json").json)


def test_the_signed_head_verifies_with_the_published_keys(app: Flask, client: FlaskClient) -> None:
    fill_log(app, 6)
    head = client.get("/api/v1/log/head")
    assert head.status_code == 200
    assert set(head.json) == {"tree_size", "root_hash", "timestamp", "key_id", "signature"}
    checked = verify_tree_head(head.json, resolve_key=key_resolver(_keys(client)))
    assert checked.valid and checked.tree_size == 6
    assert client.get("/api/v1/log/head").json == head.json  # no new head while nothing changed


def test_entries_hash_to_the_root_and_proofs_lead_to_it(app: Flask, client: FlaskClient) -> None:
    fill_log(app, 7)
    head = client.get("/api/v1/log/head").json
    root = bytes.fromhex(head["root_hash"])
    page = client.get("/api/v1/log/entries").json
    assert (page["tree_size"], page["start"], page["end"], page["next_start"]) == (7, 0, 7, None)
    for item in page["entries"]:
        leaf = hashlib.sha256(b"\x00" + canonicalize(item["entry"])).digest()
        assert leaf.hex() == item["leaf_hash"] and item["kind"] == "methodology.published"
        proof = client.get(f"/api/v1/log/proofs/inclusion?index={item['index']}&tree_size=7").json
        path = [bytes.fromhex(node) for node in proof["audit_path"]]
        assert verify_inclusion(leaf, item["index"], 7, path, root)
    by_hash = client.get(
        f"/api/v1/log/proofs/inclusion?leaf_hash={page['entries'][4]['leaf_hash']}&tree_size=7"
    ).json
    assert by_hash["index"] == 4
    fill_log(app, 3, first_version=7)
    newer = client.get("/api/v1/log/head").json
    consistency = client.get("/api/v1/log/proofs/consistency?first=7&second=10").json
    assert verify_consistency(
        7,
        10,
        root,
        bytes.fromhex(newer["root_hash"]),
        [bytes.fromhex(node) for node in consistency["proof"]],
    )


def test_entries_are_served_a_thousand_at_most(app: Flask, client: FlaskClient) -> None:
    fill_log(app, 1002)
    first = client.get("/api/v1/log/entries?start=0&end=1002").json
    assert (len(first["entries"]), first["end"], first["next_start"]) == (1000, 1000, 1000)
    rest = client.get(f"/api/v1/log/entries?start={first['next_start']}").json
    assert [e["index"] for e in rest["entries"]] == [1000, 1001] and rest["next_start"] is None
    window = client.get("/api/v1/log/entries?start=10&end=12").json
    assert [e["index"] for e in window["entries"]] == [10, 11] and window["next_start"] == 12


@pytest.mark.parametrize(
    ("query", "pointer", "words"),
    [
        ("proofs/inclusion?index=3&tree_size=3", "/index", "index 3 is not in a tree of 3"),
        ("proofs/inclusion?index=0&tree_size=4", "/tree_size", "the log holds 3 entries"),
        ("proofs/consistency?first=3&second=2", "/first", "first (3) is larger than second"),
        ("proofs/consistency?first=1&second=5", "/second", "the log holds 3 entries"),
        ("entries?start=4", "/start", "the log holds 3 entries"),
        ("entries?start=2&end=1", "/end", "end (1) is before start (2)"),
    ],
)
def test_out_of_range_values_are_problems_that_say_why(
    app: Flask, client: FlaskClient, query: str, pointer: str, words: str
) -> None:
    fill_log(app, 3)
    answer = client.get(f"/api/v1/log/{query}")
    assert answer.status_code == 422 and answer.mimetype == PROBLEM
    assert words in answer.json["detail"]
    assert answer.json["errors"][0]["pointer"] == pointer


@pytest.mark.parametrize(
    "query",
    [
        "proofs/inclusion?tree_size=3",
        "proofs/inclusion?index=0&leaf_hash=" + "a" * 64 + "&tree_size=3",
        "proofs/inclusion?leaf_hash=XYZ&tree_size=3",
        "proofs/inclusion?index=-1&tree_size=3",
        f"proofs/inclusion?index=0&tree_size={2**70}",
        "proofs/consistency?first=0",
        "entries?start=abc",
    ],
)
def test_malformed_queries_are_422(app: Flask, client: FlaskClient, query: str) -> None:
    answer = client.get(f"/api/v1/log/{query}")
    assert answer.status_code == 422 and answer.mimetype == PROBLEM


def test_an_unknown_leaf_hash_is_404(app: Flask, client: FlaskClient) -> None:
    fill_log(app, 2)
    answer = client.get("/api/v1/log/proofs/inclusion?leaf_hash=" + "0" * 64 + "&tree_size=2")
    assert answer.status_code == 404 and "no entry among the first 2" in answer.json["detail"]


def test_keys_are_published_newest_first_cached_and_public_only(
    app: Flask, client: FlaskClient, runner
) -> None:
    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
    answer = client.get("/.well-known/hrd-sentinel/keys.json")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "public, max-age=300"
    keys = answer.json["keys"]
    listed = runner.invoke(args=["keys", "list"]).output.splitlines()
    assert [key["kid"] for key in keys] == [line.split()[3] for line in listed]
    assert "(signs now)" in listed[0] and keys[0]["fingerprint"] in listed[0]
    assert all(set(key) == {"kty", "crv", "x", "kid", "alg", "use", "fingerprint"} for key in keys)
    again = client.get(
        "/.well-known/hrd-sentinel/keys.json", headers={"If-None-Match": answer.headers["ETag"]}
    )
    assert again.status_code == 304


def test_the_log_page_shows_the_signed_head_and_latest_entries(
    app: Flask, client: FlaskClient
) -> None:
    fill_log(app, 3)
    head = client.get("/api/v1/log/head").json
    page = client.get("/log")
    html = unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert head["root_hash"] in html and head["signature"] in html
    assert html.index('"version": 2') < html.index('"version": 0')  # newest first
    assert 'href="/log"' in client.get("/").get_data(as_text=True)


def test_the_openapi_document_describes_the_log(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/log/head",
        "/api/v1/log/entries",
        "/api/v1/log/proofs/inclusion",
        "/api/v1/log/proofs/consistency",
        "/.well-known/hrd-sentinel/keys.json",
    ):
        assert paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
