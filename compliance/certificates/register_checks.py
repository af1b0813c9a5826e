"""The checks verification makes against the register and the transparency log.

The register's stored copy must carry a valid signature, hash to what the log recorded when it
was issued, and agree with the register's searchable fields; the log must hold the issue entry
where the register says, prove it into a signed tree head, and have last recorded the status
the register shows. Each check is answered in plain words.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from compliance.certificates import credential as vc
from compliance.certificates.documents import Check, signature_check
from compliance.certificates.issuer import Issuer
from compliance.certificates.models import Certificate, CertificateStatus
from compliance.phrases import Phrase, joined
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
class LogFindings:
    """The log check, with the entry, proof and signed head it rests on (as far as it got)."""

    check: Check
    entry: LogEntryPublic | None = None
    proof: InclusionProofPublic | None = None
    head: TreeHeadPublic | None = None


@dataclass(frozen=True)
class StoredCopy:
    """What the register's stored signed JSON is: its document, canonical hash and signature."""

    document: dict[str, Any] | None
    sha256: str | None
    signature: Check | None


# (stored JSON text, ids of the published keys) -> its facts. Canonicalising and checking the
# signature cost most of a verification; they depend only on the text and the keys (a key id is
# the key's thumbprint), so an edited copy is a new text and is checked afresh.
_STORED_COPIES: dict[tuple[str, tuple[str, ...]], StoredCopy] = {}
_STORED_COPIES_MAX = 4096


def stored_copy(text: str, keys: dict[str, Any]) -> StoredCopy:
    cache_key = (text, tuple(sorted(keys)))
    copy = _STORED_COPIES.get(cache_key)
    if copy is None:
        if len(_STORED_COPIES) >= _STORED_COPIES_MAX:
            _STORED_COPIES.clear()
        copy = _STORED_COPIES[cache_key] = _read_stored_copy(text, keys)
    return copy


def _read_stored_copy(text: str, keys: dict[str, Any]) -> StoredCopy:
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        return StoredCopy(None, None, None)
    return StoredCopy(document, vc.sha256_of(document), signature_check(document, keys=keys))


def stored_signature(certificate: Certificate, stored: StoredCopy) -> Check:
    if stored.signature is None:
        return Check(
            "signature",
            False,
            Phrase(
                "The register's copy of %(cert_id)s is not readable JSON: the database was "
                "damaged or altered.",
                cert_id=certificate.cert_id,
            ),
        )
    if stored.signature.passed:
        return stored.signature
    return Check(
        "signature",
        False,
        Phrase(
            "The register's stored copy of %(cert_id)s fails its signature check, so the "
            "database was altered after issue. %(signature)s",
            cert_id=certificate.cert_id,
            signature=stored.signature.detail,
        ),
    )


def matches_register(certificate: Certificate, credential: dict[str, Any]) -> Check:
    if vc.sha256_of(credential) == certificate.credential_sha256:
        return Check(
            "register",
            True,
            Phrase(
                "The document is exactly certificate %(cert_id)s as issued (SHA-256 %(sha256)s).",
                cert_id=certificate.cert_id,
                sha256=certificate.credential_sha256,
            ),
        )
    return Check(
        "register",
        False,
        Phrase(
            "The document does not match certificate %(cert_id)s in the register: its content "
            "differs from what was issued (different SHA-256). It was altered, or it is another "
            "document carrying this id.",
            cert_id=certificate.cert_id,
        ),
    )


def register_integrity(
    certificate: Certificate,
    stored: StoredCopy,
    *,
    submitted: dict[str, Any] | None,
) -> list[Check]:
    """The register's own record must agree with the certificate it holds."""
    problems: list[str] = []
    if stored.document is None or stored.sha256 != certificate.credential_sha256:
        problems.append(Phrase("its stored signed JSON no longer has the hash recorded at issue"))
    elif submitted is not None and not stored.signature.passed:
        problems.append(Phrase("its stored signed JSON fails its signature check"))
    differences = vc.register_differences(certificate, stored.document) if stored.document else []
    if differences:
        problems.append(
            Phrase(
                "its searchable record shows a different %(fields)s than the signed certificate",
                fields=joined(differences, ", "),
            )
        )
    if not problems:
        return [
            Check(
                "record",
                True,
                Phrase(
                    "%(cert_id)s is in the register, and the register's record agrees with the "
                    "signed certificate and its hash.",
                    cert_id=certificate.cert_id,
                ),
            )
        ]
    return [
        Check(
            "record",
            False,
            Phrase(
                "The register's record of %(cert_id)s was altered after issue: %(problems)s. "
                "Trust the signed certificate and the transparency log, not the register page.",
                cert_id=certificate.cert_id,
                problems=joined(problems, "; "),
            ),
        )
    ]


