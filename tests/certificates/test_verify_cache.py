"""A repeated verification by id costs one query, and yet the very next verification after a
status change, a new log entry, an admitted challenge or a quiet edit of the register tells the
truth: what is kept between requests is keyed by the certificate's row, the log's size and the
challenge flag, never by time."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from compliance import db
from compliance.certificates.models import Certificate
from compliance.transparency.verify import verify_inclusion
from tests.certificates.support import issue_via_api
from tests.challenges.support import decide, file_challenge
from tests.conftest import World
from tests.transparency_app.test_db_store import counted_statements


def _verify(client, cert_id: str) -> dict:
    answer = client.post("/api/v1/verify", json={"cert_id": cert_id})
    assert answer.status_code == 200, answer.json
    return answer.json


def _checks(report: dict) -> dict[str, bool]:
    return {check["name"]: check["passed"] for check in report["checks"]}


def _change_status(client, world: World, cert_id: str, action: str) -> None:
    changed = client.post(
        f"/api/v1/certificates/{cert_id}/status",
        json={"action": action, "reason": f"The reviewers decided to {action} it."},
        headers=world["reviewer"].headers,
    )
    assert changed.status_code == 200, changed.json


def test_a_repeated_verification_by_id_costs_one_query(app: Flask, client, world: World) -> None:
    cert_id = issue_via_api(client, world)
    first = _verify(client, cert_id)
    with counted_statements(app) as sent:
        again = _verify(client, cert_id)
    assert len(sent) == 1, sent
    assert again == first and again["valid"] is True


def test_a_revocation_is_seen_by_the_very_next_verification(client, world: World) -> None:
    cert_id = issue_via_api(client, world)
    assert _verify(client, cert_id)["valid"] is True
    _change_status(client, world, cert_id, "revoke")
    report = _verify(client, cert_id)
    assert report["valid"] is False and report["status"] == "revoked"
    assert report["certificate"]["status"] == "revoked"
    assert "Revoked since" in report["summary"]


def test_a_quiet_edit_after_a_verification_is_reported_by_the_next(
    app: Flask, client, world: World
) -> None:
    cert_id = issue_via_api(client, world)
    _change_status(client, world, cert_id, "revoke")
    assert _verify(client, cert_id)["status"] == "revoked"
    with db.session_scope(app) as session:
        session.execute(
            sa.update(Certificate)
            .where(Certificate.cert_id == cert_id)
            .values(status="active", organisation_name="Someone Else S.A.")
        )
        session.commit()
    report = _verify(client, cert_id)
    assert report["valid"] is False
    assert _checks(report)["status"] is False and _checks(report)["record"] is False
    assert "last recorded it as revoked" in report["summary"]


def test_an_admitted_challenge_is_seen_by_the_very_next_verification(client, world: World) -> None:
    cert_id = issue_via_api(client, world)
    assert _verify(client, cert_id)["certificate"]["under_challenge"] is False
    decide(client, world, file_challenge(client, world, cert_id), action="acknowledge")
    assert _verify(client, cert_id)["certificate"]["under_challenge"] is True


def test_a_new_log_entry_moves_the_proof_to_the_new_signed_head(client, world: World) -> None:
    cert_id = issue_via_api(client, world)
    before = _verify(client, cert_id)["tree_head"]["tree_size"]
    issue_via_api(client, world, "company_b")
    report = _verify(client, cert_id)
    head, proof = report["tree_head"], report["inclusion_proof"]
    assert head["tree_size"] == proof["tree_size"] == before + 1
    assert head == client.get("/api/v1/log/head").json
    assert verify_inclusion(
        bytes.fromhex(proof["leaf_hash"]),
        proof["index"],
        head["tree_size"],
        [bytes.fromhex(node) for node in proof["audit_path"]],
        bytes.fromhex(head["root_hash"]),
    )
