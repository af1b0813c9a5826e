"""API tokens: created with e-mail and password, listed and revoked by their owner."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from pydantic import BaseModel, Field

from compliance import db, policy
from compliance.accounts import service as account_service
from compliance.accounts.actor import Actor, current_actor
from compliance.accounts.models import TokenCreated, TokenPublic, TokenRequest, UserPublic
from compliance.api import blueprint, public, respond
from compliance.clock import now
from compliance.errors import ProblemModel

bp = blueprint("api_auth", __name__, tag="Accounts", description="Sign in and API tokens")


class TokenPath(BaseModel):
    token_id: int = Field(ge=1, le=2**63 - 1)


class TokenList(BaseModel):
    items: list[TokenPublic]


def token_lifetime(requested_days: int | None) -> timedelta:
    """The requested lifetime within the operator's ceiling, or the default."""
    days = requested_days or current_app.config["TOKEN_DEFAULT_EXPIRY_DAYS"]
    return timedelta(days=min(days, current_app.config["TOKEN_MAX_EXPIRY_DAYS"]))


@bp.post(
    "/auth/tokens",
    summary="Create an API token",
    responses={201: TokenCreated, 429: ProblemModel},
    security=[],
)
@public
def create_token(body: TokenRequest):
    """Exchange an e-mail and password for a bearer token, shown only in this answer."""
    session = db.session()
    config = current_app.config
    try:
        user = account_service.authenticate(
            session=session,
            email=body.email,
            password=body.password,
            now=now(),
            max_failures=config["LOGIN_MAX_FAILURES"],
            lockout=timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]),
        )
    finally:
        session.commit()  # failed attempts count even when refused
    token, secret = account_service.issue_token(
        session=session,
        user=user,
        name=body.name,
        expires_in=token_lifetime(body.expires_days),
        now=now(),
    )
    session.commit()
    return respond(TokenCreated, {**token.model_dump(), "token": secret}, 201)


@bp.get("/auth/tokens", summary="List your API tokens", responses={200: TokenList})
def list_tokens():
    actor = current_actor()
    policy.require(actor, "token.manage")
    tokens = account_service.tokens_of(session=db.session(), user=actor.user)
    return respond(TokenList, {"items": tokens})


@bp.delete(
    "/auth/tokens/<int:token_id>",
    summary="Revoke one of your API tokens",
    responses={200: TokenPublic},
)
def revoke_token(path: TokenPath):
    actor = current_actor()
    policy.require(actor, "token.manage")
    session = db.session()
    token = account_service.revoke_token(
        session=session, user=actor.user, token_id=path.token_id, now=now()
    )
    session.commit()
    return respond(TokenPublic, token)


@bp.get("/me", summary="Who am I", responses={200: UserPublic})
def me():
    actor: Actor | None = current_actor()
    policy.require(actor, "account.read")
    return respond(UserPublic, {**actor.user.model_dump(), "organisation": actor.organisation})
