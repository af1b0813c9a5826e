"""`hrd-sentinel keys ...` and `hrd-sentinel log export / verify`, against an exported file and
against the real service over HTTP, with the database tampered in the ways an insider could."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlmodel import select

from compliance import db
from compliance.audit.models import AuditEvent
from compliance.credentials.keys import current_signing_key, jwks
from compliance.transparency.merkle import leaf_hash
from compliance.transparency.models import LogEntry, LogNode
from compliance.transparency.tree_head import sign_tree_head
from tests.support.live_server import LiveServer, free_port
from tests.transparency_app.conftest import T0, fill_log, read_json, verify


@pytest.fixture
def server(app: Flask) -> Iterator[LiveServer]:
    live = LiveServer(app)
    yield live
    live.stop()


def _export(runner: FlaskCliRunner, path: Path) -> dict:
    result = runner.invoke(args=["log", "export", str(path)])
    assert result.exit_code == 0, result.output
    return read_json(path)


def _save(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document))
    return path


def _tamper_entry(app: Flask, index: int, *, also_leaf_hash: bool = False) -> None:
    with db.session_scope(app) as session:
        row = session.get(LogEntry, index)
        forged = row.entry.replace('"version":', '"version":1')
        values = {"entry": forged}
        if also_leaf_hash:
            values["leaf_hash"] = leaf_hash(forged.encode())
        session.execute(sa.update(LogEntry).where(LogEntry.index == index).values(**values))
        session.commit()


def _tamper_node(app: Flask, level: int, idx: int) -> None:
    with db.session_scope(app) as session:
        session.execute(
            sa.update(LogNode)
            .where(LogNode.level == level, LogNode.idx == idx)
            .values(hash=b"\x42" * 32)
        )
        session.commit()


def test_keys_rotate_adds_a_logged_key_and_old_keys_stay(app: Flask, runner) -> None:
    old = current_signing_key(app.config["SIGNING_KEY_DIR"])
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    new = current_signing_key(app.config["SIGNING_KEY_DIR"])
    assert new.kid != old.kid and f"kid {new.kid}" in result.output
    listed = runner.invoke(args=["keys", "list"]).output.splitlines()
    assert [line.split()[3] for line in listed] == [new.kid, old.kid]
    with db.session_scope(app) as session:
        entry = session.exec(select(LogEntry)).one()
        payload = json.loads(entry.entry)["payload"]
        assert entry.kind == "key.rotated"
        assert (payload["kid"], payload["fingerprint"]) == (new.kid, new.fingerprint)
        assert payload["jwk"]["x"] and "d" not in payload["jwk"]
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "key.rotated")).one()
        assert event.details["kid"] == new.kid
    head = app.test_client().get("/api/v1/log/head").json
    assert (head["tree_size"], head["key_id"]) == (1, new.kid)


def test_an_exported_log_verifies_offline(
    app: Flask, runner, tmp_path: Path, keys_file: Path
) -> None:
    fill_log(app, 9)
    export = _export(runner, tmp_path / "log.json")
    assert export["head"]["tree_size"] == 9 and len(export["entries"]) == 9
    result = verify(runner, "--entries", str(tmp_path / "log.json"), "--keys", str(keys_file))
    assert result.exit_code == 0, result.output
    assert "ok    root" in result.output
    assert "Verdict: the log is intact." in result.output


def test_an_edited_export_fails_with_root_mismatch(
    app: Flask, runner, tmp_path: Path, keys_file: Path
) -> None:
    fill_log(app, 5)
    export = _export(runner, tmp_path / "log.json")
    export["entries"][3]["entry"]["payload"]["version"] = 99
    _save(tmp_path / "log.json", export)
    result = verify(runner, "--entries", str(tmp_path / "log.json"), "--keys", str(keys_file))
    assert result.exit_code == 1
    assert "FAIL  entry mismatch: the content of entries 3 " in result.output
    assert "FAIL  root mismatch" in result.output
    assert "NOT intact (entry mismatch, root mismatch)" in result.output


def test_an_entry_edited_in_the_database_fails_with_root_mismatch(
    app: Flask, runner, tmp_path: Path, keys_file: Path
) -> None:
    fill_log(app, 5)
    _export(runner, tmp_path / "before.json")  # the head is signed over the true entries
    _tamper_entry(app, 2, also_leaf_hash=True)
    _export(runner, tmp_path / "after.json")
    result = verify(runner, "--entries", str(tmp_path / "after.json"), "--keys", str(keys_file))
    assert result.exit_code == 1
    assert "ok    entries" in result.output  # the forger kept entry and leaf hash in step
    assert "FAIL  root mismatch" in result.output


def test_a_changed_head_fails_its_signature(
    app: Flask, runner, tmp_path: Path, keys_file: Path
) -> None:
    fill_log(app, 3)
    export = _export(runner, tmp_path / "log.json")
    export["head"]["timestamp"] = "2030-01-01T00:00:00Z"
    _save(tmp_path / "log.json", export)
    result = verify(runner, "--entries", str(tmp_path / "log.json"), "--keys", str(keys_file))
    assert result.exit_code == 1
    assert "FAIL  signature invalid" in result.output


def test_a_head_signed_by_an_unpublished_key_is_refused(app: Flask, runner, tmp_path: Path) -> None:
    fill_log(app, 3)
    _export(runner, tmp_path / "log.json")
    stranger = _save(
        tmp_path / "other-keys.json", jwks([Ed25519PrivateKey.generate().public_key()])
    )
    result = verify(runner, "--entries", str(tmp_path / "log.json"), "--keys", str(stranger))
    assert result.exit_code == 1
    assert "FAIL  unknown key" in result.output and "is unknown" in result.output


def test_a_later_export_is_consistent_with_an_earlier_head(
    app: Flask, runner, tmp_path: Path, keys_file: Path
) -> None:
    fill_log(app, 4)
    earlier = _save(tmp_path / "head-4.json", _export(runner, tmp_path / "log-4.json")["head"])
    fill_log(app, 3, first_version=4)
    _export(runner, tmp_path / "log-7.json")
    args = ["--entries", str(tmp_path / "log-7.json"), "--keys", str(keys_file)]
    result = verify(runner, *args, "--previous-head", str(earlier))
    assert result.exit_code == 0, result.output
    assert "ok    consistency: a locally computed consistency proof" in result.output

    key = current_signing_key(app.config["SIGNING_KEY_DIR"])
    forked = _save(tmp_path / "fork.json", sign_tree_head(4, b"\x07" * 32, T0, key.private_key))
    result = verify(runner, *args, "--previous-head", str(forked))
    assert result.exit_code == 1 and "FAIL  consistency failure" in result.output

    later = _save(tmp_path / "later.json", sign_tree_head(9, b"\x07" * 32, T0, key.private_key))
    result = verify(runner, *args, "--previous-head", str(later))
    assert result.exit_code == 1 and "the log was rolled back" in result.output


def test_the_live_log_verifies_over_http_and_stays_consistent(
    app: Flask, runner, server: LiveServer, tmp_path: Path, keys_file: Path
) -> None:
    fill_log(app, 6)
    saved = tmp_path / "head.json"
    first = verify(runner, "--url", server.url, "--keys", str(keys_file), "--save-head", str(saved))
    assert first.exit_code == 0, first.output
    assert "ok    inclusion: the log's inclusion proofs for 6 entries" in first.output
    assert read_json(saved)["tree_size"] == 6
    fill_log(app, 5, first_version=6)
    second = verify(
        runner, "--url", server.url, "--keys", str(keys_file), "--previous-head", str(saved)
    )
    assert second.exit_code == 0, second.output
    assert "ok    consistency: the log's consistency proof shows the previous head (6" in (
        second.output
    )


def test_a_database_entry_edit_is_caught_over_http(
    app: Flask, runner, server: LiveServer, keys_file: Path
) -> None:
    fill_log(app, 5)
    app.test_client().get("/api/v1/log/head")  # an auditor has seen this head
    _tamper_entry(app, 1)
    result = verify(runner, "--url", server.url, "--keys", str(keys_file))
    assert result.exit_code == 1
    assert "FAIL  entry mismatch: the content of entries 1 " in result.output
    assert "FAIL  root mismatch" in result.output


def test_a_database_node_edit_is_caught_by_the_logs_own_proofs(
    app: Flask, runner, server: LiveServer, tmp_path: Path, keys_file: Path
) -> None:
    fill_log(app, 4)
    saved = tmp_path / "head.json"
    assert (
        verify(
            runner, "--url", server.url, "--keys", str(keys_file), "--save-head", str(saved)
        ).exit_code
        == 0
    )
    fill_log(app, 3, first_version=4)
    app.test_client().get("/api/v1/log/head")
    _tamper_node(app, 0, 6)  # leaf 6: in the audit path of every other entry of the 7
    result = verify(
        runner, "--url", server.url, "--keys", str(keys_file), "--previous-head", str(saved)
    )
    assert result.exit_code == 1
    assert "ok    root" in result.output  # the entries themselves are intact
    assert (
        "FAIL  inclusion failure: the log's inclusion proofs for entries 0, 1, 2, 3, 4, 5 do "
        in result.output
    )
    assert "FAIL  consistency failure" in result.output


def test_verify_needs_one_source_and_a_reachable_log(runner, keys_file: Path) -> None:
    neither = verify(runner, "--keys", str(keys_file))
    assert neither.exit_code == 2 and "give either --url or --entries" in neither.output
    unreachable = verify(
        runner,
        "--url",
        f"http://127.0.0.1:{free_port()}",
        "--keys",
        str(keys_file),
        "--timeout",
        "2",
    )
    assert unreachable.exit_code == 1 and "Error: could not reach" in unreachable.output
