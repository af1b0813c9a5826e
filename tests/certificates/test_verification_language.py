"""The verification page words each check in the reader's language; the API keeps English."""

from __future__ import annotations

from flask import Flask

from tests.certificates.support import issue_via_api, stored
from tests.conftest import World, csrf_token

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}


def test_the_verification_page_speaks_spanish_while_the_api_answer_stays_english(
    app: Flask, client, world: World
) -> None:
    cert_id = issue_via_api(client, world)
    expires_on = stored(app, cert_id).expires_at.date().isoformat()
    token = csrf_token(client.get("/verify", headers=SPANISH).get_data(as_text=True))

    page = client.post("/verify", data={"cert_id": cert_id, "csrf_token": token}, headers=SPANISH)

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"Vigente: en vigor hasta el {expires_on}." in html
    assert "Active: in force until" not in html
    answer = client.post("/api/v1/verify", json={"cert_id": cert_id}, headers=SPANISH).json
    status_check = next(check for check in answer["checks"] if check["name"] == "status")
    assert status_check["detail"] == f"Active: in force until {expires_on}."
    assert answer["summary"].startswith(f"Genuine and in force: {cert_id} certifies")
