"""Taking a demo assessment through the real steps (answers, sites and suppliers, evidence
links, submission, review) to the state it should stand in: draft, submitted, under review,
changes requested, approved (which issues a certificate) or rejected."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from compliance.accounts.actor import Actor
from compliance.assessments import service as assessment_service
from compliance.assessments.models import (
    Assessment,
    AssessmentCreate,
    AssessmentStatus,
    Decision,
    EvidenceReview,
)
from compliance.demo import datasets

SUBMITTED_AFTER = timedelta(days=6)
REVIEW_STARTS_AFTER = timedelta(days=8)
DECIDED_AFTER = timedelta(days=14)

ACTIONS = {
    AssessmentStatus.under_review: "start_review",
    AssessmentStatus.approved: "approve",
    AssessmentStatus.rejected: "reject",
    AssessmentStatus.changes_requested: "request_changes",
}
# What the reviewer writes for each decision that needs words.
DECISION_NOTES = {
    AssessmentStatus.approved: "Evidence reviewed against the original documents.",
    AssessmentStatus.rejected: (
        "Not certifiable: no policy commitment on defenders, and no FPIC process at a site "
        "on Indigenous land."
    ),
    AssessmentStatus.changes_requested: "Please document the points commented on below.",
}
CHANGE_COMMENTS = {
    "C6": "Attach the minutes of the consultations at Guanambi II, with names removed.",
    "E4": "Show the reprisal-response protocol's deadlines and who the referrals go to.",
}


@dataclass(frozen=True)
class DemoAssessment:
    """One assessment of a company's history: its answers, the state it ends in, when it
    started (days before now) and the evidence items the reviewer verifies."""

    answers: dict[str, Any]
    target: AssessmentStatus
    days_ago: int
    evidence_site: str
    verified: frozenset[str] = frozenset()

    def decided_at(self, now: datetime) -> datetime:
        return now - timedelta(days=self.days_ago) + DECIDED_AFTER


def take(
    *, session: Session, company: Actor, reviewer: Actor, plan: DemoAssessment, now: datetime
) -> Assessment:
    """Create the assessment and move it to `plan.target`, each step at its own date."""
    started = now - timedelta(days=plan.days_ago)
    assessment = assessment_service.create(
        session=session,
        actor=company,
        assessment_in=AssessmentCreate(questionnaire_key="company"),
        now=started,
    )
    assessment_service.save_answers(
        session=session, actor=company, assessment=assessment, patch=plan.answers, now=started
    )
    datasets.upload(session=session, company=company, assessment=assessment, now=started)
    if plan.target is AssessmentStatus.draft:
        return assessment
    _evidence_missing_items(session, company, assessment, plan.evidence_site, started)
    assessment_service.submit(
        session=session, actor=company, assessment=assessment, now=started + SUBMITTED_AFTER
    )
    if plan.target is AssessmentStatus.submitted:
        return assessment
    _decide(
        session, reviewer, assessment, AssessmentStatus.under_review, started + REVIEW_STARTS_AFTER
    )
    if plan.target is AssessmentStatus.under_review:
        return assessment
    decided = plan.decided_at(now)
    for evidence in assessment_service.evidence_of(session=session, assessment=assessment):
        if evidence.question_id in plan.verified:
            assessment_service.review_evidence(
                session=session,
                actor=reviewer,
                assessment=assessment,
                evidence=evidence,
                review=EvidenceReview.verified,
                note="Checked against the original document.",
                now=decided,
            )
    _decide(session, reviewer, assessment, plan.target, decided)
    return assessment


def _evidence_missing_items(
    session: Session, company: Actor, assessment: Assessment, site: str, now: datetime
) -> None:
    """A supporting document (a link) for every answer that asks for one."""
    *_standing, missing = assessment_service.standing(session=session, assessment=assessment)
    for item in missing:
        assessment_service.attach_link(
            session=session,
            actor=company,
            assessment=assessment,
            url=f"{site}/{item.question_id.lower()}.pdf",
            question_id=item.question_id,
            description=f"Supporting document for {item.question_id}",
            now=now,
        )


def _decide(
    session: Session,
    reviewer: Actor,
    assessment: Assessment,
    target: AssessmentStatus,
    now: datetime,
) -> None:
    action = ACTIONS[target]
    assessment_service.decide(
        session=session,
        actor=reviewer,
        assessment=assessment,
        decision=Decision(
            decision=action,
            note=DECISION_NOTES.get(target),
            comments=CHANGE_COMMENTS if action == "request_changes" else {},
        ),
        now=now,
    )
