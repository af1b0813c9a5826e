"""Issued certificates for the demo world: two companies taken through the whole flow (answers,
evidence links, submission, evidence review, approval), so a newcomer finds them in the register
and can verify one. Organisations that already have an assessment are left alone, so seeding
again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation, User
from compliance.assessments import service as assessment_service
from compliance.assessments.models import (
    Assessment,
    AssessmentCreate,
    Decision,
    EvidenceReview,
)
from compliance.certificates import service as certificate_service

REVIEWER_LOGIN = "reviewer@hrdsentinel.example"

STRONG_ANSWERS: dict[str, Any] = {
    "A1": "yes",
    "A2": [
        "own_operations",
        "joint_ventures",
        "contractors",
        "suppliers_tier1",
        "security_providers",
    ],
    "A3": "yes",
    "A4": "yes",
    "A5": "yes",
    "A6": "board_committee",
    "A7": "yes",
    "A8": "yes",
    "A9": "2025-09-30",
    "A10": "partly",
    "A11": "yes",
    "B1": "yes",
    "B2": 2,
    "B3": "yes",
    "B4": ["land_environmental", "indigenous", "women", "trade_unionists", "communities"],
    "B5": "yes",
    "B6": "yes",
    "B7": "partly",
    "B8": "partly_beyond_tier1",
    "B9": "yes",
    "B10": (
        "Risk mapping workshops are run by an independent facilitator chosen with the community "
        "councils; notes record roles, never names, and are kept off the company network."
    ),
    "C1": "yes",
    "C2": "yes",
    "C3": "yes",
    "C4": 1,
    "C5": "yes",
    "C6": "yes",
    "C7": "partly",
    "C8": "yes",
    "C9": "public_and_private",
    "C10": "yes",
    "C11": "yes",
    "D1": ["in_house", "private_contractors", "public_forces"],
    "D2": "yes",
    "D3": "yes",
    "D4": "partly",
    "D5": "yes",
    "D6": "yes",
    "D7": 3,
    "D8": "yes",
    "E1": "yes",
    "E2": ["legitimate", "accessible", "predictable", "equitable", "transparent"],
    "E3": "yes",
    "E4": "yes",
    "E5": 24,
    "E6": "yes",
    "E7": "partly",
    "E8": "yes",
    "E9": "yes",
    "E10": "partly",
    "E11": "none",
    "F1": "yes",
    "F2": "https://andescobre.example/reports/defenders-2025.pdf",
    "F3": 2,
    "F4": 3,
    "F5": 50,
    "F6": "partly",
    "F7": "no",
    "F9": (
        "Moved the grievance desk out of the mine's security perimeter and added a women-only "
        "channel after feedback from the Chumbivilcas community councils."
    ),
}

DEVELOPING_ANSWERS: dict[str, Any] = {
    **{
        question: answer
        for question, answer in STRONG_ANSWERS.items()
        # no Indigenous land (C2), no public forces (D1), no incident (F3): not asked
        if question not in ("C3", "C4", "C5", "D4", "F4", "F5")
    },
    "A2": ["own_operations", "contractors"],
    "A4": "partly",
    "A5": "partly",
    "A6": "executive_member",
    "A7": "no",
    "A10": "no",
    "A11": "no",
    "B3": "partly",
    "B4": ["land_environmental", "communities"],
    "B5": "no",
    "B6": "partly",
    "B7": "no",
    "B8": "tier1_only",
    "B10": (
        "Community liaison officers gather concerns at monthly open meetings in Caetité and "
        "Guanambi; no individual is recorded by name."
    ),
    "C2": "no",
    "C6": "partly",
    "C7": "no",
    "C9": "no_case",
    "C11": "partly",
    "D1": ["private_contractors"],
    "D3": "yes",
    "D7": 0,
    "E2": ["accessible", "transparent"],
    "E3": "partly",
    "E4": "partly",
    "E5": 72,
    "E7": "no",
    "E8": "partly",
    "E10": "no",
    "F2": "https://ventosdosertao.example/relatorio-sustentabilidade-2025.pdf",
    "F3": 0,
    "F6": "no",
    "F9": (
        "Published the wind farm's grievance statistics in Portuguese for the first time and "
        "started quarterly meetings with the rural workers' union."
    ),
}


@dataclass(frozen=True)
class DemoCertificate:
    organisation: str
    login: str
    answers: dict[str, Any]
    evidence_site: str
    verified: frozenset[str]


CERTIFICATES: tuple[DemoCertificate, ...] = (
    DemoCertificate(
        "Minera Andes Cobre S.A.C.",
        "legal@andescobre.example",
        STRONG_ANSWERS,
        "https://andescobre.example/evidence",
        frozenset({"A1", "A3", "A4", "A6", "C3", "D2", "E1", "E4"}),
    ),
    DemoCertificate(
        "Ventos do Sertão Energia S.A.",
        "social@ventosdosertao.example",
        DEVELOPING_ANSWERS,
        "https://ventosdosertao.example/evidencias",
        frozenset({"A1", "E1"}),
    ),
)


def _actor(session: Session, email: str) -> Actor | None:
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        return None
    return Actor(user=user, organisation=session.get(Organisation, user.organisation_id))


def seed_certificates(*, session: Session, now: datetime) -> list[str]:
    """Take each demo company without an assessment through to an issued certificate; return
    the ids issued this time."""
    reviewer = _actor(session, REVIEWER_LOGIN)
    issued = []
    for spec in CERTIFICATES:
        company = _actor(session, spec.login)
        if reviewer is None or company is None:
            continue
        started = session.exec(
            select(Assessment.id).where(Assessment.organisation_id == company.organisation_id)
        ).first()
        if started is not None:
            continue
        issued.append(
            _certify(session=session, company=company, reviewer=reviewer, spec=spec, now=now)
        )
    return issued


def _certify(
    *, session: Session, company: Actor, reviewer: Actor, spec: DemoCertificate, now: datetime
) -> str:
    assessment = assessment_service.create(
        session=session,
        actor=company,
        assessment_in=AssessmentCreate(questionnaire_key="company"),
        now=now,
    )
    assessment_service.save_answers(
        session=session, actor=company, assessment=assessment, patch=spec.answers, now=now
    )
    _answers, _evidence, _progress, missing = assessment_service.standing(
        session=session, assessment=assessment
    )
    for item in missing:
        assessment_service.attach_link(
            session=session,
            actor=company,
            assessment=assessment,
            url=f"{spec.evidence_site}/{item.question_id.lower()}.pdf",
            question_id=item.question_id,
            description=f"Supporting document for {item.question_id}",
            now=now,
        )
    assessment_service.submit(session=session, actor=company, assessment=assessment, now=now)
    assessment_service.decide(
        session=session,
        actor=reviewer,
        assessment=assessment,
        decision=Decision(decision="start_review"),
        now=now,
    )
    for evidence in assessment_service.evidence_of(session=session, assessment=assessment):
        if evidence.question_id in spec.verified:
            assessment_service.review_evidence(
                session=session,
                actor=reviewer,
                assessment=assessment,
                evidence=evidence,
                review=EvidenceReview.verified,
                note="Checked against the original document.",
                now=now,
            )
    assessment_service.decide(
        session=session,
        actor=reviewer,
        assessment=assessment,
        decision=Decision(decision="approve", note="Evidence reviewed; demo world."),
        now=now,
    )
    certificate = certificate_service.for_assessment(session=session, assessment_id=assessment.id)
    return certificate.cert_id
