"""The test world of tests/conftest.py, built faster: the password is hashed once per session
(argon2 is slow on purpose) and shared by every user, who all sign in with PASSWORD as usual."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from compliance import db
from compliance.accounts import service as account_service
from compliance.accounts.models import Role
from compliance.accounts.passwords import hash_password
from compliance.clock import now
from tests.conftest import PASSWORD, WORLD_SPEC, Member, World


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def world(app: Flask, password_hash: str) -> World:
    result = World()
    with db.session_scope(app) as session:
        for key, (org_name, kind) in WORLD_SPEC.items():
            organisation = account_service.get_or_create_organisation(
                session=session, name=org_name, kind=kind
            )
            user = account_service.create_user(
                session=session,
                email=f"{key}@example.org",
                organisation=organisation,
                role=Role.admin,
                password=None,
            )
            user.password_hash = password_hash
            _token, secret = account_service.issue_token(
                session=session, user=user, name="tests", expires_in=timedelta(days=1), now=now()
            )
            result.members[key] = Member(key, user.email, organisation.id, user.id, secret)
        session.commit()
    return result
