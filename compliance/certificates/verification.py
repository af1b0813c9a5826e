"""Online verification: is this certificate (given by id, as signed JSON, or as its PDF) genuine,
the one in the register, in force, and in the public transparency log?

Each check is answered in plain words. The register itself is checked too: its stored copy must
carry a valid signature, hash to what the log recorded when it was issued, agree with the
register's searchable fields, and have the status the log last recorded for it, so a quiet
edit of the database is reported rather than believed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlmodel import Session, select

from compliance.certificates import credential as vc
from compliance.certificates import service as certificate_service
from compliance.certificates.documents import (
    Check,
    credential_from_json,
    read_credential,
    signature_check,
    validity_check,
)
from compliance.certificates.issuer import Issuer
from compliance.certificates.models import (
    STATUS_LABELS,
    Certificate,
    CertificateStatus,
    VerificationCheck,
    VerificationReport,
)
from compliance.errors import NotFound
from compliance.transparency import merkle
from compliance.transparency import service as log_service
from compliance.transparency.models import (
    InclusionProofPublic,
    LogEntry,
    LogEntryKind,
    LogEntryPublic,
    TreeHeadPublic,
)
from compliance.transparency.verify import verify_inclusion

CERTIFICATE_KINDS = (LogEntryKind.certificate_issued, LogEntryKind.certificate_status_changed)


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


@dataclass
class _Findings:
    checks: list[Check] = field(default_factory=list)
    log_entry: LogEntryPublic | None = None
    proof: InclusionProofPublic | None = None
    head: TreeHeadPublic | None = None


def verify(
    *, session: Session, submission: Submission, issuer: Issuer, now: datetime
) -> VerificationReport:
    """Run every check; the caller commits (a new signed tree head may have been kept)."""
    keys = {key.kid: key.public_key for key in issuer.published_keys()}
    findings = _Findings()
    credential = submission.credential
    cert_id = submission.cert_id
    if credential is not None:
        claimed = vc.cert_id_of(credential)
        if cert_id and claimed and claimed != cert_id:
            findings.checks.append(
                Check(
                    "register",
                    False,
                    f"The document is certificate {claimed}, not {cert_id} as you said.",
                )
            )
        cert_id = claimed or cert_id
        findings.checks.append(signature_check(credential, keys=keys))
        findings.checks.append(validity_check(credential, now=now))
    certificate = _lookup(session, cert_id)
    if certificate is None:
        findings.checks.append(
            Check(
                "register",
                False,
                f"No certificate {cert_id} is in the register: it was not issued by this "
                "service, or its id was altered."
                if cert_id
                else "The document names no certificate id (credentialSubject.certificateId): "
                "it is not an HRD Sentinel certificate.",
            )
        )
        return _report(submission, cert_id, None, findings, session=session, issuer=issuer)
    stored = _stored_copy(certificate.credential, keys)
    if credential is None:
        findings.checks.append(_stored_signature(certificate, stored))
        findings.checks.append(validity_check(stored.document or {}, now=now))
    else:
        findings.checks.append(_matches_register(certificate, credential))
    findings.checks.extend(_register_integrity(certificate, stored, submitted=credential))
    _log_checks(session=session, certificate=certificate, issuer=issuer, now=now, into=findings)
    findings.checks.append(_status_check(session=session, certificate=certificate))
    return _report(submission, cert_id, certificate, findings, session=session, issuer=issuer)


def _lookup(session: Session, cert_id: str | None) -> Certificate | None:
    if not cert_id:
        return None
    try:
        return certificate_service.get(session=session, cert_id=cert_id)
    except NotFound:
        return None


@dataclass(frozen=True)
class _StoredCopy:
    """What the register's stored signed JSON is: its document, canonical hash and signature."""

    document: dict[str, Any] | None
    sha256: str | None
    signature: Check | None


# (stored JSON text, ids of the published keys) -> its facts. Canonicalising and checking the
# signature cost most of a verification; they depend only on the text and the keys (a key id is
# the key's thumbprint), so an edited copy is a new text and is checked afresh.
_STORED_COPIES: dict[tuple[str, tuple[str, ...]], _StoredCopy] = {}
_STORED_COPIES_MAX = 4096


