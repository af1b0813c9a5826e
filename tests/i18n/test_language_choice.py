"""Which language a page is in: saved choice, then switcher cookie, then browser, then English."""

from __future__ import annotations

import re

from flask import Flask, render_template_string
from flask.testing import FlaskClient
from sqlmodel import select

from compliance import db
from compliance.accounts.models import User
from tests.conftest import World, csrf_token, sign_in

SPANISH = {"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}
FRENCH = {"Accept-Language": "fr-CH, fr;q=0.9"}


def page_language(client: FlaskClient, path: str = "/", **kwargs) -> str:
    html = client.get(path, **kwargs).get_data(as_text=True)
    match = re.search(r'<html lang="([a-z]+)">', html)
    assert match, "page has no <html lang>"
    return match.group(1)


def saved_language(app: Flask, email: str) -> str | None:
    with db.session_scope(app) as session:
        return session.exec(select(User).where(User.email == email)).one().language


def test_english_without_any_hint(client: FlaskClient) -> None:
    html = client.get("/verify").get_data(as_text=True)
    assert '<html lang="en">' in html and "Verify a certificate" in html


def test_browser_language_is_followed(client: FlaskClient) -> None:
    html = client.get("/verify", headers=SPANISH).get_data(as_text=True)
    assert '<html lang="es">' in html and "Verificar un certificado" in html
    assert page_language(client, headers=FRENCH) == "fr"


def test_unsupported_browser_language_falls_back_to_english(client: FlaskClient) -> None:
    assert page_language(client, headers={"Accept-Language": "de-DE,pt;q=0.8"}) == "en"


def test_pages_vary_by_accept_language(client: FlaskClient) -> None:
    assert "Accept-Language" in client.get("/verify").headers["Vary"]


def test_switcher_sets_a_cookie_that_beats_the_browser(client: FlaskClient) -> None:
    page = client.get("/methodology", headers=SPANISH).get_data(as_text=True)
    assert 'action="/language"' in page and '<label for="language-switcher">' in page
    answer = client.post("/language", data={"language": "fr", "next": "/methodology"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/methodology"
    assert "lang=fr" in answer.headers["Set-Cookie"]
    assert page_language(client, "/methodology", headers=SPANISH) == "fr"


def test_switcher_ignores_unknown_languages_and_offsite_targets(client: FlaskClient) -> None:
    answer = client.post("/language", data={"language": "xx", "next": "//evil.example/"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    assert "Set-Cookie" not in answer.headers
    assert page_language(client) == "en"


def test_visitors_get_no_session_cookie_from_the_switcher(client: FlaskClient) -> None:
    """Public pages stay cookie-free: the switcher form needs no CSRF token for visitors."""
    answer = client.get("/methodology")
    assert "session=" not in answer.headers.get("Set-Cookie", "")


def test_signed_in_choice_is_saved_and_follows_the_user(
    app: Flask, client: FlaskClient, world: World
) -> None:
    email = world["ngo"].email
    sign_in(client, email)
    token = csrf_token(client.get("/account/tokens").get_data(as_text=True))
    answer = client.post("/language", data={"language": "es", "next": "/", "csrf_token": token})
    assert answer.status_code == 302
    assert saved_language(app, email) == "es"

    elsewhere = app.test_client()  # another device: no cookie, a French browser
    sign_in(elsewhere, email)
    assert page_language(elsewhere, "/account/tokens", headers=FRENCH) == "es"


def test_saved_choice_beats_the_cookie(app: Flask, client: FlaskClient, world: World) -> None:
    with db.session_scope(app) as session:
        user = session.exec(select(User).where(User.email == world["ngo"].email)).one()
        user.language = "fr"
        session.commit()
    client.post("/language", data={"language": "es"})
    sign_in(client, world["ngo"].email)
    assert page_language(client, headers=SPANISH) == "fr"


def test_signed_in_switch_needs_the_csrf_token(
    app: Flask, client: FlaskClient, world: World
) -> None:
    sign_in(client, world["ngo"].email)
    assert client.post("/language", data={"language": "fr"}).status_code == 400
    assert saved_language(app, world["ngo"].email) is None


def test_account_page_sets_and_clears_the_saved_language(
    app: Flask, client: FlaskClient, world: World
) -> None:
    email = world["company_a"].email
    sign_in(client, email)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert '<label for="account-language">' in page
    token = csrf_token(page)
    client.post(
        "/language", data={"language": "fr", "csrf_token": token, "next": "/account/tokens"}
    )
    page = client.get("/account/tokens").get_data(as_text=True)
    assert saved_language(app, email) == "fr" and "Jetons d'API" in page

    client.post("/language", data={"language": "", "csrf_token": token})
    assert saved_language(app, email) is None
    assert page_language(client, "/account/tokens", headers=SPANISH) == "es"


def test_jobs_and_commands_without_a_request_use_english(app: Flask) -> None:
    with app.app_context():
        assert render_template_string("{{ _('Verify a certificate') }}") == "Verify a certificate"
