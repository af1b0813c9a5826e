"""Challenges: filing, the company's response, reviewers' decisions and the deadline job.

Who filed is written once, to `ChallengeFiler`, and read only by `view(full=True)` (reviewers
and the filer's organisation) and to address the filer's own notices. Everything the company,
the public log, the audit trail and shared notices receive is built from the case alone.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation, User
from compliance.audit import service as audit
from compliance.certificates import status as certificate_status
from compliance.certificates.issuer import Issuer
from compliance.certificates.models import Certificate, CertificateStatus
from compliance.challenges import deadlines
from compliance.challenges.deadlines import Clocks, DeadlinePolicy
from compliance.challenges.models import (
    ADMITTED,
    Challenge,
    ChallengeCreate,
    ChallengeDecisionIn,
    ChallengeFiler,
    ChallengeFull,
    ChallengePublic,
    ChallengeResponseIn,
    ChallengeState,
    FilerPublic,
    Outcome,
    TrackerEntry,
)
from compliance.credentials.timestamps import to_datetime_stamp as stamp
from compliance.errors import Conflict, NotFound
from compliance.notifications import service as outbox
from compliance.transparency import service as log_service
from compliance.transparency.models import LogEntryKind

CHALLENGEABLE = frozenset({CertificateStatus.active, CertificateStatus.suspended})
# decision action -> (states it applies to, state it leads to)
DECISIONS: dict[str, tuple[frozenset[ChallengeState], ChallengeState]] = {
    "acknowledge": (frozenset({ChallengeState.filed}), ChallengeState.awaiting_response),
    "inadmissible": (frozenset({ChallengeState.filed}), ChallengeState.inadmissible),
    "start_review": (
        frozenset({ChallengeState.awaiting_response}),
        ChallengeState.under_review,
    ),
    "dismiss": (frozenset({ChallengeState.under_review}), ChallengeState.dismissed),
    "uphold": (frozenset({ChallengeState.under_review}), ChallengeState.upheld),
}
CERTIFICATE_ACTIONS = {Outcome.suspension: "suspend", Outcome.revocation: "revoke"}


class ChallengeRefused(Conflict):
    """The challenge is not in a state the step applies to."""


def _clocks(challenge: Challenge) -> Clocks:
    return Clocks(
        state=challenge.state.value,
        acknowledge_by=challenge.acknowledge_by,
        respond_by=challenge.respond_by,
        decide_by=challenge.decide_by,
    )


def get(*, session: Session, case_number: str) -> Challenge:
    challenge = session.exec(select(Challenge).where(Challenge.case_number == case_number)).first()
    if challenge is None:
        raise NotFound(f"There is no challenge {case_number} that you can see.")
    return challenge


def filer_of(*, session: Session, challenge: Challenge) -> ChallengeFiler:
    return session.get(ChallengeFiler, challenge.id)


def sees_filer(*, session: Session, actor: Actor | None, challenge: Challenge) -> bool:
    """Reviewers and the filer's own organisation see who filed; nobody else does."""
    if actor is None:
        return False
    if actor.is_reviewer:
        return True
    filer = filer_of(session=session, challenge=challenge)
    return filer.organisation_id is not None and filer.organisation_id == actor.organisation_id


def visible(*, session: Session, actor: Actor | None, case_number: str) -> tuple[Challenge, bool]:
    """The challenge and whether `actor` may see who filed it; NotFound for anyone else than
    reviewers, the filer's organisation and the challenged organisation."""
    challenge = get(session=session, case_number=case_number)
    if sees_filer(session=session, actor=actor, challenge=challenge):
        return challenge, True
    if actor is not None and actor.organisation_id == challenge.organisation_id:
        return challenge, False
    raise NotFound(f"There is no challenge {case_number} that you can see.")


def _cert_id(session: Session, challenge: Challenge) -> str:
    return session.get(Certificate, challenge.certificate_id).cert_id


def tracker_entry(*, session: Session, challenge: Challenge, now: datetime) -> TrackerEntry:
    return TrackerEntry(
        case_number=challenge.case_number,
        cert_id=_cert_id(session, challenge),
        claims=challenge.claims,
        state=challenge.state,
        filed_at=challenge.filed_at,
        acknowledge_by=challenge.acknowledge_by,
        acknowledged_at=challenge.acknowledged_at,
        respond_by=challenge.respond_by,
        responded_at=challenge.responded_at,
        no_response=challenge.no_response,
        decide_by=challenge.decide_by,
        decided_at=challenge.decided_at,
        outcome=challenge.outcome,
        overdue=deadlines.overdue(_clocks(challenge), now),
    )


