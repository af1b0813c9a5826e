"""Each demo company's history of assessments, and what became of its certificates: the
register then holds every tier (conditional, certified, leading) and every status (active,
suspended, revoked, expired, superseded). A company that has an assessment already is left
alone, so seeding again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from compliance.accounts.actor import Actor
from compliance.assessments.models import Assessment
from compliance.assessments.models import AssessmentStatus as State
from compliance.certificates import service as certificate_service
from compliance.certificates import status
from compliance.demo import answers
from compliance.demo.assessments import DemoAssessment, take
from compliance.demo.organisations import REVIEWER_LOGIN, actor, login_of

ALL_EVIDENCE = frozenset(answers.STRONG_ANSWERS)
SOME_EVIDENCE = frozenset({"A1", "A3", "A4", "A6", "C3", "D2", "E1", "E4"})

HISTORIES: dict[str, tuple[DemoAssessment, ...]] = {
    # certified a year ago and expired; re-assessed with every document verified: leading
    "Minera Andes Cobre S.A.C.": (
        DemoAssessment(
            answers.STRONG_ANSWERS, State.approved, 420, answers.ANDES_SITE, SOME_EVIDENCE
        ),
        DemoAssessment(
            answers.STRONG_ANSWERS, State.approved, 40, answers.ANDES_SITE, ALL_EVIDENCE
        ),
    ),
    # conditional; its re-assessment came back with changes requested
    "Ventos do Sertão Energia S.A.": (
        DemoAssessment(
            answers.DEVELOPING_ANSWERS,
            State.approved,
            200,
            answers.VENTOS_SITE,
            frozenset({"A1", "E1"}),
        ),
        DemoAssessment(
            answers.DEVELOPING_ANSWERS, State.changes_requested, 30, answers.VENTOS_SITE
        ),
    ),
    # certified twice (the first superseded), the second suspended; a third started
    "Palmas del Norte Agroindustrial S.A.": (
        DemoAssessment(
            answers.PALMAS_ANSWERS, State.approved, 330, answers.PALMAS_SITE, SOME_EVIDENCE
        ),
        DemoAssessment(
            answers.PALMAS_ANSWERS, State.approved, 120, answers.PALMAS_SITE, SOME_EVIDENCE
        ),
        DemoAssessment(answers.DRAFT_ANSWERS, State.draft, 5, answers.PALMAS_SITE),
    ),
    # conditional, then revoked; the new assessment waits in the reviewers' queue
    "Hidroeléctrica Río Claro S.A. de C.V.": (
        DemoAssessment(
            answers.DEVELOPING_ANSWERS,
            State.approved,
            260,
            answers.RIO_CLARO_SITE,
            frozenset({"A1", "E1"}),
        ),
        DemoAssessment(answers.WEAK_ANSWERS, State.submitted, 12, answers.RIO_CLARO_SITE),
    ),
    # rejected once; the second attempt is under review
    "PT Nusantara Nikel Tbk": (
        DemoAssessment(answers.WEAK_ANSWERS, State.rejected, 150, answers.NUSANTARA_SITE),
        DemoAssessment(answers.DEVELOPING_ANSWERS, State.under_review, 25, answers.NUSANTARA_SITE),
    ),
}


@dataclass(frozen=True)
class StatusChange:
    organisation: str
    action: str
    days_ago: int
    reason: str


STATUS_CHANGES: tuple[StatusChange, ...] = (
    StatusChange(
        "Palmas del Norte Agroindustrial S.A.",
        "suspend",
        20,
        "Suspended while the reviewers investigate reported intimidation of Q'eqchi' community "
        "members opposing the Río Pasión plantation.",
    ),
    StatusChange(
        "Hidroeléctrica Río Claro S.A. de C.V.",
        "revoke",
        45,
        "Revoked: the company did not respond to confirmed threats against Lenca defenders "
        "opposing the Río Claro dam, and construction went ahead without consent.",
    ),
)


def seed_histories(*, session: Session, now: datetime) -> None:
    """Take each company without an assessment through its history, and its certificates
    through their status changes."""
    reviewer = actor(session, REVIEWER_LOGIN)
    done = [
        name for name in HISTORIES if not _has_assessment(session, actor(session, login_of(name)))
    ]
    # oldest first, across companies, so certificate numbers and log entries follow the dates
    events: list[tuple[int, str, DemoAssessment | StatusChange]] = [
        (plan.days_ago, name, plan) for name in done for plan in HISTORIES[name]
    ]
    events += [(c.days_ago, c.organisation, c) for c in STATUS_CHANGES if c.organisation in done]
    for _days_ago, name, event in sorted(events, key=lambda e: -e[0]):
        company = actor(session, login_of(name))
        if isinstance(event, StatusChange):
            _change_status(session, reviewer, company, event, now)
            continue
        # the daily expiry job, as it would have run before this assessment's decision
        status.expire_due(session=session, now=event.decided_at(now))
        take(session=session, company=company, reviewer=reviewer, plan=event, now=now)
    status.expire_due(session=session, now=now)


def _has_assessment(session: Session, company: Actor) -> bool:
    return (
        session.exec(
            select(Assessment.id).where(Assessment.organisation_id == company.organisation_id)
        ).first()
        is not None
    )


def _change_status(
    session: Session, reviewer: Actor, company: Actor, change: StatusChange, now: datetime
) -> None:
    current = certificate_service.for_organisation(
        session=session, organisation_id=company.organisation_id
    )[0]
    status.change_status(
        session=session,
        actor=reviewer,
        certificate=current,
        action=change.action,
        reason=change.reason,
        now=now - timedelta(days=change.days_ago),
    )
