"""Organisations, their users and the users' API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from pydantic import EmailStr
from sqlmodel import Field, SQLModel

from compliance.clock import now
from compliance.db import enum_column, utc_column


class OrganisationKind(StrEnum):
    company = "company"
    financial_institution = "financial_institution"
    ngo = "ngo"
    certifier = "certifier"


class Role(StrEnum):
    member = "member"
    admin = "admin"


class OrganisationBase(SQLModel):
    name: str = Field(min_length=1, max_length=300)
    kind: OrganisationKind = Field(sa_type=enum_column(OrganisationKind))
    country: str | None = Field(default=None, min_length=2, max_length=2)
    sector: str | None = Field(default=None, max_length=64)


class Organisation(OrganisationBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300, sa_column_kwargs={"unique": True})
    aliases: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    lei: str | None = Field(default=None, max_length=20, index=True)
    isins: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    registry_number: str | None = Field(default=None, max_length=64)
    parent_id: int | None = Field(default=None, foreign_key="organisation.id")
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))


class OrganisationPublic(OrganisationBase):
    id: int


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, sa_column_kwargs={"unique": True})
    name: str | None = Field(default=None, max_length=200)
    password_hash: str | None = Field(default=None, max_length=200)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    role: Role = Field(default=Role.member, sa_type=enum_column(Role))
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_column=utc_column())
    session_epoch: int = 0
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))
    language: str | None = Field(default=None, max_length=8)  # chosen web language, or None


class UserPublic(SQLModel):
    id: int
    email: str
    name: str | None
    role: Role
    organisation: OrganisationPublic


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(default="API token", max_length=100)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    prefix: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))
    expires_at: datetime = Field(sa_column=utc_column(nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column())
    last_used_at: datetime | None = Field(default=None, sa_column=utc_column())


class TokenRequest(SQLModel):
    email: EmailStr
    password: str = Field(min_length=1, max_length=1024)
    name: str = Field(default="API token", min_length=1, max_length=100)
    expires_days: int | None = Field(default=None, ge=1, le=3650)


class TokenPublic(SQLModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreated(TokenPublic):
    token: str = Field(description="The secret, shown once: store it now.")
