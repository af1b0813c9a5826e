"""Verification answers each question in plain words, and notices tampering: with the JSON, with
the PDF's attachment, and with the register's own rows."""

from __future__ import annotations

import io
import json
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from pypdf import PdfWriter

from compliance import db
from compliance.certificates.models import Certificate, VerificationReport
from compliance.transparency.merkle import leaf_hash
from compliance.transparency.verify import verify_inclusion
from tests.certificates.support import (
    credential_of,
    issue_via_api,
    keys_file,
    pdf_reader,
    pdf_when_ready,
    stored,
)
from tests.conftest import World


def _verify(client, **fields):
    return client.post("/api/v1/verify", data=fields, content_type="multipart/form-data")


def _upload(name: str, data: bytes) -> tuple[io.BytesIO, str]:
    return (io.BytesIO(data), name)


def _checks(report: dict) -> dict[str, bool]:
    return {check["name"]: check["passed"] for check in report["checks"]}


def _edit(app: Flask, cert_id: str, **values) -> None:
    with db.session_scope(app) as session:
        session.execute(
            sa.update(Certificate).where(Certificate.cert_id == cert_id).values(**values)
        )
        session.commit()


def test_a_certificate_verifies_by_id_json_and_pdf_with_its_log_proof(client, world: World) -> None:
    cert_id = issue_via_api(client, world)
    json_bytes = client.get(f"/api/v1/certificates/{cert_id}.json").data
    pdf_bytes = pdf_when_ready(client, cert_id).data
    answers = {
        "id": _verify(client, cert_id=cert_id),
        "json": _verify(client, file=_upload("cert.json", json_bytes)),
        "pdf": _verify(client, file=_upload("cert.pdf", pdf_bytes)),
        "pasted": _verify(client, credential=json_bytes.decode()),
        "body": client.post("/api/v1/verify", json=json.loads(json_bytes)),
    }
    for how, answer in answers.items():
        assert answer.status_code == 200, (how, answer.json)
        report = answer.json
        assert set(report) == set(VerificationReport.model_fields)
        assert report["valid"] is True, (how, report["summary"])
        assert report["signature_valid"] and report["matches_register"] and report["in_log"]
        assert report["status"] == "active" and report["cert_id"] == cert_id
        assert report["summary"].startswith(f"Genuine and in force: {cert_id} certifies")
    assert answers["pdf"].json["source"] == "pdf" and answers["body"].json["source"] == "json"
    report = answers["id"].json
    proof, head, entry = report["inclusion_proof"], report["tree_head"], report["log_entry"]
    canonical = json.dumps(entry["entry"], separators=(",", ":"), sort_keys=True).encode()
    assert leaf_hash(canonical).hex() == proof["leaf_hash"] == entry["leaf_hash"]
    assert verify_inclusion(
        bytes.fromhex(proof["leaf_hash"]),
        proof["index"],
        head["tree_size"],
        [bytes.fromhex(node) for node in proof["audit_path"]],
        bytes.fromhex(head["root_hash"]),
    )
    signed_head = client.get("/api/v1/log/head").json
    assert signed_head == head


def test_changing_one_byte_of_the_json_breaks_the_signature(client, world: World) -> None:
    cert_id = issue_via_api(client, world)
    original = client.get(f"/api/v1/certificates/{cert_id}.json").data
    tampered = original.replace(b'"score":', b'"score":9', 1)
    assert len(tampered) == len(original) + 1 and tampered != original
    report = _verify(client, file=_upload("cert.json", tampered)).json
    assert report["valid"] is False and report["signature_valid"] is False
    assert report["matches_register"] is False
    assert "changed after signing" in report["summary"]
    assert "does not match certificate" in report["summary"]


def test_a_pdf_whose_attachment_was_swapped_does_not_match_the_register(
    client, world: World
) -> None:
    cert_id = issue_via_api(client, world)
    upgraded = credential_of(client, cert_id)
    upgraded["credentialSubject"]["tier"] = "certified_leading"
    forged = PdfWriter()
    for page in pdf_reader(pdf_when_ready(client, cert_id).data).pages:
        forged.add_page(page)
    forged.add_attachment(f"{cert_id}.json", json.dumps(upgraded).encode())
    buffer = io.BytesIO()
    forged.write(buffer)
    report = _verify(client, file=_upload("forged.pdf", buffer.getvalue())).json
    assert report["valid"] is False and report["cert_id"] == cert_id and report["source"] == "pdf"
    assert report["matches_register"] is False and report["signature_valid"] is False
    assert f"does not match certificate {cert_id} in the register" in report["summary"]


def test_a_pdf_with_another_valid_certificate_attached_names_that_one(client, world: World) -> None:
    first = issue_via_api(client, world, "company_a")
    second = issue_via_api(client, world, "company_b")
    pdf = pdf_when_ready(client, first).data
    report = _verify(client, cert_id=second, file=_upload("x.pdf", pdf)).json
    assert report["valid"] is False
    assert f"The document is certificate {first}, not {second}" in report["summary"]


