"""An assessment of one organisation against one questionnaire version, its answers and evidence."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from compliance.clock import now
from compliance.db import enum_column, utc_column
from compliance.outbound import PublicLink
from compliance.phrases import Phrase


class AssessmentStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    under_review = "under_review"
    changes_requested = "changes_requested"
    approved = "approved"
    rejected = "rejected"


# A status as a sentence says it: "Assessment 3 is under review".
STATUS_WORDS: dict[AssessmentStatus, Phrase] = {
    AssessmentStatus.draft: Phrase("draft"),
    AssessmentStatus.submitted: Phrase("submitted"),
    AssessmentStatus.under_review: Phrase("under review"),
    AssessmentStatus.changes_requested: Phrase("changes requested"),
    AssessmentStatus.approved: Phrase("approved"),
    AssessmentStatus.rejected: Phrase("rejected"),
}
EDITABLE = frozenset({AssessmentStatus.draft, AssessmentStatus.changes_requested})
OPEN = frozenset(set(AssessmentStatus) - {AssessmentStatus.approved, AssessmentStatus.rejected})


class EvidenceReview(StrEnum):
    pending = "pending"
    verified = "verified"
    rejected = "rejected"


class Assessment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    questionnaire_key: str = Field(max_length=64)
    questionnaire_version: int
    status: AssessmentStatus = Field(
        default=AssessmentStatus.draft, sa_type=enum_column(AssessmentStatus)
    )
    high_risk_context: bool = False
    review_comments: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
    decision_note: str | None = Field(default=None, max_length=4000)
    import_report_sha256: str | None = Field(default=None, max_length=64)
    import_job_id: str | None = Field(default=None, max_length=32)  # the last workbook import
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))
    submitted_at: datetime | None = Field(default=None, sa_column=utc_column())
    decided_at: datetime | None = Field(default=None, sa_column=utc_column())


class Answer(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("assessment_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    question_id: str = Field(max_length=32)
    value: Any = Field(sa_type=sa.JSON)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))


class Evidence(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    question_id: str | None = Field(default=None, max_length=32)
    kind: str = Field(max_length=8)  # "file" or "link"
    description: str | None = Field(default=None, max_length=1000)
    filename: str | None = Field(default=None, max_length=255)
    content_type: str | None = Field(default=None, max_length=120)
    size_bytes: int | None = None
    sha256: str | None = Field(default=None, max_length=64)
    url: str | None = Field(default=None, max_length=2000)
    review: EvidenceReview = Field(
        default=EvidenceReview.pending, sa_type=enum_column(EvidenceReview)
    )
    review_note: str | None = Field(default=None, max_length=2000)
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=now, sa_column=utc_column(nullable=False))

    @property
    def ref(self) -> str:
        """How answers and workbooks refer to this item."""
        return f"EV{self.id}"


class AssessmentCreate(BaseModel):
    questionnaire_key: str = PydanticField(min_length=1, max_length=64, examples=["company"])
    questionnaire_version: int | None = PydanticField(default=None, ge=1, le=10_000)


class AnswersPatch(BaseModel):
    """A partial save: each key a question id; null or '' clears that answer."""

    answers: dict[str, Any] = PydanticField(max_length=500)


class EvidenceLink(BaseModel):
    url: PublicLink
    question_id: str | None = PydanticField(default=None, max_length=32)
    description: str | None = PydanticField(default=None, max_length=1000)


class EvidencePublic(BaseModel):
    id: int
    ref: str
    question_id: str | None
    kind: str
    description: str | None
    filename: str | None
    content_type: str | None
    size_bytes: int | None
    sha256: str | None
    url: str | None
    review: EvidenceReview
    review_note: str | None
    created_at: datetime


class SectionProgressPublic(BaseModel):
    section_id: str
    required_answered: int
    required_total: int
    answered: int
    visible: int


class MissingPublic(BaseModel):
    question_id: str
    section_id: str
    kind: str
    message: str


class AssessmentPublic(BaseModel):
    id: int
    organisation_id: int
    questionnaire_key: str
    questionnaire_version: int
    status: AssessmentStatus
    high_risk_context: bool
    answers: dict[str, Any]
    evidence: list[EvidencePublic]
    progress_percent: int
    sections: list[SectionProgressPublic]
    missing: list[MissingPublic]
    review_comments: dict[str, str]
    decision_note: str | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None


class AnswersSaved(AssessmentPublic):
    cleared: list[str] = PydanticField(
        description="Answers removed because a new answer hid their question."
    )


class Decision(BaseModel):
    decision: Literal["start_review", "request_changes", "approve", "reject"]
    note: str | None = PydanticField(default=None, max_length=4000)
    comments: dict[str, str] = PydanticField(
        default_factory=dict,
        max_length=500,
        description="Comments per question id, shown to the company when changes are requested.",
    )
