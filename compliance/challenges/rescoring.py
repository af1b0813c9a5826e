"""Carrying out an upheld challenge's "re-score": score the certificate's assessment again as of
now and, when the result differs, replace the certificate.

A certificate is signed and logged, so it is never edited: a changed score or tier is issued as
a new certificate (same assessment, same expiry: a re-score corrects, it does not renew) and
the old one is superseded by it, both in the transparency log. A suspended certificate's
replacement starts suspended too (a re-score does not lift a suspension). A score that falls
below the lowest certified tier cannot be certified: the certificate is revoked. An unchanged
score and tier change nothing on the certificate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from compliance.assessments import service as assessment_service
from compliance.assessments.models import Assessment
from compliance.audit import service as audit
from compliance.certificates import issuing, rendering
from compliance.certificates import status as certificate_status
from compliance.certificates.issuer import Issuer
from compliance.certificates.models import Certificate, CertificateStatus
from compliance.scores import service as score_service
from scoring import Score, Tier


@dataclass(frozen=True)
class Rescore:
    """What a re-score did: `action` is unchanged, reissued or revoked."""

    action: str
    cert_id: str
    previous_score: float
    previous_tier: str
    score: float
    tier: str
    new_cert_id: str | None = None

    def log_details(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "cert_id": self.cert_id,
            "previous_score": self.previous_score,
            "previous_tier": self.previous_tier,
            "score": self.score,
            "tier": self.tier,
            "new_cert_id": self.new_cert_id,
        }

    def summary(self) -> str:
        change = (
            f"score {self.previous_score:.1f} -> {self.score:.1f}, tier {self.previous_tier}"
            f" -> {self.tier}"
        )
        if self.action == "reissued":
            return (
                f"Certificate {self.cert_id} was re-scored ({change}); certificate "
                f"{self.new_cert_id} replaces it, valid until the same date."
            )
        if self.action == "revoked":
            return (
                f"Certificate {self.cert_id} was re-scored ({change}); the score no longer "
                "reaches a certified tier, so the certificate is revoked."
            )
        return (
            f"Certificate {self.cert_id} was re-scored: score {self.score:.1f} and tier "
            f"{self.tier} are unchanged, so the certificate stays as it is."
        )


def rescore(
    *,
    session: Session,
    actor: Any,
    certificate: Certificate,
    case_number: str,
    issuer: Issuer,
    now: datetime,
) -> Rescore:
    """Re-score the certificate's assessment as of `now` and carry the result out."""
    assessment = session.get(Assessment, certificate.assessment_id)
    score = score_service.score_assessment(session=session, assessment=assessment, as_of=now.date())
    outcome = Rescore(
        action="unchanged",
        cert_id=certificate.cert_id,
        previous_score=certificate.score,
        previous_tier=certificate.tier.value,
        score=round(score.total, 1),
        tier=score.tier.value,
    )
    if outcome.score == certificate.score and score.tier == certificate.tier:
        pass
    elif score.tier is Tier.NOT_CERTIFIED:
        certificate_status.change_status(
            session=session,
            actor=actor,
            certificate=certificate,
            action="revoke",
            reason=f"Challenge {case_number} upheld: re-scored {outcome.score:.1f}, below the "
            "lowest certified tier.",
            now=now,
        )
        outcome = Rescore(**{**outcome.__dict__, "action": "revoked"})
    else:
        replacement = _reissue(
            session=session,
            actor=actor,
            certificate=certificate,
            assessment=assessment,
            score=score,
            case_number=case_number,
            issuer=issuer,
            now=now,
        )
        outcome = Rescore(
            **{**outcome.__dict__, "action": "reissued", "new_cert_id": replacement.cert_id}
        )
    audit.record(
        session=session,
        actor=actor,
        action="certificate.rescored",
        subject=certificate,
        details={"case_number": case_number, **outcome.log_details()},
        now=now,
    )
    return outcome


def _reissue(
    *,
    session: Session,
    actor: Any,
    certificate: Certificate,
    assessment: Assessment,
    score: Score,
    case_number: str,
    issuer: Issuer,
    now: datetime,
) -> Certificate:
    """A new signed certificate with the new score, replacing `certificate` (superseded)."""
    issued_at = now.replace(microsecond=0)
    replacement = issuing.sign_new(
        session=session,
        actor=actor,
        assessment=assessment,
        holder=issuing.HolderDetails(
            certificate.organisation_name, certificate.country, certificate.sector
        ),
        questionnaire=assessment_service.questionnaire_of(assessment),
        score=score,
        issuer=issuer,
        issued_at=issued_at,
        expires_at=certificate.expires_at,
    )
    was_suspended = certificate.status == CertificateStatus.suspended
    certificate_status.transition(
        session=session,
        actor=actor,
        certificate=certificate,
        action="supersede",
        reason=f"Re-scored after challenge {case_number} was upheld; replaced by certificate "
        f"{replacement.cert_id}.",
        now=issued_at,
        superseded_by=replacement,
    )
    changed = [certificate]
    if was_suspended:
        certificate_status.transition(
            session=session,
            actor=actor,
            certificate=replacement,
            action="suspend",
            reason=f"Carries the suspension of certificate {certificate.cert_id}, which it "
            "replaces after a re-score.",
            now=issued_at,
        )
        changed.append(replacement)
    rendering.queue_rendering(session=session, certificate=certificate)
    rendering.queue_rendering(session=session, certificate=replacement)
    session.add_all([certificate, replacement])
    audit.record(
        session=session,
        actor=actor,
        action="certificate.issued",
        subject=replacement,
        details={
            "cert_id": replacement.cert_id,
            "assessment_id": assessment.id,
            "tier": replacement.tier.value,
            "credential_sha256": replacement.credential_sha256,
            "replaces": certificate.cert_id,
        },
        now=now,
    )
    certificate_status.append_to_log(session=session, issued=replacement, changed=changed, now=now)
    return replacement