def _stored_copy(text: str, keys: dict[str, Any]) -> _StoredCopy:
    cache_key = (text, tuple(sorted(keys)))
    copy = _STORED_COPIES.get(cache_key)
    if copy is None:
        if len(_STORED_COPIES) >= _STORED_COPIES_MAX:
            _STORED_COPIES.clear()
        copy = _STORED_COPIES[cache_key] = _read_stored_copy(text, keys)
    return copy


def _read_stored_copy(text: str, keys: dict[str, Any]) -> _StoredCopy:
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        return _StoredCopy(None, None, None)
    return _StoredCopy(document, vc.sha256_of(document), signature_check(document, keys=keys))


def _stored_signature(certificate: Certificate, stored: _StoredCopy) -> Check:
    if stored.signature is None:
        return Check(
            "signature",
            False,
            f"The register's copy of {certificate.cert_id} is not readable JSON: the database "
            "was damaged or altered.",
        )
    if stored.signature.passed:
        return stored.signature
    return Check(
        "signature",
        False,
        f"The register's stored copy of {certificate.cert_id} fails its signature check, so the "
        "database was altered after issue. " + stored.signature.detail,
    )


def _matches_register(certificate: Certificate, credential: dict[str, Any]) -> Check:
    if vc.sha256_of(credential) == certificate.credential_sha256:
        return Check(
            "register",
            True,
            f"The document is exactly certificate {certificate.cert_id} as issued "
            f"(SHA-256 {certificate.credential_sha256}).",
        )
    return Check(
        "register",
        False,
        f"The document does not match certificate {certificate.cert_id} in the register: its "
        "content differs from what was issued (different SHA-256). It was altered, or it is "
        "another document carrying this id.",
    )


def _register_integrity(
    certificate: Certificate,
    stored: _StoredCopy,
    *,
    submitted: dict[str, Any] | None,
) -> list[Check]:
    """The register's own record must agree with the certificate it holds."""
    problems = []
    if stored.document is None or stored.sha256 != certificate.credential_sha256:
        problems.append("its stored signed JSON no longer has the hash recorded at issue")
    elif submitted is not None and not stored.signature.passed:
        problems.append("its stored signed JSON fails its signature check")
    differences = vc.register_differences(certificate, stored.document) if stored.document else []
    if differences:
        problems.append(
            "its searchable record shows a different "
            + ", ".join(differences)
            + " than the signed certificate"
        )
    if not problems:
        return [
            Check(
                "record",
                True,
                f"{certificate.cert_id} is in the register, and the register's record agrees "
                "with the signed certificate and its hash.",
            )
        ]
    return [
        Check(
            "record",
            False,
            f"The register's record of {certificate.cert_id} was altered after issue: "
            + "; ".join(problems)
            + ". Trust the signed certificate and the transparency log, not the register page.",
        )
    ]


def _log_checks(
    *, session: Session, certificate: Certificate, issuer: Issuer, now: datetime, into: _Findings
) -> None:
    entry = (
        session.get(LogEntry, certificate.log_index) if certificate.log_index is not None else None
    )
    payload = json.loads(entry.entry).get("payload", {}) if entry is not None else {}
    if (
        entry is None
        or entry.kind != LogEntryKind.certificate_issued
        or payload.get("cert_id") != certificate.cert_id
    ):
        into.checks.append(
            Check(
                "log",
                False,
                f"The transparency log has no issue entry for {certificate.cert_id} where the "
                "register says it is: the certificate was not logged, or the register was edited.",
            )
        )
        return
    into.log_entry = LogEntryPublic.from_row(entry)
    if payload.get("credential_sha256") != certificate.credential_sha256:
        into.checks.append(
            Check(
                "log",
                False,
                f"The transparency log recorded another hash for {certificate.cert_id} at issue "
                f"(entry {entry.index}): the register's copy was changed after it was logged.",
            )
        )
        return
    head = log_service.current_head(session=session, key=issuer.signing_key(), now=now)
    proof = log_service.inclusion(session=session, index=entry.index, tree_size=head.tree_size)
    into.head = TreeHeadPublic.from_row(head)
    into.proof = InclusionProofPublic.from_proof(proof)
    leaf = merkle.leaf_hash(entry.entry.encode("utf-8"))
    included = leaf == entry.leaf_hash and verify_inclusion(
        leaf, entry.index, head.tree_size, proof.audit_path, head.root_hash
    )
    if included:
        into.checks.append(
            Check(
                "log",
                True,
                f"Logged as entry {entry.index} of the transparency log; the inclusion proof "
                f"checks against the signed tree head of {_entries(head.tree_size)}.",
            )
        )
    else:
        into.checks.append(
            Check(
                "log",
                False,
                f"Entry {entry.index} of the transparency log does not prove into the signed tree "
                "head: the log was altered. Run `hrd-sentinel log verify` and alert the operators.",
            )
        )


