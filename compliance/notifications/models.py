"""The outbox: every message the service sends, kept (and readable in the app) whether or not
an SMTP server is configured."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from compliance.db import utc_column


class OutboxMessage(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=64)
    to_address: str = Field(max_length=320)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    subject: str = Field(max_length=300)
    body: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=utc_column(index=True))
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