def view(*, session: Session, challenge: Challenge, full: bool, now: datetime) -> ChallengeFull:
    """The case as the company sees it, or with who filed it (`full`, for reviewers and the
    filer's organisation only)."""
    case = ChallengePublic(
        **tracker_entry(session=session, challenge=challenge, now=now).model_dump(),
        grounds=challenge.grounds,
        evidence_links=challenge.evidence_links,
        incident_refs=challenge.incident_refs,
        company_response=challenge.company_response,
        company_evidence_links=challenge.company_evidence_links,
        decision_reasons=challenge.decision_reasons,
        conditions=challenge.conditions,
        conditions_deadline=challenge.conditions_deadline,
    )
    if not full:
        return ChallengeFull(**case.model_dump())
    filer = filer_of(session=session, challenge=challenge)
    organisation = (
        session.get(Organisation, filer.organisation_id) if filer.organisation_id else None
    )
    user = session.get(User, filer.user_id) if filer.user_id else None
    return ChallengeFull(
        **case.model_dump(),
        filed_by=FilerPublic(
            organisation_name=organisation.name if organisation else None,
            user_email=user.email if user else None,
            contact_email=filer.contact_email,
        ),
    )


def for_certificate(*, session: Session, certificate_id: int) -> list[Challenge]:
    return list(
        session.exec(
            select(Challenge)
            .where(Challenge.certificate_id == certificate_id)
            .order_by(Challenge.filed_at.desc(), Challenge.id.desc())
        ).all()
    )


def open_cases(*, session: Session) -> list[Challenge]:
    """Every challenge still moving, oldest first: the reviewers' triage list."""
    return list(
        session.exec(
            select(Challenge)
            .where(Challenge.state.in_([ChallengeState.filed, *ADMITTED]))
            .order_by(Challenge.filed_at, Challenge.id)
        ).all()
    )


def filed_by_organisation(*, session: Session, organisation_id: int) -> list[Challenge]:
    return list(
        session.exec(
            select(Challenge)
            .join(ChallengeFiler, ChallengeFiler.challenge_id == Challenge.id)
            .where(ChallengeFiler.organisation_id == organisation_id)
            .order_by(Challenge.filed_at.desc(), Challenge.id.desc())
        ).all()
    )


def against_organisation(*, session: Session, organisation_id: int) -> list[Challenge]:
    return list(
        session.exec(
            select(Challenge)
            .where(Challenge.organisation_id == organisation_id)
            .order_by(Challenge.filed_at.desc(), Challenge.id.desc())
        ).all()
    )


def is_under_challenge(*, session: Session, certificate_id: int) -> bool:
    """An admitted challenge (acknowledged, not yet decided) stands against the certificate."""
    found = session.execute(
        sa.select(Challenge.id)
        .where(Challenge.certificate_id == certificate_id, Challenge.state.in_(ADMITTED))
        .limit(1)
    ).first()
    return found is not None


def _log(session: Session, kind: str, challenge: Challenge, step: str, now: datetime) -> None:
    """The public, redacted record of a step: case, certificate, step, dates, outcome."""
    payload = {
        "case_number": challenge.case_number,
        "cert_id": _cert_id(session, challenge),
        "step": step,
        "state": challenge.state.value,
        "at": stamp(now),
        "no_response": challenge.no_response,
        "outcome": challenge.outcome.value if challenge.outcome else None,
    }
    log_service.append(session=session, kind=kind, payload=payload, now=now)


def _audit(session: Session, actor: Actor | None, step: str, challenge: Challenge, now) -> None:
    audit.record(
        session=session,
        actor=actor,
        action=f"challenge.{step}",
        subject=challenge,
        details={"case_number": challenge.case_number, "state": challenge.state.value},
        now=now,
    )


def _notify(
    session: Session,
    challenge: Challenge,
    kind: str,
    subject: str,
    body: str,
    now: datetime,
    *,
    to_company: bool = True,
) -> None:
    """The same redacted text to the filer, the reviewers and (once the case is admitted) the
    company's users."""
    filer = filer_of(session=session, challenge=challenge)
    recipients: list[outbox.Recipient] = []
    if filer.contact_email:
        recipients.append(outbox.Recipient(filer.contact_email))
    if filer.user_id is not None:
        user = session.get(User, filer.user_id)
        if user is not None and user.active:
            recipients.append(outbox.Recipient(user.email, user.id))
    if to_company:
        recipients += outbox.users_of(session=session, organisation_id=challenge.organisation_id)
    recipients += outbox.reviewers(session=session)
    cert_id = _cert_id(session, challenge)
    text = (
        f"{body}\n\nCase {challenge.case_number} against certificate {cert_id}.\n"
        f"The public tracker: /certificates/{cert_id}/challenges\n"
    )
    outbox.queue(
        session=session,
        kind=kind,
        recipients=recipients,
        subject=f"[{challenge.case_number}] {subject}",
        body=text,
        now=now,
    )


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else "-"


