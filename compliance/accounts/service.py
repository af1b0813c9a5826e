"""Creating organisations and users, signing in, issuing and checking API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, select

from compliance.accounts.models import (
    ApiToken,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from compliance.accounts.passwords import MIN_LENGTH, hash_password, needs_rehash, verify_password
from compliance.audit import service as audit
from compliance.errors import (
    AuthenticationRequired,
    Conflict,
    InvalidInput,
    NotFound,
    TooManyAttempts,
)
from compliance.phrases import Phrase

TOKEN_PREFIX = "hrd_"  # noqa: S105  (a marker that makes leaked tokens easy to scan for)


class WeakPassword(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            Phrase("The password must have at least %(length)s characters.", length=MIN_LENGTH)
        )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_or_create_organisation(
    *,
    session: Session,
    name: str,
    kind: OrganisationKind,
    country: str | None = None,
    sector: str | None = None,
    actor: User | None = None,
) -> Organisation:
    """The organisation called `name`; created when new. A kind mismatch is refused."""
    organisation = session.exec(select(Organisation).where(Organisation.name == name)).first()
    if organisation is not None:
        if organisation.kind != kind:
            raise Conflict(
                Phrase(
                    "Organisation '%(name)s' exists already as a %(existing)s, not a %(kind)s.",
                    name=name,
                    existing=organisation.kind,
                    kind=kind,
                )
            )
        return organisation
    organisation = Organisation(name=name, kind=kind, country=country, sector=sector)
    session.add(organisation)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="organisation.created",
        subject=organisation,
        details={"kind": str(kind)},
    )
    return organisation


def create_user(
    *,
    session: Session,
    email: str,
    organisation: Organisation,
    role: Role,
    password: str | None,
    name: str | None = None,
    actor: User | None = None,
) -> User:
    """A new user of `organisation`; without a password the user can only use API tokens."""
    email = normalise_email(email)
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise Conflict(Phrase("A user with e-mail %(email)s exists already.", email=email))
    if password is not None and len(password) < MIN_LENGTH:
        raise WeakPassword()
    user = User(
        email=email,
        name=name,
        organisation_id=organisation.id,
        role=role,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="user.created",
        subject=user,
        details={"organisation_id": organisation.id, "role": str(role)},
    )
    return user


def get_user_by_email(*, session: Session, email: str) -> User:
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        raise NotFound(Phrase("No user has the e-mail %(email)s.", email=normalise_email(email)))
    return user


def organisation_of(*, session: Session, user: User) -> Organisation:
    return session.get(Organisation, user.organisation_id)


def authenticate(
    *,
    session: Session,
    email: str,
    password: str,
    now: datetime,
    max_failures: int,
    lockout: timedelta,
) -> User:
    """The user whose credentials these are; repeated failures lock the account for a while."""
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        raise TooManyAttempts(
            Phrase(
                "Too many failed sign-ins: this account is locked for a few minutes. "
                "Try again later."
            ),
            headers={"Retry-After": str(int((user.locked_until - now).total_seconds()) + 1)},
        )
    if user is None or not user.active or not verify_password(user.password_hash, password):
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= max_failures:
                user.locked_until = now + lockout
                user.failed_logins = 0
                audit.record(session=session, actor=None, action="user.locked", subject=user)
            session.add(user)
        raise AuthenticationRequired(Phrase("The e-mail or password is wrong."))
    user.failed_logins = 0
    user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(user)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    *, session: Session, user: User, name: str, expires_in: timedelta, now: datetime
) -> tuple[ApiToken, str]:
    """A new API token for `user`; the secret is returned once and only its hash is kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=_token_hash(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        created_at=now,
        expires_at=now + expires_in,
    )
    session.add(token)
    session.flush()
    audit.record(
        session=session,
        actor=user,
        action="token.created",
        subject=token,
        details={"expires_at": token.expires_at.isoformat()},
    )
    return token, secret


def user_for_token(*, session: Session, secret: str, now: datetime) -> User:
    """The active user holding this bearer token, or an error saying why it is refused."""
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == _token_hash(secret))).first()
    if token is None:
        raise AuthenticationRequired(Phrase("This API token is not valid. Create a new one."))
    if token.revoked_at is not None:
        raise AuthenticationRequired(Phrase("This API token was revoked. Create a new one."))
    if token.expires_at <= now:
        raise AuthenticationRequired(
            Phrase(
                "This API token expired on %(date)s. Create a new one.",
                date=token.expires_at.date().isoformat(),
            )
        )
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        raise AuthenticationRequired(Phrase("The account behind this API token is disabled."))
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now
        session.add(token)
    return user


def tokens_of(*, session: Session, user: User) -> list[ApiToken]:
    return list(
        session.exec(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )


def revoke_token(*, session: Session, user: User, token_id: int, now: datetime) -> ApiToken:
    """Revoke one of the user's own tokens; another user's token is 'not found'."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(Phrase("You have no API token with id %(token_id)s.", token_id=token_id))
    if token.revoked_at is None:
        token.revoked_at = now
        session.add(token)
        audit.record(session=session, actor=user, action="token.revoked", subject=token)
    return token