def test_editing_the_register_row_is_reported(app: Flask, client, world: World) -> None:
    cert_id = issue_via_api(client, world)
    _edit(app, cert_id, tier="certified_leading", score=99.0)
    report = _verify(client, cert_id=cert_id).json
    assert report["valid"] is False and report["matches_register"] is False
    assert "was altered after issue" in report["summary"] and "tier" in report["summary"]
    assert report["signature_valid"] is True


def test_editing_the_stored_signed_json_is_reported(app: Flask, client, world: World) -> None:
    cert_id = issue_via_api(client, world)
    with db.session_scope(app) as session:
        row = session.execute(
            sa.select(Certificate).where(Certificate.cert_id == cert_id)
        ).scalar_one()
        credential = json.loads(row.credential)
    credential["credentialSubject"]["tier"] = "certified_leading"
    _edit(app, cert_id, credential=json.dumps(credential))
    report = _verify(client, cert_id=cert_id).json
    assert report["valid"] is False and report["signature_valid"] is False
    assert "stored copy" in report["summary"] and "hash recorded at issue" in report["summary"]
    forged_hash = client.post("/api/v1/verify", json={"cert_id": cert_id}).json
    assert forged_hash["in_log"] is True


def test_rewriting_the_hash_too_is_caught_by_the_log(app: Flask, client, world: World) -> None:
    cert_id = issue_via_api(client, world)
    with db.session_scope(app) as session:
        row = session.execute(
            sa.select(Certificate).where(Certificate.cert_id == cert_id)
        ).scalar_one()
        log_index = row.log_index
    _edit(app, cert_id, credential_sha256="0" * 64)
    report = _verify(client, cert_id=cert_id).json
    assert report["valid"] is False and report["in_log"] is False
    assert f"recorded another hash for {cert_id} at issue (entry {log_index})" in report["summary"]


def test_a_quiet_status_edit_contradicts_the_log(app: Flask, client, world: World) -> None:
    cert_id = issue_via_api(client, world)
    revoked = client.post(
        f"/api/v1/certificates/{cert_id}/status",
        json={"action": "revoke", "reason": "Evidence was found to be forged."},
        headers=world["reviewer"].headers,
    )
    assert revoked.status_code == 200
    with db.session_scope(app) as session:
        issue_index = session.execute(
            sa.select(Certificate.log_index).where(Certificate.cert_id == cert_id)
        ).scalar_one()
    _edit(app, cert_id, status="active", status_log_index=issue_index)
    report = _verify(client, cert_id=cert_id).json
    assert report["valid"] is False and report["status"] == "active"
    assert "last recorded it as revoked" in report["summary"]


def test_unknown_ids_and_unreadable_files_are_explained(client) -> None:
    unknown = _verify(client, cert_id="HRD-2026-999999").json
    assert unknown["valid"] is False and unknown["matches_register"] is False
    assert "No certificate HRD-2026-999999 is in the register" in unknown["summary"]
    garbage = _verify(client, file=_upload("x.json", b"not json at all"))
    assert (
        garbage.status_code == 422 and "neither a PDF nor readable JSON" in garbage.json["detail"]
    )
    empty = client.post("/api/v1/verify", data={}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Send a certificate id" in empty.json["detail"]
    text = client.post(
        "/api/v1/verify", data={"file": "{}"}, content_type="multipart/form-data"
    )  # the field sent as text, not as a file
    assert text.status_code == 422 and "must be a file part" in text.json["detail"]


def test_verify_offline_with_the_published_keys(
    app: Flask, client, runner, world: World, tmp_path: Path
) -> None:
    cert_id = issue_via_api(client, world)
    keys = keys_file(client, tmp_path)
    pdf = tmp_path / f"{cert_id}.pdf"
    pdf.write_bytes(pdf_when_ready(client, cert_id).data)
    signed = tmp_path / f"{cert_id}.json"
    signed.write_bytes(client.get(f"/api/v1/certificates/{cert_id}.json").data)
    for path in (pdf, signed):
        result = runner.invoke(args=["verify", str(path), "--keys", str(keys)])
        assert result.exit_code == 0, result.output
        assert f"Certificate {cert_id}" in result.output and "Verdict: genuine" in result.output
    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(signed.read_bytes().replace(b'"tier":"', b'"tier":"x', 1))
    result = runner.invoke(args=["verify", str(tampered), "--keys", str(keys)])
    assert result.exit_code == 1 and "FAIL  signature" in result.output
    other_keys = tmp_path / "other.json"
    other_keys.write_text('{"keys": []}')
    result = runner.invoke(args=["verify", str(pdf), "--keys", str(other_keys)])
    assert result.exit_code == 1 and "is unknown" in result.output


def test_certificates_signed_before_a_key_rotation_stay_verifiable(
    app: Flask, client, runner, world: World
) -> None:
    before = issue_via_api(client, world, "company_a")
    rotated = runner.invoke(args=["keys", "rotate"])
    assert rotated.exit_code == 0, rotated.output
    after = issue_via_api(client, world, "company_b")
    assert stored(app, before).key_id != stored(app, after).key_id
    assert len(client.get("/.well-known/hrd-sentinel/keys.json").json["keys"]) == 2
    for cert_id in (before, after):
        report = client.post("/api/v1/verify", json={"cert_id": cert_id}).json
        assert report["valid"] is True, report["summary"]
        assert stored(app, cert_id).key_id in report["checks"][0]["detail"]