def file(
    *,
    session: Session,
    actor: Actor | None,
    certificate: Certificate,
    challenge_in: ChallengeCreate,
    rules: DeadlinePolicy,
    now: datetime,
) -> Challenge:
    """File a challenge (an NGO member, or anyone anonymously with an optional contact)."""
    if certificate.status not in CHALLENGEABLE:
        raise ChallengeRefused(
            f"Certificate {certificate.cert_id} is {certificate.status.value}; only active or "
            "suspended certificates can be challenged."
        )
    challenge = Challenge(
        case_number=f"CH-{now.year}-{secrets.token_hex(4).upper()}",
        certificate_id=certificate.id,
        organisation_id=certificate.organisation_id,
        claims=[c.model_dump() for c in challenge_in.claims],
        grounds=challenge_in.grounds.strip(),
        evidence_links=[str(link) for link in challenge_in.evidence_links],
        incident_refs=[ref.strip() for ref in challenge_in.incident_refs if ref.strip()],
        state=ChallengeState.filed,
        filed_at=now,
        acknowledge_by=rules.acknowledge_by(now),
    )
    session.add(challenge)
    session.flush()
    session.add(
        ChallengeFiler(
            challenge_id=challenge.id,
            organisation_id=actor.organisation_id if actor else None,
            user_id=actor.id if actor else None,
            contact_email=None if actor else (challenge_in.contact_email or None),
        )
    )
    _audit(session, actor, "filed", challenge, now)
    _notify(
        session,
        challenge,
        "challenge.filed",
        "A challenge was filed",
        f"A challenge was filed. Reviewers acknowledge it by {_day(challenge.acknowledge_by)}.",
        now,
        to_company=False,
    )
    _log(session, LogEntryKind.challenge_filed, challenge, "filed", now)
    return challenge


def respond(
    *,
    session: Session,
    actor: Actor,
    challenge: Challenge,
    response_in: ChallengeResponseIn,
    rules: DeadlinePolicy,
    now: datetime,
) -> Challenge:
    """The company's answer, within its window; the case then goes to review."""
    if challenge.state != ChallengeState.awaiting_response:
        raise ChallengeRefused(
            f"Challenge {challenge.case_number} is {challenge.state.value}; a response is "
            "accepted only while it is awaiting_response."
        )
    if challenge.respond_by is not None and now >= challenge.respond_by:
        raise ChallengeRefused(
            f"The response window of challenge {challenge.case_number} closed on "
            f"{_day(challenge.respond_by)}; the reviewers decide without a response."
        )
    challenge.company_response = response_in.response.strip()
    challenge.company_evidence_links = [str(link) for link in response_in.evidence_links]
    challenge.responded_at = now
    challenge.state = ChallengeState.under_review
    challenge.decide_by = rules.decide_by(now)
    session.add(challenge)
    _audit(session, actor, "answered", challenge, now)
    _notify(
        session,
        challenge,
        "challenge.answered",
        "The company responded",
        f"The company responded. Reviewers decide by {_day(challenge.decide_by)}.",
        now,
    )
    _log(session, LogEntryKind.challenge_answered, challenge, "answered", now)
    return challenge


def _record_no_response(
    session: Session, actor: Actor | None, challenge: Challenge, rules: DeadlinePolicy, now
) -> None:
    challenge.no_response = True
    challenge.state = ChallengeState.under_review
    challenge.decide_by = rules.decide_by(challenge.respond_by or now)
    session.add(challenge)
    _audit(session, actor, "no_response", challenge, now)
    _notify(
        session,
        challenge,
        "challenge.response_missed",
        "No response: the challenge goes to review",
        f"The company did not respond by {_day(challenge.respond_by)}. Reviewers decide by "
        f"{_day(challenge.decide_by)}.",
        now,
    )
    _log(session, LogEntryKind.challenge_answered, challenge, "no_response", now)


