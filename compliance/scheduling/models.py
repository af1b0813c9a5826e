"""When each periodic job kind is next due."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from compliance.db import utc_column


class ScheduledRun(SQLModel, table=True):
    __tablename__ = "scheduled_run"

    kind: str = Field(primary_key=True, max_length=64)
    next_run_at: datetime = Field(sa_column=utc_column(nullable=False))
    last_run_at: datetime | None = Field(default=None, sa_column=utc_column())
    last_job_id: str | None = Field(default=None, max_length=32)
