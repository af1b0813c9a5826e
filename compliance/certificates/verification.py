"""Online verification: is this certificate (given by id, as signed JSON, or as its PDF) genuine,
the one in the register, in force, and in the public transparency log?

Each check is answered in plain words. The register itself is checked too: its stored copy must
carry a valid signature, hash to what the log recorded when it was issued, agree with the
register's searchable fields, and have the status the log last recorded for it, so a quiet
edit of the database is reported rather than believed (`register_checks`). A repeated
verification by id reads one small row: what the register and the log say is kept per process
for as long as the row, the log's size and the challenge flag stay as they are
(`verification_reads`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlmodel import Session

from compliance.certificates import credential as vc
from compliance.certificates import register_checks, verification_reads
from compliance.certificates.documents import (
    Check,
    credential_from_json,
    read_credential,
    signature_check,
    validity_check,
)
from compliance.certificates.issuer import Issuer
from compliance.certificates.models import VerificationCheck, VerificationReport
from compliance.phrases import Phrase, joined

# The methodology's tier labels, as phrases with the msgids of the pages' labels
# (compliance/web/terms.py), so that a page names the tier of a summary in its language.
TIER_WORDS = {
    "Conditional": Phrase("Conditional"),
    "Certified": Phrase("Certified"),
    "Certified - leading": Phrase("Certified - leading"),
}


@dataclass(frozen=True)
class Submission:
    """What a verifier handed in: an id, or a credential read from a JSON file or a PDF."""

    source: Literal["id", "json", "pdf"]
    cert_id: str | None = None
    credential: dict[str, Any] | None = None


def submission_from(
    *, cert_id: str | None, file_data: bytes | None, pasted: str | dict[str, Any] | None
) -> Submission | None:
    """What a form sent: a file (JSON or PDF), pasted JSON (text, or already parsed), or an id;
    None when nothing.

    Raises `UnreadableCertificate` when the file or text is not a certificate.
    """
    cert_id = (cert_id or "").strip() or None
    if file_data:
        source, credential = read_credential(file_data)
        return Submission(source=source, cert_id=cert_id, credential=credential)
    if isinstance(pasted, dict):
        return Submission(source="json", cert_id=cert_id, credential=pasted)
    if pasted and pasted.strip():
        return Submission(
            source="json", cert_id=cert_id, credential=credential_from_json(pasted.encode("utf-8"))
        )
    if cert_id:
        return Submission(source="id", cert_id=cert_id)
    return None


def verify(
    *, session: Session, submission: Submission, issuer: Issuer, now: datetime
) -> VerificationReport:
    """Run every check; the caller commits (a new signed tree head may have been kept)."""
    keys = {key.kid: key.public_key for key in issuer.published_keys()}
    checks: list[Check] = []
    credential = submission.credential
    cert_id = submission.cert_id
    if credential is not None:
        claimed = vc.cert_id_of(credential)
        if cert_id and claimed and claimed != cert_id:
            checks.append(
                Check(
                    "register",
                    False,
                    Phrase(
                        "The document is certificate %(claimed)s, not %(cert_id)s as you said.",
                        claimed=claimed,
                        cert_id=cert_id,
                    ),
                )
            )
        cert_id = claimed or cert_id
        checks.append(signature_check(credential, keys=keys))
        checks.append(validity_check(credential, now=now))
    found = verification_reads.lookup(session=session, cert_id=cert_id, issuer=issuer, now=now)
    if found is None:
        checks.append(
            Check(
                "register",
                False,
                Phrase(
                    "No certificate %(cert_id)s is in the register: it was not issued by this "
                    "service, or its id was altered.",
                    cert_id=cert_id,
                )
                if cert_id
                else Phrase(
                    "The document names no certificate id (credentialSubject.certificateId): it "
                    "is not an HRD Sentinel certificate."
                ),
            )
        )
        return _report(submission, cert_id, checks, None)
    certificate = found.certificate
    stored = register_checks.stored_copy(certificate.credential, keys)
    if credential is None:
        checks.append(register_checks.stored_signature(certificate, stored))
        checks.append(validity_check(stored.document or {}, now=now))
    else:
        checks.append(register_checks.matches_register(certificate, credential))
    checks.extend(register_checks.register_integrity(certificate, stored, submitted=credential))
    checks += [found.log.check, found.status]
    return _report(submission, cert_id, checks, found)


def _report(
    submission: Submission,
    cert_id: str | None,
    checks: list[Check],
    found: verification_reads.RegisterFindings | None,
) -> VerificationReport:
    valid = bool(checks) and all(check.passed for check in checks)
    failed = [check for check in checks if not check.passed]
    if valid and found is not None:
        certificate = found.public
        summary = Phrase(
            "Genuine and in force: %(cert_id)s certifies %(organisation)s as %(tier)s until "
            "%(expires_on)s.",
            cert_id=certificate.cert_id,
            organisation=certificate.organisation_name,
            tier=TIER_WORDS.get(certificate.tier_label, certificate.tier_label),
            expires_on=certificate.expires_at.date().isoformat(),
        )
    else:
        summary = Phrase(
            "Not valid. %(details)s", details=joined([check.detail for check in failed], " ")
        )
    return VerificationReport(
        valid=valid,
        summary=summary,
        cert_id=cert_id,
        source=submission.source,
        signature_valid=_outcome(checks, "signature"),
        matches_register=_outcome(checks, "register", "record"),
        status=found.public.status if found is not None else None,
        in_log=_outcome(checks, "log"),
        checks=[VerificationCheck.model_validate(check, from_attributes=True) for check in checks],
        certificate=found.public if found is not None else None,
        log_entry=found.log.entry if found is not None else None,
        inclusion_proof=found.log.proof if found is not None else None,
        tree_head=found.log.head if found is not None else None,
    )


def _outcome(checks: list[Check], *names: str) -> bool | None:
    relevant = [check.passed for check in checks if check.name in names]
    return all(relevant) if relevant else None
