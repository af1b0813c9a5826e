"""Web sign-in with session cookies and CSRF protection; a home page per kind of organisation."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from compliance import db
from compliance.accounts.models import User
from tests.conftest import PASSWORD, World, csrf_token, sign_in


def test_sign_in_leads_to_the_home_page_of_the_organisation_kind(client, world: World) -> None:
    answer = sign_in(client, "ngo@example.org")
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Red Delta" in home and "Challenge a certificate" in home and "NGO" in home
    sign_in(client, "reviewer@example.org")
    assert "Certifier (reviewer)" in client.get("/").get_data(as_text=True)


def test_wrong_password_shows_a_clear_error(client, world: World) -> None:
    answer = sign_in(client, "ngo@example.org", "not the password")
    assert answer.status_code == 401
    assert "The e-mail or password is wrong." in answer.get_data(as_text=True)
    assert "Sign in" in client.get("/").get_data(as_text=True)


def test_forms_without_a_csrf_token_are_refused(client, world: World) -> None:
    answer = client.post("/login", data={"email": "ngo@example.org", "password": PASSWORD})
    assert answer.status_code == 400
    assert "form expired" in answer.get_data(as_text=True)
    sign_in(client, "ngo@example.org")
    assert client.post("/logout").status_code == 400
    assert "Red Delta" in client.get("/").get_data(as_text=True)


def test_sign_out_ends_the_session(client, world: World) -> None:
    sign_in(client, "investor@example.org")
    token = csrf_token(client.get("/account/tokens").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account/tokens").status_code == 302


def test_next_parameter_never_leaves_the_site(client, world: World) -> None:
    page = client.get("/login?next=//evil.example/x")
    answer = client.post(
        "/login?next=//evil.example/x",
        data={
            "email": "ngo@example.org",
            "password": PASSWORD,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    assert answer.headers["Location"] == "/"
    assert client.get("/account/tokens").status_code == 200


def test_protected_page_sends_visitors_to_sign_in_and_back(client, world: World) -> None:
    answer = client.get("/account/tokens")
    assert answer.status_code == 302 and answer.headers["Location"].startswith(
        "/login?next=/account/tokens"
    )


def test_token_page_shows_a_new_secret_once_and_revokes(client, world: World) -> None:
    sign_in(client, "company_b@example.org")
    token = csrf_token(client.get("/account/tokens").get_data(as_text=True))
    created = client.post(
        "/account/tokens", data={"name": "ERP link", "expires_days": "30", "csrf_token": token}
    ).get_data(as_text=True)
    assert "Copy your new token now" in created and 'value="hrd_' in created
    again = client.get("/account/tokens").get_data(as_text=True)
    assert "ERP link" in again and 'value="hrd_' not in again


def test_deactivated_user_loses_the_session(app: Flask, client, world: World) -> None:
    sign_in(client, "company_a@example.org")
    assert client.get("/account/tokens").status_code == 200
    with db.session_scope(app) as session:
        session.execute(
            sa.update(User).where(User.email == "company_a@example.org").values(active=False)
        )
        session.commit()
    assert client.get("/account/tokens").status_code == 302


def test_session_cookie_is_http_only_and_same_site(client, world: World) -> None:
    answer = sign_in(client, "ngo@example.org")
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_unknown_page_is_a_friendly_html_error(client) -> None:
    answer = client.get("/no/such/page")
    assert answer.status_code == 404 and answer.mimetype == "text/html"
    assert "There is nothing at /no/such/page" in answer.get_data(as_text=True)