def _latest_logged_status(session: Session, certificate: Certificate) -> str | None:
    """The status the log last recorded for the certificate, found by its id in the entries."""
    marker = f'%"cert_id":"{certificate.cert_id}"%'
    statement = (
        select(LogEntry)
        .where(LogEntry.kind.in_(CERTIFICATE_KINDS), LogEntry.entry.like(marker))
        .order_by(LogEntry.index.desc())
        .limit(1)
    )
    if certificate.status_log_index is not None:
        statement = statement.where(LogEntry.index >= certificate.status_log_index)
    latest = session.exec(statement).first()
    if latest is None:
        return None
    return json.loads(latest.entry).get("payload", {}).get("status")


def _status_check(*, session: Session, certificate: Certificate) -> Check:
    status = certificate.status
    logged = _latest_logged_status(session, certificate)
    if logged != status.value:
        return Check(
            "status",
            False,
            f"The register shows {certificate.cert_id} as {status.value}, but the transparency "
            f"log last recorded it as {logged or 'nothing'}: the register was edited without "
            "logging. The log is authoritative.",
        )
    since = certificate.status_changed_at.date().isoformat()
    if status is CertificateStatus.active:
        return Check(
            "status",
            True,
            f"Active: in force until {certificate.expires_at.date().isoformat()}.",
        )
    reason = f" Reason: {certificate.status_reason}" if certificate.status_reason else ""
    return Check(
        "status",
        False,
        f"{STATUS_LABELS[status]} since {since}: the certificate is not in force.{reason}",
    )


def _report(
    submission: Submission,
    cert_id: str | None,
    certificate: Certificate | None,
    findings: _Findings,
    *,
    session: Session,
    issuer: Issuer,
) -> VerificationReport:
    checks = findings.checks
    valid = bool(checks) and all(check.passed for check in checks)
    failed = [check for check in checks if not check.passed]
    if valid and certificate is not None:
        summary = (
            f"Genuine and in force: {certificate.cert_id} certifies "
            f"{certificate.organisation_name} as "
            f"{certificate_service.summary(certificate, base_url=issuer.base_url).tier_label} "
            f"until {certificate.expires_at.date().isoformat()}."
        )
    else:
        summary = "Not valid. " + " ".join(check.detail for check in failed)
    return VerificationReport(
        valid=valid,
        summary=summary,
        cert_id=cert_id,
        source=submission.source,
        signature_valid=_outcome(checks, "signature"),
        matches_register=_outcome(checks, "register", "record"),
        status=certificate.status if certificate is not None else None,
        in_log=_outcome(checks, "log"),
        checks=[VerificationCheck.model_validate(check, from_attributes=True) for check in checks],
        certificate=(
            certificate_service.public_view(
                session=session, certificate=certificate, base_url=issuer.base_url
            )
            if certificate is not None
            else None
        ),
        log_entry=findings.log_entry,
        inclusion_proof=findings.proof,
        tree_head=findings.head,
    )


def _entries(count: int) -> str:
    return f"{count:,} entr{'y' if count == 1 else 'ies'}"


def _outcome(checks: list[Check], *names: str) -> bool | None:
    relevant = [check.passed for check in checks if check.name in names]
    return all(relevant) if relevant else None
