"""The demo world holds issued certificates a newcomer can verify; seeding again adds none."""

from __future__ import annotations

from flask import Flask

from compliance import db, demo
from compliance.clock import now


def _seed(app: Flask) -> None:
    with app.app_context(), db.session_scope(app) as session:
        demo.seed(session=session, now=now())
        session.commit()


def test_seed_demo_issues_verifiable_certificates_once(app: Flask, client) -> None:
    _seed(app)
    listed = client.get("/api/v1/register").json["items"]
    assert {(item["organisation_name"], item["tier"]) for item in listed} == {
        ("Minera Andes Cobre S.A.C.", "certified"),
        ("Ventos do Sertão Energia S.A.", "conditional"),
    }
    _seed(app)
    assert len(client.get("/api/v1/register").json["items"]) == 2
    for item in listed:
        report = client.post("/api/v1/verify", json={"cert_id": item["cert_id"]}).json
        assert report["valid"] is True, report["summary"]
    andes = next(i for i in listed if i["organisation_name"].startswith("Minera"))
    summary = client.get(f"/api/v1/certificates/{andes['cert_id']}").json
    assert summary["country"] == "PE" and summary["sector"] == "mining"
