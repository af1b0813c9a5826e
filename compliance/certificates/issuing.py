"""Issuing a certificate when a reviewer approves an assessment, in the approval's transaction.

Everything happens before the caller commits: the row with its public id, the signed
credential, the superseding of the organisation's previous certificate, the audit events and,
last, the transparency-log entries. A failure anywhere leaves no certificate and no approval.
The PDFs (the new certificate's, the superseded ones') are rendered by jobs that start after
the commit, so the approval request never waits for WeasyPrint.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from compliance.accounts.models import Organisation
from compliance.assessments.models import Assessment
from compliance.audit import service as audit
from compliance.certificates import credential as vc
from compliance.certificates import public_ids, rendering, status
from compliance.certificates.issuer import Issuer
from compliance.certificates.models import Certificate, CertificateStatus
from compliance.datasets.kinds import DatasetKind
from compliance.datasets.models import DatasetVersion
from compliance.errors import Conflict
from compliance.phrases import Phrase
from compliance.scores import service as score_service
from questionnaires.model import Questionnaire
from scoring import Score, Tier

VALIDITY_MONTHS = 12


class NotCertifiable(Conflict):
    """The score does not reach a certified tier: the assessment can only be rejected."""


def certifiable_score(*, session: Session, assessment: Assessment, as_of: date) -> Score:
    """The score approval would certify; refused when its tier is 'not certified'."""
    score = score_service.score_assessment(session=session, assessment=assessment, as_of=as_of)
    require_certifiable(score, assessment)
    return score


def require_certifiable(score: Score, assessment: Assessment) -> None:
    """Refuse approval of a score whose tier is 'not certified', saying what to do instead."""
    if score.tier is Tier.NOT_CERTIFIED:
        reasons = "; ".join(cap.reason for cap in score.caps) or Phrase(
            "the score %(score)s is below the lowest certified tier",
            score=format(score.total, ".1f"),
        )
        raise NotCertifiable(
            Phrase(
                "Assessment %(assessment_id)s is not certifiable (%(reasons)s), so approving it "
                "would issue no certificate. Reject it, or request changes, instead.",
                assessment_id=assessment.id,
                reasons=reasons,
            )
        )


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def scope_of(*, session: Session, assessment_id: int) -> dict[str, Any]:
    """The sites and suppliers the assessment listed: their counts and dataset version ids.

    Datasets are optional; a kind with no accepted version counts as not given (None).
    """
    scope: dict[str, Any] = {"sites": None, "suppliers": None, "dataset_versions": []}
    versions = session.exec(
        select(DatasetVersion)
        .where(DatasetVersion.assessment_id == assessment_id)
        .order_by(DatasetVersion.kind, DatasetVersion.version.desc())
    ).all()
    for version in versions:
        kind = DatasetKind(version.kind).value
        if scope[kind] is None:
            scope[kind] = version.row_count
            scope["dataset_versions"].append(version.id)
    scope["dataset_versions"].sort()
    return scope


def section_scores(score: Score, questionnaire: Questionnaire) -> list[dict[str, Any]]:
    titles = {section.id: section.title.get("en", section.id) for section in questionnaire.sections}
    return [
        {
            "section_id": section.section_id,
            "label": titles.get(section.section_id, section.section_id),
            "percent": round(section.percent, 1),
        }
        for section in score.sections
    ]


@dataclass(frozen=True)
class HolderDetails:
    """Who a certificate is printed for."""

    name: str
    country: str | None
    sector: str | None


def sign_new(
    *,
    session: Session,
    actor: Any,
    assessment: Assessment,
    holder: HolderDetails,
    questionnaire: Questionnaire,
    score: Score,
    issuer: Issuer,
    issued_at: datetime,
    expires_at: datetime,
) -> Certificate:
    """A new active certificate row for the assessment's score, numbered and signed.

    `holder` gives the name, country and sector printed on it: the organisation's at first
    issue, the replaced certificate's when a re-score reissues it.
    """
    number = public_ids.next_number(session=session, year=issued_at.year)
    key = issuer.signing_key()
    certificate = Certificate(
        cert_id=public_ids.format_cert_id(issued_at.year, number),
        year=issued_at.year,
        number=number,
        assessment_id=assessment.id,
        organisation_id=assessment.organisation_id,
        organisation_name=holder.name,
        country=holder.country,
        sector=holder.sector,
        tier=score.tier,
        score=round(score.total, 1),
        sections=section_scores(score, questionnaire),
        scope=scope_of(session=session, assessment_id=assessment.id),
        issued_at=issued_at,
        expires_at=expires_at,
        methodology_id=score.methodology_id,
        methodology_version=score.methodology_version,
        methodology_hash=score.methodology_hash,
        questionnaire=score.questionnaire,
        inputs_hash=score.inputs_hash,
        status=CertificateStatus.active,
        status_changed_at=issued_at,
        credential="",
        credential_sha256="",
        key_id=key.kid,
        key_fingerprint=key.fingerprint,
        issued_by_id=getattr(actor, "id", None),
    )
    session.add(certificate)
    session.flush()
    signed = vc.sign(
        vc.unsigned_credential(
            certificate, tier_label=rendering.tier_label(certificate), base_url=issuer.base_url
        ),
        key=key,
        base_url=issuer.base_url,
        now=issued_at,
    )
    certificate.credential = vc.canonical_text(signed)
    certificate.credential_sha256 = vc.sha256_of(signed)
    return certificate


def issue(
    *,
    session: Session,
    actor: Any,
    assessment: Assessment,
    questionnaire: Questionnaire,
    score: Score,
    issuer: Issuer,
    now: datetime,
) -> Certificate:
    """Issue the certificate of an assessment being approved; the caller commits."""
    require_certifiable(score, assessment)
    existing = session.exec(
        select(Certificate).where(Certificate.assessment_id == assessment.id)
    ).first()
    if existing is not None:
        raise Conflict(
            Phrase(
                "Assessment %(assessment_id)s already has certificate %(cert_id)s; an assessment "
                "is certified once.",
                assessment_id=assessment.id,
                cert_id=existing.cert_id,
            )
        )
    organisation = session.get(Organisation, assessment.organisation_id)
    issued_at = now.replace(microsecond=0)
    certificate = sign_new(
        session=session,
        actor=actor,
        assessment=assessment,
        holder=HolderDetails(organisation.name, organisation.country, organisation.sector),
        questionnaire=questionnaire,
        score=score,
        issuer=issuer,
        issued_at=issued_at,
        expires_at=add_months(issued_at, VALIDITY_MONTHS),
    )
    superseded = _supersede_previous(
        session=session, actor=actor, certificate=certificate, now=issued_at
    )
    rendering.queue_rendering(session=session, certificate=certificate)
    session.add(certificate)
    audit.record(
        session=session,
        actor=actor,
        action="certificate.issued",
        subject=certificate,
        details={
            "cert_id": certificate.cert_id,
            "assessment_id": assessment.id,
            "tier": certificate.tier.value,
            "credential_sha256": certificate.credential_sha256,
        },
        now=now,
    )
    status.append_to_log(session=session, issued=certificate, changed=superseded, now=now)
    return certificate


def _supersede_previous(
    *, session: Session, actor: Any, certificate: Certificate, now: datetime
) -> list[Certificate]:
    previous = session.exec(
        select(Certificate)
        .where(
            Certificate.organisation_id == certificate.organisation_id,
            Certificate.id != certificate.id,
            Certificate.status.in_(status.TRANSITIONS["supersede"][0]),
        )
        .order_by(Certificate.id)
    ).all()
    for old in previous:
        status.transition(
            session=session,
            actor=actor,
            certificate=old,
            action="supersede",
            reason=f"Replaced by certificate {certificate.cert_id}.",
            now=now,
            superseded_by=certificate,
        )
        rendering.queue_rendering(session=session, certificate=old)
    return list(previous)