def log_findings(
    *, session: Session, certificate: Certificate, issuer: Issuer, now: datetime
) -> LogFindings:
    entry = (
        session.get(LogEntry, certificate.log_index) if certificate.log_index is not None else None
    )
    payload = json.loads(entry.entry).get("payload", {}) if entry is not None else {}
    if (
        entry is None
        or entry.kind != LogEntryKind.certificate_issued
        or payload.get("cert_id") != certificate.cert_id
    ):
        return LogFindings(
            Check(
                "log",
                False,
                Phrase(
                    "The transparency log has no issue entry for %(cert_id)s where the register "
                    "says it is: the certificate was not logged, or the register was edited.",
                    cert_id=certificate.cert_id,
                ),
            )
        )
    log_entry = LogEntryPublic.from_row(entry)
    if payload.get("credential_sha256") != certificate.credential_sha256:
        return LogFindings(
            Check(
                "log",
                False,
                Phrase(
                    "The transparency log recorded another hash for %(cert_id)s at issue (entry "
                    "%(index)s): the register's copy was changed after it was logged.",
                    cert_id=certificate.cert_id,
                    index=entry.index,
                ),
            ),
            log_entry,
        )
    head = log_service.current_head(session=session, key=issuer.signing_key(), now=now)
    proof = log_service.inclusion(session=session, index=entry.index, tree_size=head.tree_size)
    leaf = merkle.leaf_hash(entry.entry.encode("utf-8"))
    included = leaf == entry.leaf_hash and verify_inclusion(
        leaf, entry.index, head.tree_size, proof.audit_path, head.root_hash
    )
    check = (
        Check(
            "log",
            True,
            Phrase(
                "Logged as entry %(index)s of the transparency log; the inclusion proof checks "
                "against the signed tree head of %(entries)s.",
                index=entry.index,
                entries=_entries(head.tree_size),
            ),
        )
        if included
        else Check(
            "log",
            False,
            Phrase(
                "Entry %(index)s of the transparency log does not prove into the signed tree "
                "head: the log was altered. Run `hrd-sentinel log verify` and alert the "
                "operators.",
                index=entry.index,
            ),
        )
    )
    return LogFindings(
        check, log_entry, InclusionProofPublic.from_proof(proof), TreeHeadPublic.from_row(head)
    )


def _entries(count: int) -> Phrase:
    written = format(count, ",")
    if count == 1:
        return Phrase("%(count)s entry", count=written)
    return Phrase("%(count)s entries", count=written)


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


def status_check(*, session: Session, certificate: Certificate) -> Check:
    status = certificate.status
    logged = _latest_logged_status(session, certificate)
    if logged != status.value:
        return Check("status", False, _contradicted(certificate, logged))
    if status is CertificateStatus.active:
        return Check(
            "status",
            True,
            Phrase(
                "Active: in force until %(expires_on)s.",
                expires_on=certificate.expires_at.date().isoformat(),
            ),
        )
    not_in_force = _NOT_IN_FORCE[status](certificate.status_changed_at.date().isoformat())
    if certificate.status_reason:
        not_in_force = Phrase(
            "%(not_in_force)s Reason: %(reason)s",
            not_in_force=not_in_force,
            reason=certificate.status_reason,
        )
    return Check("status", False, not_in_force)


def _contradicted(certificate: Certificate, logged: str | None) -> Phrase:
    """The register's status is not the one the log last recorded (or the log recorded none)."""
    if not logged:
        return Phrase(
            "The register shows %(cert_id)s as %(status)s, but the transparency log last "
            "recorded it as nothing: the register was edited without logging. The log is "
            "authoritative.",
            cert_id=certificate.cert_id,
            status=certificate.status.value,
        )
    return Phrase(
        "The register shows %(cert_id)s as %(status)s, but the transparency log last recorded "
        "it as %(logged)s: the register was edited without logging. The log is authoritative.",
        cert_id=certificate.cert_id,
        status=certificate.status.value,
        logged=logged,
    )


# A sentence for each status that is not in force (rather than a label set into one sentence),
# so that each language can make the status agree with the certificate.
_NOT_IN_FORCE: dict[CertificateStatus, Callable[[str], Phrase]] = {
    CertificateStatus.suspended: lambda since: Phrase(
        "Suspended since %(since)s: the certificate is not in force.", since=since
    ),
    CertificateStatus.revoked: lambda since: Phrase(
        "Revoked since %(since)s: the certificate is not in force.", since=since
    ),
    CertificateStatus.expired: lambda since: Phrase(
        "Expired since %(since)s: the certificate is not in force.", since=since
    ),
    CertificateStatus.superseded: lambda since: Phrase(
        "Superseded since %(since)s: the certificate is not in force.", since=since
    ),
}
