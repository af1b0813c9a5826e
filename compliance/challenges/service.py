"""Challenges: filing, the company's response, reviewers' decisions and the deadline job.

Who filed is written once, to `ChallengeFiler`, and read only by `view(full=True)` (reviewers
and the filer's organisation) and to address the filer's own notices. Everything the company,
the public log, the audit trail and shared notices receive is built from the case alone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation, User
from compliance.assessments.service import safe_filename
from compliance.audit import service as audit
from compliance.certificates import status as certificate_status
from compliance.certificates.issuer import Issuer
from compliance.certificates.models import Certificate, CertificateStatus
from compliance.challenges import deadlines, rescoring
from compliance.challenges.deadlines import Clocks, DeadlinePolicy
from compliance.challenges.models import (
    ADMITTED,
    Challenge,
    ChallengeCreate,
    ChallengeDecisionIn,
    ChallengeEvidence,
    ChallengeFiler,
    ChallengeFull,
    ChallengePublic,
    ChallengeResponseIn,
    ChallengeState,
    EvidenceFilePublic,
    EvidenceParty,
    FilerPublic,
    Outcome,
    RetaliationAlert,
    RetaliationAlertPublic,
    TrackerEntry,
)
from compliance.credentials.timestamps import to_datetime_stamp as stamp
from compliance.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from compliance.incidents.models import Incident
from compliance.notifications import service as outbox
from compliance.phrases import Phrase
from compliance.storage import FileStore
from compliance.transparency import service as log_service
from compliance.transparency.models import LogEntryKind
from compliance.watchlist import service as watchlist

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


MAX_FILES = 20  # evidence files per party and case
EVIDENCE_STATES = {
    EvidenceParty.challenger: frozenset({ChallengeState.filed, *ADMITTED}),
    EvidenceParty.company: ADMITTED,
}


class ChallengeRefused(Conflict):
    """The challenge is not in a state the step applies to."""


@dataclass(frozen=True)
class EvidenceUpload:
    data: bytes
    filename: str | None
    description: str | None = None


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_evidence_key() -> str:
    return secrets.token_urlsafe(24)


def _clocks(challenge: Challenge) -> Clocks:
    return Clocks(
        state=challenge.state.value,
        acknowledge_by=challenge.acknowledge_by,
        respond_by=challenge.respond_by,
        decide_by=challenge.decide_by,
    )


def _unseen(case_number: str) -> NotFound:
    """The same answer whether the case does not exist or the reader may not see it."""
    return NotFound(
        Phrase("There is no challenge %(case_number)s that you can see.", case_number=case_number)
    )


def get(*, session: Session, case_number: str) -> Challenge:
    challenge = session.exec(select(Challenge).where(Challenge.case_number == case_number)).first()
    if challenge is None:
        raise _unseen(case_number)
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
    raise _unseen(case_number)


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


def view(
    *,
    session: Session,
    challenge: Challenge,
    full: bool,
    now: datetime,
    reviewer: bool = False,
    evidence_key: str | None = None,
) -> ChallengeFull:
    """The case as the company sees it, or with who filed it (`full`, for reviewers and the
    filer's organisation only). The challenger's files are listed only with `full`; the
    retaliation alerts only for reviewers."""
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
    files = evidence_files(session=session, challenge=challenge)
    shown = [f for f in files if full or f.party == EvidenceParty.company]
    listed = [file_public(challenge, item) for item in shown]
    if not full:
        return ChallengeFull(
            **case.model_dump(), files=listed, challenger_files_withheld=len(files) - len(shown)
        )
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
            community=filer.community,
        ),
        files=listed,
        retaliation_alerts=retaliation_alerts(session=session, challenge=challenge)
        if reviewer
        else None,
        evidence_key=evidence_key,
    )


def file_public(challenge: Challenge, item: ChallengeEvidence) -> EvidenceFilePublic:
    return EvidenceFilePublic(
        id=item.id,
        party=item.party,
        filename=item.filename,
        description=item.description,
        content_type=item.content_type,
        size_bytes=item.size_bytes,
        sha256=item.sha256,
        uploaded_at=item.uploaded_at,
        download=f"/api/v1/challenges/{challenge.case_number}/evidence/{item.id}",
    )


def evidence_files(*, session: Session, challenge: Challenge) -> list[ChallengeEvidence]:
    return list(
        session.exec(
            select(ChallengeEvidence)
            .where(ChallengeEvidence.challenge_id == challenge.id)
            .order_by(ChallengeEvidence.id)
        ).all()
    )


def retaliation_alerts(*, session: Session, challenge: Challenge) -> list[RetaliationAlertPublic]:
    """PROTECTED (reviewers only): incidents naming the challenger, linked to the company."""
    rows = session.execute(
        sa.select(RetaliationAlert, Incident.ref)
        .join(Incident, Incident.id == RetaliationAlert.incident_id)
        .where(RetaliationAlert.challenge_id == challenge.id)
        .order_by(RetaliationAlert.id)
    ).all()
    return [
        RetaliationAlertPublic(
            incident_ref=ref,
            incident_version=alert.incident_version,
            named=alert.named,
            linked_by=alert.linked_by,
            found_at=alert.found_at,
        )
        for alert, ref in rows
    ]


def alert_counts(*, session: Session, challenge_ids: list[int]) -> dict[int, int]:
    """Retaliation alerts per challenge, for the reviewers' triage list (one query)."""
    if not challenge_ids:
        return {}
    rows = session.execute(
        sa.select(RetaliationAlert.challenge_id, sa.func.count())
        .where(RetaliationAlert.challenge_id.in_(challenge_ids))
        .group_by(RetaliationAlert.challenge_id)
    ).all()
    return dict(rows)


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


def under_challenge_among(*, session: Session, certificate_ids: list[int]) -> set[int]:
    """Which of these certificates an admitted challenge stands against, in one query."""
    if not certificate_ids:
        return set()
    return set(
        session.execute(
            sa.select(Challenge.certificate_id)
            .where(Challenge.certificate_id.in_(certificate_ids), Challenge.state.in_(ADMITTED))
            .distinct()
        ).scalars()
    )


def _log(
    session: Session,
    kind: str,
    challenge: Challenge,
    step: str,
    now: datetime,
    *,
    rescored: dict | None = None,
) -> None:
    """The public, redacted record of a step: case, certificate, step, dates, outcome (and
    what a re-score changed)."""
    payload = {
        "case_number": challenge.case_number,
        "cert_id": _cert_id(session, challenge),
        "step": step,
        "state": challenge.state.value,
        "at": stamp(now),
        "no_response": challenge.no_response,
        "outcome": challenge.outcome.value if challenge.outcome else None,
    }
    if rescored is not None:
        payload["rescore"] = rescored
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
    uploads: list[EvidenceUpload] | None = None,
    store: FileStore | None = None,
    max_bytes: int = 0,
    evidence_key: str | None = None,
) -> Challenge:
    """File a challenge (an NGO member, or anyone anonymously with an optional contact), with
    evidence files when given; an anonymous filer may get an `evidence_key` (only its hash is
    kept) to add evidence later."""
    if len(uploads or []) > MAX_FILES:
        raise InvalidInput(Phrase("Attach at most %(count)s evidence files.", count=MAX_FILES))
    if certificate.status not in CHALLENGEABLE:
        raise ChallengeRefused(
            Phrase(
                "Certificate %(cert_id)s is %(status)s; only active or suspended certificates "
                "can be challenged.",
                cert_id=certificate.cert_id,
                status=certificate.status.value,
            )
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
            community=(challenge_in.community or "").strip() or None,
            evidence_key_sha256=_key_hash(evidence_key) if actor is None and evidence_key else None,
        )
    )
    for upload in uploads or []:
        _store_file(
            session,
            store,
            challenge,
            EvidenceParty.challenger,
            actor,
            upload,
            max_bytes=max_bytes,
            now=now,
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
            Phrase(
                "Challenge %(case_number)s is %(state)s; a response is accepted only while it is "
                "awaiting_response.",
                case_number=challenge.case_number,
                state=challenge.state.value,
            )
        )
    if challenge.respond_by is not None and now >= challenge.respond_by:
        raise ChallengeRefused(
            Phrase(
                "The response window of challenge %(case_number)s closed on %(day)s; the "
                "reviewers decide without a response.",
                case_number=challenge.case_number,
                day=_day(challenge.respond_by),
            )
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
            Phrase(
                "Challenge %(case_number)s is %(state)s; '%(action)s' applies only to "
                "%(states)s challenges.",
                case_number=challenge.case_number,
                state=challenge.state.value,
                action=decision.action,
                states=" or ".join(sorted(s.value for s in allowed_from)),
            )
        )
    if decision.action == "start_review":
        if challenge.respond_by is not None and now < challenge.respond_by:
            raise ChallengeRefused(
                Phrase(
                    "The company may respond until %(day)s; start the review after that, or "
                    "when it responds.",
                    day=_day(challenge.respond_by),
                )
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
        watchlist.challenge_admitted(session=session, challenge=challenge, now=now)
        return challenge
    challenge.decided_at = now
    challenge.decision_reasons = (decision.reasons or "").strip()
    rescored: rescoring.Rescore | None = None
    if decision.action == "uphold":
        challenge.outcome = decision.outcome
        challenge.conditions = decision.conditions
        challenge.conditions_deadline = decision.conditions_deadline
        certificate_action = CERTIFICATE_ACTIONS.get(decision.outcome)
        if decision.outcome == Outcome.rescore:
            rescored = rescoring.rescore(
                session=session,
                actor=actor,
                certificate=session.get(Certificate, challenge.certificate_id),
                case_number=challenge.case_number,
                issuer=issuer,
                now=now,
            )
        if certificate_action is not None:
            certificate_status.change_status(
                session=session,
                actor=actor,
                certificate=session.get(Certificate, challenge.certificate_id),
                action=certificate_action,
                reason=f"Challenge {challenge.case_number} upheld: {challenge.decision_reasons}",
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
    if rescored is not None:
        outbox.queue(
            session=session,
            kind="certificate.rescored",
            recipients=[
                *outbox.users_of(session=session, organisation_id=challenge.organisation_id),
                *outbox.reviewers(session=session),
            ],
            subject=f"[{challenge.case_number}] Certificate {rescored.cert_id} re-scored",
            body=f"{rescored.summary()}\n\nThe register: /certificates/{rescored.cert_id}\n",
            now=now,
        )
    kind = (
        LogEntryKind.challenge_acknowledged
        if decision.action == "inadmissible"
        else LogEntryKind.challenge_decided
    )
    _log(
        session,
        kind,
        challenge,
        step,
        now,
        rescored=rescored.log_details() if rescored is not None else None,
    )
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


def party_of(
    *, session: Session, actor: Actor | None, challenge: Challenge, evidence_key: str | None
) -> EvidenceParty:
    """Who is adding evidence: the challenger (the filer's organisation, or an anonymous filer
    with the case's evidence key) or the challenged company. Anyone else is refused without
    learning more than the case number they sent."""
    filer = filer_of(session=session, challenge=challenge)
    unseen = _unseen(challenge.case_number)
    if actor is None:
        if (
            evidence_key
            and filer.evidence_key_sha256
            and hmac.compare_digest(_key_hash(evidence_key), filer.evidence_key_sha256)
        ):
            return EvidenceParty.challenger
        raise unseen
    if actor.is_reviewer:
        raise PermissionDenied(
            Phrase("Reviewers do not add evidence to a case; the challenger and the company do.")
        )
    if filer.organisation_id is not None and filer.organisation_id == actor.organisation_id:
        return EvidenceParty.challenger
    if actor.organisation_id == challenge.organisation_id:
        return EvidenceParty.company
    raise unseen


def _store_file(
    session: Session,
    store: FileStore | None,
    challenge: Challenge,
    party: EvidenceParty,
    actor: Actor | None,
    upload: EvidenceUpload,
    *,
    max_bytes: int,
    now: datetime,
) -> ChallengeEvidence:
    if store is None:
        raise ValueError("a file store is needed to keep evidence files")
    stored = store.put(upload.data, max_bytes=max_bytes, what="evidence file")
    item = ChallengeEvidence(
        challenge_id=challenge.id,
        party=party,
        filename=safe_filename(upload.filename),
        description=(upload.description or "").strip()[:1000] or None,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
        uploaded_by_id=actor.id if actor else None,
        uploaded_at=now,
    )
    session.add(item)
    session.flush()
    return item


def add_evidence(
    *,
    session: Session,
    store: FileStore,
    actor: Actor | None,
    challenge: Challenge,
    party: EvidenceParty,
    upload: EvidenceUpload | None,
    link: str | None,
    max_bytes: int,
    now: datetime,
) -> ChallengeEvidence | None:
    """A file and/or a link added to the case by one party while the case is open to it."""
    if upload is None and not link:
        raise InvalidInput(Phrase("Send a file (multipart field 'file'), a link, or both."))
    if challenge.state not in EVIDENCE_STATES[party]:
        allowed = " or ".join(sorted(s.value.replace("_", " ") for s in EVIDENCE_STATES[party]))
        raise ChallengeRefused(
            Phrase(
                "Challenge %(case_number)s is %(state)s; evidence from the %(party)s is accepted "
                "while it is %(allowed)s.",
                case_number=challenge.case_number,
                state=challenge.state.value.replace("_", " "),
                party=party.value,
                allowed=allowed,
            )
        )
    item = None
    if upload is not None:
        count = session.execute(
            sa.select(sa.func.count())
            .select_from(ChallengeEvidence)
            .where(ChallengeEvidence.challenge_id == challenge.id, ChallengeEvidence.party == party)
        ).scalar_one()
        if count >= MAX_FILES:
            raise ChallengeRefused(
                Phrase(
                    "The %(party)s has already given %(count)s files.",
                    party=party.value,
                    count=MAX_FILES,
                )
            )
        item = _store_file(
            session, store, challenge, party, actor, upload, max_bytes=max_bytes, now=now
        )
    if link:
        field = "evidence_links" if party == EvidenceParty.challenger else "company_evidence_links"
        links = getattr(challenge, field)
        if len(links) >= MAX_FILES:
            raise ChallengeRefused(
                Phrase(
                    "The %(party)s has already given %(count)s links.",
                    party=party.value,
                    count=MAX_FILES,
                )
            )
        setattr(challenge, field, [*links, link])
        session.add(challenge)
    audit.record(
        session=session,
        actor=actor,
        action="challenge.evidence_added",
        subject=challenge,
        details={
            "case_number": challenge.case_number,
            "party": party.value,
            "file": item is not None,
            "link": bool(link),
        },
        now=now,
    )
    outbox.queue(
        session=session,
        kind="challenge.evidence_added",
        recipients=outbox.reviewers(session=session),
        subject=f"[{challenge.case_number}] New evidence from the {party.value}",
        body=f"The {party.value} added evidence to challenge {challenge.case_number}.",
        now=now,
    )
    return item


def evidence_file(
    *, session: Session, challenge: Challenge, evidence_id: int, full: bool
) -> ChallengeEvidence:
    """An evidence file the reader may download: the company gets its own files only; a
    challenger's file is 404 for it, as if it did not exist."""
    item = session.get(ChallengeEvidence, evidence_id)
    if (
        item is None
        or item.challenge_id != challenge.id
        or (not full and item.party != EvidenceParty.company)
    ):
        raise NotFound(
            Phrase(
                "Challenge %(case_number)s has no evidence file %(evidence_id)s.",
                case_number=challenge.case_number,
                evidence_id=evidence_id,
            )
        )
    return item
