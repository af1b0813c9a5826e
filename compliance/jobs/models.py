"""The record of one long-running job: what it is, how far it got, what it produced."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from compliance.clock import now
from compliance.db import enum_column, utc_column
from compliance.phrases import worded_tree


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class Job(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=32)
    kind: str = Field(max_length=64, index=True)
    status: JobStatus = Field(default=JobStatus.queued, sa_type=enum_column(JobStatus), index=True)
    progress: int = 0
    params: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    result: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    # The result's phrases kept as their terms (phrases.tree_terms), for pages to word them in
    # their language; the API answers with `result`, in English.
    result_terms: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    error: str | None = Field(default=None, max_length=2000)
    attempts: int = 0
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))
    started_at: datetime | None = Field(default=None, sa_column=utc_column())
    finished_at: datetime | None = Field(default=None, sa_column=utc_column())

    def worded_result(self) -> dict[str, Any]:
        """The result with its phrases, for a page (empty while there is none)."""
        return worded_tree(self.result, self.result_terms) or {}


class JobPublic(SQLModel):
    id: str
    kind: str
    status: JobStatus
    progress: int = Field(ge=0, le=100)
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
