"""The watchlist page: watched organisations with remove buttons, alerts, webhooks (the secret
shown once, refused addresses explained) and their deliveries."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from compliance import db
from compliance.clock import now
from compliance.watchlist import service as watchlist_service
from compliance.watchlist.models import AlertKind
from tests.conftest import World, csrf_token, sign_in


def _form_token(client: FlaskClient) -> str:
    return csrf_token(client.get("/watchlist").get_data(as_text=True))


def _revoked(app: Flask, organisation_id: int) -> None:
    """The alert a revocation of the organisation's certificate HRD-2026-000042 raises."""
    with db.session_scope(app) as session:
        watchlist_service.raise_alert(
            session=session,
            organisation_id=organisation_id,
            kind=AlertKind.certificate_revoked,
            payload={"cert_id": "HRD-2026-000042"},
            now=now(),
        )
        session.commit()


def test_the_watchlist_page_manages_watches_and_webhooks(
    app: Flask, client: FlaskClient, world: World
) -> None:
    ids = [world["company_a"].organisation_id, world["company_b"].organisation_id]
    client.post(
        "/api/v1/watchlist", json={"organisation_ids": ids}, headers=world["investor"].headers
    )
    _revoked(app, ids[0])
    assert sign_in(client, world["investor"].email).status_code == 302
    page = client.get("/watchlist").get_data(as_text=True)
    assert "Minera Alfa S.A." in page and "Agro Beta Ltda" in page
    assert "HRD-2026-000042 of Minera Alfa S.A. was revoked" in page
    assert 'href="/watchlist">Watchlist</a>' in page

    refused = client.post(
        "/watchlist/webhooks",
        data={"url": "http://169.254.169.254/latest", "csrf_token": _form_token(client)},
    )
    assert refused.status_code == 422
    assert "COMPLIANCE_WEBHOOKS_ALLOW_PRIVATE" in refused.get_data(as_text=True)

    app.config["WEBHOOKS_ALLOWED_NETWORKS"] = ["10.0.0.0/8"]
    added = client.post(
        "/watchlist/webhooks",
        data={
            "url": "http://10.4.4.4/hrd",
            "description": "Risk desk",
            "csrf_token": _form_token(client),
        },
    )
    assert added.status_code == 200
    shown = added.get_data(as_text=True)
    [hook] = client.get("/api/v1/webhooks", headers=world["investor"].headers).get_json()["items"]
    secret = shown.split('id="new-secret" class="mono" type="text" readonly value="', 1)[1]
    secret = secret.split('"', 1)[0]
    assert secret.startswith("whsec_")
    later = client.get("/watchlist").get_data(as_text=True)
    assert secret not in later and "http://10.4.4.4/hrd" in later and "Risk desk" in later

    removed = client.post(
        f"/watchlist/webhooks/{hook['id']}/remove", data={"csrf_token": _form_token(client)}
    )
    assert removed.status_code == 302
    assert "http://10.4.4.4/hrd" not in client.get("/watchlist").get_data(as_text=True)

    stopped = client.post(f"/watchlist/{ids[1]}/remove", data={"csrf_token": _form_token(client)})
    assert stopped.status_code == 302
    page = client.get("/watchlist").get_data(as_text=True)
    assert "Agro Beta Ltda" not in page and "Minera Alfa S.A." in page


def test_only_investors_get_the_page_and_the_nav_link(client: FlaskClient, world: World) -> None:
    assert client.get("/watchlist").status_code == 302
    assert sign_in(client, world["company_a"].email).status_code == 302
    assert client.get("/watchlist").status_code == 403
    assert 'href="/watchlist"' not in client.get("/").get_data(as_text=True)


def test_a_form_without_csrf_token_changes_nothing(client: FlaskClient, world: World) -> None:
    ids = [world["company_a"].organisation_id]
    client.post(
        "/api/v1/watchlist", json={"organisation_ids": ids}, headers=world["investor"].headers
    )
    assert sign_in(client, world["investor"].email).status_code == 302
    assert client.post(f"/watchlist/{ids[0]}/remove").status_code == 400
    assert "Minera Alfa S.A." in client.get("/watchlist").get_data(as_text=True)


def test_alerts_read_in_the_page_language_while_the_api_keeps_english(
    app: Flask, client: FlaskClient, world: World
) -> None:
    ids = [world["company_a"].organisation_id]
    headers = world["investor"].headers
    client.post("/api/v1/watchlist", json={"organisation_ids": ids}, headers=headers)
    _revoked(app, ids[0])
    client.post("/language", data={"language": "es"})
    sign_in(client, world["investor"].email)

    page = client.get("/watchlist").get_data(as_text=True)

    assert "Se revocó el certificado HRD-2026-000042 de Minera Alfa S.A." in page
    assert "Certificado revocado" in page and "certificate.revoked" not in page
    api = app.test_client().get("/api/v1/alerts", headers=headers)
    [alert] = api.json["items"]
    assert alert["summary"] == "Certificate HRD-2026-000042 of Minera Alfa S.A. was revoked."
    assert alert["kind"] == "certificate.revoked"
