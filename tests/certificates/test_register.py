"""The public register: search by name, country, sector, tier and status, page by page, in the
API and on the web; and each certificate's public page."""

from __future__ import annotations

from flask import Flask

from compliance.certificates.models import CertificateSummary
from tests.certificates.support import DEVELOPING_ANSWERS, certify, pdf_when_ready
from tests.conftest import World, csrf_token, sign_in


def _ids(answer) -> list[str]:
    assert answer.status_code == 200, answer.json
    return [item["cert_id"] for item in answer.json["items"]]


def test_the_register_is_searchable_and_paginated(app: Flask, client) -> None:
    andes = certify(app, organisation="Minera Andes Cobre", country="PE", sector="mining")
    ventos = certify(
        app,
        organisation="Ventos do Sertão",
        country="BR",
        sector="wind",
        answers=DEVELOPING_ANSWERS,
    )
    nickel = certify(app, organisation="Nusantara Nikel", country="ID", sector="mining")
    first = client.get("/api/v1/register")
    assert _ids(first) == [nickel, ventos, andes]
    assert set(first.json["items"][0]) == set(CertificateSummary.model_fields)
    assert _ids(client.get("/api/v1/register?name=andes")) == [andes]
    assert _ids(client.get("/api/v1/register?name=NIKEL")) == [nickel]
    assert _ids(client.get("/api/v1/register?country=pe")) == [andes]
    assert _ids(client.get("/api/v1/register?sector=mining")) == [nickel, andes]
    assert _ids(client.get("/api/v1/register?tier=conditional")) == [ventos]
    assert _ids(client.get("/api/v1/register?status=active")) == [nickel, ventos, andes]
    assert _ids(client.get("/api/v1/register?name=%25")) == []
    page = client.get("/api/v1/register?limit=2")
    assert _ids(page) == [nickel, ventos]
    rest = client.get(f"/api/v1/register?limit=2&cursor={page.json['next_cursor']}")
    assert _ids(rest) == [andes] and rest.json["next_cursor"] is None
    assert client.get("/api/v1/register?tier=gold").status_code == 422
    assert client.get("/api/v1/register?cursor=nonsense").status_code == 422

    html = client.get("/register?country=BR").get_data(as_text=True)
    assert ventos in html and andes not in html and "Conditional" in html
    assert nickel in client.get("/register?name=nusantara&status=active").get_data(as_text=True)
    assert "No certificate matches." in client.get("/register?status=revoked").get_data(
        as_text=True
    )
    paged = client.get("/register?limit=1").get_data(as_text=True)
    assert "Next page" in paged


def test_the_certificate_page_shows_status_facts_and_how_to_verify(
    app: Flask, client, world: World
) -> None:
    cert_id = certify(app, organisation="Minera Andes Cobre", country="PE", sector="mining")
    pdf_when_ready(client, cert_id)
    page = client.get(f"/certificates/{cert_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for expected in (
        "Minera Andes Cobre",
        cert_id,
        "active",
        f"/certificates/{cert_id}.pdf",
        f"/api/v1/certificates/{cert_id}.json",
        f"hrd-sentinel verify {cert_id}.pdf --keys keys.json",
        "Policy and governance",
    ):
        assert expected in html
    assert "Change the status" not in html
    missing = client.get("/certificates/HRD-2026-999999")
    assert missing.status_code == 404
    assert client.get("/api/v1/certificates/nonsense").status_code == 404

    assert sign_in(client, world["reviewer"].email).status_code == 302
    reviewer_page = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    assert "Change the status" in reviewer_page
    changed = client.post(
        f"/certificates/{cert_id}/status",
        data={
            "action": "suspend",
            "reason": "A challenge is being examined.",
            "csrf_token": csrf_token(reviewer_page),
        },
    )
    assert changed.status_code == 302
    after = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    assert "This certificate is not in force" in after and "A challenge is being examined." in after


def test_every_certificate_endpoint_is_in_the_openapi_document(client) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path, method in (
        ("/api/v1/register", "get"),
        ("/api/v1/certificates/{cert_id}", "get"),
        ("/api/v1/certificates/{cert_id}.json", "get"),
        ("/api/v1/certificates/{cert_id}.pdf", "get"),
        ("/api/v1/certificates/{cert_id}/status", "post"),
        ("/api/v1/status-lists/{purpose}", "get"),
        ("/api/v1/verify", "post"),
        ("/api/v1/assessments/{assessment_id}/evidence/{evidence_id}/review", "post"),
    ):
        assert method in paths.get(path, {}), path
    assert paths["/api/v1/verify"]["post"].get("security") == []