def decide(
    *,
    session: Session,
    actor: Actor,
    challenge: Challenge,
    decision: ChallengeDecisionIn,
    rules: DeadlinePolicy,
    issuer: Issuer,
    now: datetime,
) -> Challenge:
    """A reviewer's step; an upheld suspension or revocation is carried out on the certificate."""
    allowed_from, target = DECISIONS[decision.action]
    if challenge.state not in allowed_from:
        raise ChallengeRefused(
            f"Challenge {challenge.case_number} is {challenge.state.value}; '{decision.action}' "
            f"applies only to {' or '.join(sorted(s.value for s in allowed_from))} challenges."
        )
    if decision.action == "start_review":
        if challenge.respond_by is not None and now < challenge.respond_by:
            raise ChallengeRefused(
                f"The company may respond until {_day(challenge.respond_by)}; start the review "
                "after that, or when it responds."
            )
        _record_no_response(session, actor, challenge, rules, now)
        return challenge
    challenge.state = target
    if decision.action == "acknowledge":
        challenge.acknowledged_at = now
        challenge.respond_by = rules.respond_by(now)
        _audit(session, actor, "acknowledged", challenge, now)
        _notify(
            session,
            challenge,
            "challenge.acknowledged",
            "Challenge acknowledged: the company may respond",
            "The challenge was acknowledged and the certificate is under challenge. The "
            f"company may respond until {_day(challenge.respond_by)}.",
            now,
        )
        _log(session, LogEntryKind.challenge_acknowledged, challenge, "acknowledged", now)
        return challenge
    challenge.decided_at = now
    challenge.decision_reasons = (decision.reasons or "").strip()
    if decision.action == "uphold":
        challenge.outcome = decision.outcome
        challenge.conditions = decision.conditions
        challenge.conditions_deadline = decision.conditions_deadline
        certificate_action = CERTIFICATE_ACTIONS.get(decision.outcome)
        if certificate_action is not None:
            certificate_status.change_status(
                session=session,
                actor=actor,
                certificate=session.get(Certificate, challenge.certificate_id),
                action=certificate_action,
                reason=f"Challenge {challenge.case_number} upheld: {challenge.decision_reasons}",
                issuer=issuer,
                now=now,
            )
    session.add(challenge)
    step = "inadmissible" if decision.action == "inadmissible" else target.value
    _audit(session, actor, step, challenge, now)
    outcome = f" Outcome: {challenge.outcome.value}." if challenge.outcome else ""
    _notify(
        session,
        challenge,
        "challenge.decided",
        f"Challenge {step}",
        f"The reviewers decided: {step}.{outcome}\nReasons: {challenge.decision_reasons}",
        now,
    )
    kind = (
        LogEntryKind.challenge_acknowledged
        if decision.action == "inadmissible"
        else LogEntryKind.challenge_decided
    )
    _log(session, kind, challenge, step, now)
    return challenge


@dataclass(frozen=True)
class DeadlineRun:
    no_response: int
    reminders: int
    overdue_flags: int


def _notice_once(challenge: Challenge, key: str) -> bool:
    """True the first time `key` is seen for this challenge (notices are sent once)."""
    if key in challenge.notices_sent:
        return False
    challenge.notices_sent = [*challenge.notices_sent, key]
    return True


def enforce_deadlines(*, session: Session, rules: DeadlinePolicy, now: datetime) -> DeadlineRun:
    """Record missed responses (the case proceeds), remind before deadlines, flag overdue
    reviewer steps to reviewers; each notice once."""
    missed = reminders = flagged = 0
    for challenge in open_cases(session=session):
        clocks = _clocks(challenge)
        if deadlines.response_missed(clocks, now):
            _record_no_response(session, None, challenge, rules, now)
            missed += 1
            continue
        upcoming = deadlines.next_deadline(clocks)
        if upcoming and rules.approaching(upcoming[1], now):
            what, when = upcoming
            if _notice_once(challenge, f"reminder:{what}:{stamp(when)}"):
                reminders += 1
                _notify(
                    session,
                    challenge,
                    "challenge.deadline_approaching",
                    f"The {what} deadline is near",
                    f"The {what} is due by {_day(when)}.",
                    now,
                    to_company=what != deadlines.ACKNOWLEDGEMENT,
                )
        for what in deadlines.overdue(clocks, now):
            if _notice_once(challenge, f"overdue:{what}"):
                flagged += 1
                outbox.queue(
                    session=session,
                    kind="challenge.overdue",
                    recipients=outbox.reviewers(session=session),
                    subject=f"[{challenge.case_number}] The {what} is overdue",
                    body=f"The {what} of challenge {challenge.case_number} is overdue.",
                    now=now,
                )
        session.add(challenge)
    return DeadlineRun(no_response=missed, reminders=reminders, overdue_flags=flagged)
