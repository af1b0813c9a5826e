"""The certificate PDF: rendered when the certificate is issued and again only when its status
changes, stored by content hash; serving it never renders."""

from __future__ import annotations

from compliance.certificates.credential import certificate_url
from compliance.certificates.issuer import MAX_PDF_BYTES, Issuer
from compliance.certificates.models import STATUS_LABELS, Certificate, CertificateStatus
from compliance.scores import service as score_service
from reports.certificate_pdf import CertificateSheet, SectionBar, render_certificate_pdf


def tier_label(certificate: Certificate) -> str:
    return score_service.rules().tier(certificate.tier).label


def scope_lines(scope: dict) -> tuple[str, ...]:
    """The scope in words, as the PDF and pages print it."""
    lines = [
        f"{count:,} {noun if count == 1 else noun + 's'} listed"
        for count, noun in ((scope.get("sites"), "site"), (scope.get("suppliers"), "supplier"))
        if count is not None
    ]
    if not lines:
        return ("The organisation's own operations (no site or supplier list was submitted)",)
    return (
        "The organisation's own operations and:",
        *lines,
        "Dataset versions: " + ", ".join(str(v) for v in scope.get("dataset_versions", [])),
    )


def _status_note(certificate: Certificate) -> str:
    changed = certificate.status_changed_at.date().isoformat()
    if certificate.status is CertificateStatus.active:
        return f"As of {changed}. The current status is always on the verification page."
    return f"Since {changed}. The current status is always on the verification page."


def sheet_for(certificate: Certificate, *, base_url: str) -> CertificateSheet:
    return CertificateSheet(
        cert_id=certificate.cert_id,
        organisation_name=certificate.organisation_name,
        country=certificate.country,
        sector=certificate.sector,
        tier_label=tier_label(certificate),
        score=certificate.score,
        sections=tuple(
            SectionBar(s["section_id"], s["label"], s["percent"]) for s in certificate.sections
        ),
        scope_lines=scope_lines(certificate.scope),
        issued_on=certificate.issued_at.date(),
        expires_on=certificate.expires_at.date(),
        status=certificate.status.value,
        status_label=STATUS_LABELS[certificate.status],
        status_note=_status_note(certificate),
        verify_url=certificate_url(base_url, certificate.cert_id),
        key_id=certificate.key_id,
        key_fingerprint=certificate.key_fingerprint,
        methodology=f"{certificate.methodology_id} {certificate.methodology_version}",
        methodology_hash=certificate.methodology_hash,
        inputs_hash=certificate.inputs_hash,
        credential_sha256=certificate.credential_sha256,
        signed_json=certificate.credential.encode("utf-8"),
    )


def render_and_store(*, certificate: Certificate, issuer: Issuer) -> None:
    """Render the PDF for the certificate's current status and keep it (about 0.2 s)."""
    pdf = render_certificate_pdf(sheet_for(certificate, base_url=issuer.base_url))
    stored = issuer.store.put(pdf, max_bytes=MAX_PDF_BYTES, what="certificate PDF")
    certificate.pdf_sha256 = stored.sha256
    certificate.pdf_status = certificate.status
