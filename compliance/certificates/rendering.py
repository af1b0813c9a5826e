"""The certificate PDF: rendered by the job `certificate.render_pdf`, queued when the
certificate is issued and whenever its status changes, stored by content hash. No web request
renders it, and none serves a PDF that shows another status than the current one."""

from __future__ import annotations

from typing import Any, Literal, get_args

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from compliance.assessments import service as assessment_service
from compliance.assessments.models import Assessment
from compliance.certificates.credential import certificate_url
from compliance.certificates.issuer import MAX_PDF_BYTES, Issuer
from compliance.certificates.models import STATUS_LABELS, Certificate, CertificateStatus
from compliance.errors import InvalidInput
from compliance.jobs import service as job_service
from compliance.phrases import Phrase
from compliance.scores import service as score_service
from questionnaires.model import translate
from reports import certificate_texts as texts
from reports.certificate_pdf import CertificateSheet, SectionBar, render_certificate_pdf

JOB_KIND = "certificate.render_pdf"
# The languages the job renders, each its own stored file: English in `pdf_sha256`, the others
# in `pdf_localized` (locale -> hash), all for the same `pdf_status`.
PdfLanguage = Literal["en", "es", "fr"]
PDF_LOCALES: tuple[str, ...] = get_args(PdfLanguage)
DEFAULT_LOCALE = "en"


class UnknownLanguage(InvalidInput):
    """A certificate PDF was asked for in a language it is not rendered in."""


def pdf_locale(lang: str | None) -> str:
    """The PDF language asked for (`?lang=`), English when none; refused when not rendered."""
    if not lang:
        return DEFAULT_LOCALE
    if lang not in PDF_LOCALES:
        raise UnknownLanguage(
            Phrase(
                "The certificate PDF is not available in '%(lang)s'; choose one of "
                "%(languages)s (lang=%(choices)s).",
                lang=lang,
                languages=", ".join(PDF_LOCALES),
                choices="|".join(PDF_LOCALES),
            )
        )
    return lang


def tier_label(certificate: Certificate) -> str:
    return score_service.rules().tier(certificate.tier).label


def section_titles(*, session: Session, certificate: Certificate, locale: str) -> dict[str, str]:
    """The questionnaire's section titles in `locale`, by section id (the certificate keeps
    the English ones)."""
    assessment = session.get(Assessment, certificate.assessment_id)
    definition = assessment_service.questionnaire_of(assessment)
    return {section.id: translate(section.title, locale) for section in definition.sections}


def sheet_for(
    certificate: Certificate,
    *,
    base_url: str,
    locale: str = DEFAULT_LOCALE,
    titles: dict[str, str] | None = None,
) -> CertificateSheet:
    """What the PDF prints, its words in `locale`; `titles` translate the section labels."""
    titles = titles or {}
    return CertificateSheet(
        cert_id=certificate.cert_id,
        organisation_name=certificate.organisation_name,
        country=certificate.country,
        sector=certificate.sector,
        tier_label=texts.label(tier_label(certificate), locale),
        score=certificate.score,
        sections=tuple(
            SectionBar(s["section_id"], titles.get(s["section_id"], s["label"]), s["percent"])
            for s in certificate.sections
        ),
        scope_lines=texts.scope_lines(certificate.scope, locale),
        issued_on=certificate.issued_at.date(),
        expires_on=certificate.expires_at.date(),
        status=certificate.status.value,
        status_label=texts.label(STATUS_LABELS[certificate.status], locale),
        status_note=texts.status_note(
            active=certificate.status is CertificateStatus.active,
            changed_on=certificate.status_changed_at.date(),
            locale=locale,
        ),
        verify_url=certificate_url(base_url, certificate.cert_id),
        key_id=certificate.key_id,
        key_fingerprint=certificate.key_fingerprint,
        methodology=f"{certificate.methodology_id} {certificate.methodology_version}",
        methodology_hash=certificate.methodology_hash,
        inputs_hash=certificate.inputs_hash,
        credential_sha256=certificate.credential_sha256,
        signed_json=certificate.credential.encode("utf-8"),
    )


def pdf_hash(certificate: Certificate, locale: str = DEFAULT_LOCALE) -> str | None:
    """The hash of the stored PDF in `locale`, whatever status it shows."""
    if locale == DEFAULT_LOCALE:
        return certificate.pdf_sha256
    return (certificate.pdf_localized or {}).get(locale)


def pdf_ready(certificate: Certificate, locale: str = DEFAULT_LOCALE) -> bool:
    """Whether the stored PDF in `locale` shows the certificate's current status (else one is
    on its way)."""
    return (
        pdf_hash(certificate, locale) is not None and certificate.pdf_status == certificate.status
    )


def queue_rendering(*, session: Session, certificate: Certificate) -> None:
    """Have the PDF rendered for the status the caller is about to commit; the job starts only
    after that commit, so it reads the new status."""
    job_service.enqueue(
        session=session,
        kind=JOB_KIND,
        params={"certificate_id": certificate.id},
        organisation_id=None,
        created_by_id=None,
    )


def render_if_outdated(*, session: Session, certificate: Certificate, issuer: Issuer) -> bool:
    """Render and store the PDF of the current status, unless it is stored already (then do
    nothing: the job may run twice). True when a PDF was rendered and recorded; the caller
    commits.

    The record is conditional: when the status changed while rendering (about 0.2 s), this
    PDF is dropped, and the job queued by that change renders the right one.
    """
    if all(
        pdf_ready(certificate, locale) and issuer.store.path(pdf_hash(certificate, locale)).exists()
        for locale in PDF_LOCALES
    ):
        return False
    status, changed_at = certificate.status, certificate.status_changed_at
    hashes = {locale: _store(session, certificate, issuer, locale) for locale in PDF_LOCALES}
    kept = session.execute(
        sa.update(Certificate)
        .where(
            Certificate.id == certificate.id,
            Certificate.status == status,
            Certificate.status_changed_at == changed_at,
        )
        .values(**_keep(hashes), pdf_status=status)
        .execution_options(synchronize_session=False)
    ).rowcount
    if kept != 1:
        return False
    for column, value in _keep(hashes).items():
        set_committed_value(certificate, column, value)
    set_committed_value(certificate, "pdf_status", status)
    return True


def _store(session: Session, certificate: Certificate, issuer: Issuer, locale: str) -> str:
    """Render the PDF in `locale` and store it; its hash."""
    titles = section_titles(session=session, certificate=certificate, locale=locale)
    sheet = sheet_for(certificate, base_url=issuer.base_url, locale=locale, titles=titles)
    return issuer.store.put(
        render_certificate_pdf(sheet, locale), max_bytes=MAX_PDF_BYTES, what="certificate PDF"
    ).sha256


def _keep(hashes: dict[str, str]) -> dict[str, Any]:
    """The columns that record the stored PDF of each locale."""
    return {
        "pdf_sha256": hashes[DEFAULT_LOCALE],
        "pdf_localized": {k: v for k, v in hashes.items() if k != DEFAULT_LOCALE},
    }
