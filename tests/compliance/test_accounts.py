"""Users, organisations and API tokens: from the CLI and the API, hashed, expiring, revocable."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from compliance import db
from compliance.accounts import service as account_service
from compliance.accounts.models import ApiToken, Organisation, User
from compliance.clock import now
from tests.conftest import PASSWORD, World


def _count(app: Flask, model) -> int:
    with db.session_scope(app) as session:
        return session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_cli_creates_organisation_and_user_with_argon2_hash(app: Flask, runner) -> None:
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Ana@Example.org",
            "--org",
            "Minera Uno",
            "--org-kind",
            "company",
            "--role",
            "admin",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    second = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "luis@example.org",
            "--org",
            "Minera Uno",
            "--org-kind",
            "company",
        ]
    )
    assert second.exit_code == 0, second.output
    with db.session_scope(app) as session:
        organisations = session.exec(
            sa.select(Organisation).where(Organisation.name == "Minera Uno")
        ).all()
        users = session.exec(sa.select(User).order_by(User.id)).scalars().all()
    assert len(organisations) == 1
    assert [u.email for u in users] == ["ana@example.org", "luis@example.org"]
    assert (
        users[0].password_hash.startswith("$argon2id$") and PASSWORD not in users[0].password_hash
    )
    assert users[1].password_hash is None and users[1].role == "member"


def test_cli_refuses_a_kind_mismatch_and_a_weak_password_without_writing(
    app: Flask, runner
) -> None:
    runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "a@example.org",
            "--org",
            "Banco X",
            "--org-kind",
            "financial_institution",
        ]
    )
    before = _count(app, User)
    mismatch = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "b@example.org",
            "--org",
            "Banco X",
            "--org-kind",
            "ngo",
        ]
    )
    weak = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "c@example.org",
            "--org",
            "Nueva",
            "--org-kind",
            "ngo",
            "--password",
            "short",
        ]
    )
    assert (
        mismatch.exit_code == 1 and "exists already as a financial_institution" in mismatch.output
    )
    assert weak.exit_code == 1 and "at least 12 characters" in weak.output
    assert _count(app, User) == before
    assert _count(app, Organisation) == 1


def test_cli_token_is_printed_alone_and_works(app: Flask, runner, world: World) -> None:
    result = runner.invoke(
        args=["tokens", "create", "--email", "ngo@example.org", "--expires-days", "3"]
    )
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hrd_")
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {lines[0]}"})
    assert me.status_code == 200 and me.json["organisation"]["kind"] == "ngo"
    with db.session_scope(app) as session:
        stored = session.exec(sa.select(ApiToken).order_by(ApiToken.id.desc())).scalars().first()
    assert stored.token_hash != lines[0] and lines[0] not in stored.token_hash
    assert timedelta(days=2, hours=23) < stored.expires_at - stored.created_at <= timedelta(days=3)


def test_cli_token_for_unknown_email_fails_clearly(runner) -> None:
    result = runner.invoke(args=["tokens", "create", "--email", "ghost@example.org"])
    assert result.exit_code == 1 and "No user has the e-mail ghost@example.org" in result.output


def test_api_token_from_password_is_shown_once_and_usable(client, world: World) -> None:
    created = client.post(
        "/api/v1/auth/tokens",
        json={"email": "company_a@example.org", "password": PASSWORD, "name": "ERP"},
    )
    assert created.status_code == 201
    assert created.json["name"] == "ERP" and created.json["token"].startswith("hrd_")
    listed = client.get(
        "/api/v1/auth/tokens", headers={"Authorization": f"Bearer {created.json['token']}"}
    )
    assert listed.status_code == 200
    assert all("token" not in item and "token_hash" not in item for item in listed.json["items"])
    assert {item["name"] for item in listed.json["items"]} == {"tests", "ERP"}


def test_wrong_password_is_refused_and_repeated_failures_lock_the_account(
    app: Flask, client, world: World
) -> None:
    app.config["LOGIN_MAX_FAILURES"] = 3
    body = {"email": "company_b@example.org", "password": "wrong password!"}
    answers = [client.post("/api/v1/auth/tokens", json=body) for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 401]
    assert answers[0].json["detail"] == "The e-mail or password is wrong."
    locked = client.post("/api/v1/auth/tokens", json={**body, "password": PASSWORD})
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert "locked" in locked.json["detail"]


def test_expired_and_revoked_tokens_are_refused_with_the_reason(
    app: Flask, client, world: World
) -> None:
    with db.session_scope(app) as session:
        user = session.get(User, world["investor"].user_id)
        _t, expired = account_service.issue_token(
            session=session,
            user=user,
            name="old",
            expires_in=timedelta(days=1),
            now=now() - timedelta(days=2),
        )
        session.commit()
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"})
    assert answer.status_code == 401 and "expired" in answer.json["detail"]
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")

    own = client.get("/api/v1/auth/tokens", headers=world["investor"].headers).json["items"]
    current = next(item for item in own if item["name"] == "tests")
    revoked = client.delete(
        f"/api/v1/auth/tokens/{current['id']}", headers=world["investor"].headers
    )
    assert revoked.status_code == 200 and revoked.json["revoked_at"] is not None
    after = client.get("/api/v1/me", headers=world["investor"].headers)
    assert after.status_code == 401 and "revoked" in after.json["detail"]


def test_garbage_token_and_wrong_scheme_are_401(client) -> None:
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer hrd_nope"}).status_code == 401
    basic = client.get("/api/v1/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401 and "Bearer" in basic.json["detail"]


def test_another_users_token_cannot_be_revoked(client, world: World) -> None:
    own = client.get("/api/v1/auth/tokens", headers=world["company_a"].headers).json["items"][0]
    answer = client.delete(f"/api/v1/auth/tokens/{own['id']}", headers=world["company_b"].headers)
    assert answer.status_code == 404
    assert client.get("/api/v1/me", headers=world["company_a"].headers).status_code == 200
