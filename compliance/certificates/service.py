"""Reading certificates: by public id, by assessment, the searchable register, and the public
view of one certificate (the only shape in which a certificate leaves the building)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from compliance.audit import service as audit
from compliance.certificates import public_ids, rendering
from compliance.certificates.credential import certificate_url, issuer_id
from compliance.certificates.issuer import Issuer
from compliance.certificates.models import (
    Certificate,
    CertificateLinks,
    CertificatePublic,
    CertificateStatus,
    CertificateSummary,
    ScopePublic,
    SectionScorePublic,
)
from compliance.challenges import service as challenge_service
from compliance.errors import NotFound, ServiceUnavailable
from compliance.pagination import Page, paginate
from compliance.phrases import Phrase
from scoring import Tier

PDF_RETRY_AFTER_SECONDS = 5


class PdfNotReady(ServiceUnavailable):
    """No stored PDF shows the current status (its job has not run yet, or storage was lost);
    it is never rendered on request."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"Retry-After": str(PDF_RETRY_AFTER_SECONDS)})


@dataclass(frozen=True)
class RegisterFilters:
    name: str | None = None
    country: str | None = None
    sector: str | None = None
    tier: Tier | None = None
    status: CertificateStatus | None = None


def get(*, session: Session, cert_id: str) -> Certificate:
    """A certificate by its public id; every certificate is public."""
    certificate = None
    if public_ids.is_cert_id(cert_id):
        certificate = session.exec(
            select(Certificate).where(Certificate.cert_id == cert_id)
        ).first()
    if certificate is None:
        raise NotFound(
            Phrase(
                "There is no certificate %(cert_id)s in the register. Certificate ids look like "
                "HRD-2026-000123; search the register at /register.",
                cert_id=cert_id[:40],
            )
        )
    return certificate


def for_assessment(*, session: Session, assessment_id: int) -> Certificate | None:
    """The assessment's latest certificate (a re-score may have replaced the first)."""
    return session.exec(
        select(Certificate)
        .where(Certificate.assessment_id == assessment_id)
        .order_by(Certificate.id.desc())
    ).first()


def for_organisation(*, session: Session, organisation_id: int) -> list[Certificate]:
    return list(
        session.exec(
            select(Certificate)
            .where(Certificate.organisation_id == organisation_id)
            .order_by(Certificate.id.desc())
        )
    )


def register_page(
    *, session: Session, filters: RegisterFilters, limit: int, cursor: str | None
) -> Page[Certificate]:
    """Certificates matching the filters, newest first."""
    statement = sa.select(Certificate)
    if filters.name:
        pattern = "%" + _escape_like(filters.name.strip().lower()) + "%"
        statement = statement.where(
            sa.func.lower(Certificate.organisation_name).like(pattern, escape="\\")
        )
    if filters.country:
        statement = statement.where(Certificate.country == filters.country.upper())
    if filters.sector:
        statement = statement.where(Certificate.sector == filters.sector)
    if filters.tier:
        statement = statement.where(Certificate.tier == filters.tier)
    if filters.status:
        statement = statement.where(Certificate.status == filters.status)
    page = paginate(
        session,
        statement,
        key=Certificate.id,
        key_of=lambda row: row[0].id,
        limit=limit,
        cursor=cursor,
    )
    return Page([row[0] for row in page.items], page.next_cursor)


def links(certificate: Certificate, *, base_url: str) -> CertificateLinks:
    api = f"{issuer_id(base_url)}/api/v1/certificates/{certificate.cert_id}"
    return CertificateLinks(
        page=certificate_url(base_url, certificate.cert_id),
        credential=f"{api}.json",
        pdf=f"{api}.pdf",
    )


