"""Stored supplier and site datasets: every upload, the versions accepted, and their rows.

An accepted upload becomes a new `DatasetVersion` (numbered 1, 2, ... per assessment and kind)
with its clean rows in `DatasetRow`; a refused upload is kept as a `DatasetUpload` with its
problems and the fix-it workbook, and never touches the current version.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from compliance.clock import now
from compliance.datasets.kinds import DatasetKind
from compliance.datasets.records import DatasetSummary
from compliance.db import enum_column, utc_column
from compliance.phrases import Worded


class UploadStatus(StrEnum):
    queued = "queued"  # waiting for its validation job
    stored = "stored"  # became a new version
    invalid = "invalid"  # some rows are wrong: problems and a fix-it workbook
    refused = "refused"  # the file as a whole could not be used


FINISHED = frozenset({UploadStatus.stored, UploadStatus.invalid, UploadStatus.refused})


class DatasetVersion(SQLModel, table=True):
    __tablename__ = "dataset_version"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "kind", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    kind: DatasetKind = Field(sa_type=enum_column(DatasetKind))
    version: int
    row_count: int
    summary: dict[str, Any] = Field(sa_type=sa.JSON)
    diff: dict[str, Any] = Field(sa_type=sa.JSON)
    file_sha256: str = Field(max_length=64)
    filename: str = Field(max_length=255)
    file_format: str = Field(max_length=8)
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))


class DatasetRow(SQLModel, table=True):
    """One clean row of a version, in file order (`position` 1, 2, ...)."""

    __tablename__ = "dataset_row"
    __table_args__ = (sa.UniqueConstraint("version_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="dataset_version.id")
    position: int
    data: dict[str, Any] = Field(sa_type=sa.JSON)


class DatasetUpload(SQLModel, table=True):
    """One upload and what became of it; large files wait here for their validation job."""

    __tablename__ = "dataset_upload"

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    kind: DatasetKind = Field(sa_type=enum_column(DatasetKind))
    status: UploadStatus = Field(default=UploadStatus.queued, sa_type=enum_column(UploadStatus))
    filename: str = Field(max_length=255)
    size_bytes: int
    file_sha256: str = Field(max_length=64)
    job_id: str | None = Field(default=None, max_length=32)
    version_id: int | None = Field(default=None, foreign_key="dataset_version.id")
    # DatasetProblem dumps; a problem or fix that is a Phrase is kept as `Phrase.as_json()`
    problems: list[dict[str, Any]] | None = Field(default=None, sa_type=sa.JSON)
    problem_total: int = 0
    problem_rows: int = 0
    report_sha256: str | None = Field(default=None, max_length=64)
    detail: str | None = Field(default=None, max_length=2000)
    detail_terms: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)  # phrases.terms_of
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=utc_column())


class RowRefPublic(BaseModel):
    key: str
    name: str
    country: str | None


class FieldChangePublic(BaseModel):
    field: str
    before: Any
    after: Any


class RowChangePublic(RowRefPublic):
    changes: list[FieldChangePublic]


class DiffDetails(BaseModel):
    added: list[RowRefPublic]
    removed: list[RowRefPublic]
    modified: list[RowChangePublic]


class DiffPublic(BaseModel):
    """What changed from the previous version; `details` lists at most a few hundred rows of
    each kind (`details_truncated` says when more changed)."""

    added: int
    removed: int
    modified: int
    unchanged: int
    details: DiffDetails
    details_truncated: bool


class DatasetVersionPublic(BaseModel):
    assessment_id: int
    kind: DatasetKind
    version: int
    row_count: int
    summary: DatasetSummary
    diff: DiffPublic
    filename: str
    file_format: str
    file_sha256: str
    created_at: datetime
    rows_url: str


class DatasetProblemPublic(BaseModel):
    sheet: str
    row: int
    column: str
    cell: str
    value: str
    problem: Worded
    fix: Worded


class DatasetUploadPublic(BaseModel):
    """An upload that is waiting for its check, or the last one refused."""

    id: int
    kind: DatasetKind
    status: UploadStatus
    filename: str
    size_bytes: int
    file_sha256: str
    job_id: str | None
    problem_total: int
    problem_rows: int
    detail: Worded | None
    report_url: str | None
    created_at: datetime
    finished_at: datetime | None


class DatasetState(BaseModel):
    """A dataset kind of one assessment: the current version, the last refusal, pending checks."""

    assessment_id: int
    kind: DatasetKind
    current: DatasetVersionPublic | None
    last_refused: DatasetUploadPublic | None = PydanticField(
        description="The last finished upload when it was refused (newer than `current`)."
    )
    pending: list[DatasetUploadPublic]


class DatasetQueued(BaseModel):
    upload_id: int
    job_id: str
    status_url: str


class DatasetRowPublic(BaseModel):
    position: int
    data: dict[str, Any]


class DatasetProblemPage(BaseModel):
    """The problems of the last refused upload, a page at a time (the fix-it workbook marks the
    same cells)."""

    upload_id: int | None
    total: int = PydanticField(description="Problems found (only the first ones are kept).")
    items: list[DatasetProblemPublic]
    next_cursor: str | None


class DatasetRowPage(BaseModel):
    version: int | None
    items: list[DatasetRowPublic]
    next_cursor: str | None