def summary(
    certificate: Certificate, *, base_url: str, under_challenge: bool = False
) -> CertificateSummary:
    return CertificateSummary(
        cert_id=certificate.cert_id,
        organisation_name=certificate.organisation_name,
        country=certificate.country,
        sector=certificate.sector,
        tier=certificate.tier,
        tier_label=rendering.tier_label(certificate),
        score=certificate.score,
        status=certificate.status,
        issued_at=certificate.issued_at,
        expires_at=certificate.expires_at,
        links=links(certificate, base_url=base_url),
        under_challenge=under_challenge,
    )


def register_lines(
    *, session: Session, certificates: list[Certificate], base_url: str
) -> list[CertificateSummary]:
    """Register lines with "under challenge", read for the whole page in one query."""
    challenged = challenge_service.under_challenge_among(
        session=session, certificate_ids=[c.id for c in certificates]
    )
    return [summary(c, base_url=base_url, under_challenge=c.id in challenged) for c in certificates]


def public_view(*, session: Session, certificate: Certificate, base_url: str) -> CertificatePublic:
    superseded_by = (
        session.get(Certificate, certificate.superseded_by_id)
        if certificate.superseded_by_id
        else None
    )
    under_challenge = challenge_service.is_under_challenge(
        session=session, certificate_id=certificate.id
    )
    return CertificatePublic(
        **summary(certificate, base_url=base_url, under_challenge=under_challenge).model_dump(),
        sections=[SectionScorePublic(**section) for section in certificate.sections],
        scope=ScopePublic(
            sites=certificate.scope.get("sites"),
            suppliers=certificate.scope.get("suppliers"),
            dataset_versions=certificate.scope.get("dataset_versions", []),
        ),
        status_reason=certificate.status_reason,
        status_changed_at=certificate.status_changed_at,
        superseded_by=superseded_by.cert_id if superseded_by else None,
        methodology_id=certificate.methodology_id,
        methodology_version=certificate.methodology_version,
        methodology_hash=certificate.methodology_hash,
        questionnaire=certificate.questionnaire,
        inputs_hash=certificate.inputs_hash,
        credential_sha256=certificate.credential_sha256,
        key_id=certificate.key_id,
        key_fingerprint=certificate.key_fingerprint,
        log_index=certificate.log_index,
    )


def flag_for_review(
    *, session: Session, organisation_id: int, reason: str, now: datetime
) -> list[Certificate]:
    """Ask the reviewers to look again at the organisation's active certificates, because a
    confirmed incident match now touches them (the screening service calls this)."""
    flagged = list(
        session.exec(
            select(Certificate).where(
                Certificate.organisation_id == organisation_id,
                Certificate.status == CertificateStatus.active,
            )
        )
    )
    for certificate in flagged:
        certificate.review_flag, certificate.review_flagged_at = reason[:2000], now
        session.add(certificate)
        audit.record(
            session=session,
            actor=None,
            action="certificate.flagged_for_review",
            subject=certificate,
            now=now,
        )
    return flagged


def stored_pdf(
    *, certificate: Certificate, issuer: Issuer, locale: str = rendering.DEFAULT_LOCALE
) -> bytes:
    """The PDF in `locale` showing the certificate's current status, rendered by its job;
    refused while that job has not run, so a PDF never shows a status the certificate has
    left."""
    if not rendering.pdf_ready(certificate, locale):
        raise PdfNotReady(
            Phrase(
                "The PDF of %(cert_id)s is being prepared for its current status (%(status)s); "
                "try again in a few seconds. Its signed JSON is at "
                "/api/v1/certificates/%(cert_id)s.json.",
                cert_id=certificate.cert_id,
                status=certificate.status.value,
            )
        )
    try:
        return issuer.store.read(rendering.pdf_hash(certificate, locale))
    except FileNotFoundError as exc:
        raise PdfNotReady(
            Phrase(
                "The PDF of %(cert_id)s is missing from storage; its signed JSON is at "
                "/api/v1/certificates/%(cert_id)s.json. The operators have to restore the "
                "uploads folder.",
                cert_id=certificate.cert_id,
            )
        ) from exc


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
