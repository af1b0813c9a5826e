"""A certificate's life after issue: suspend, reinstate, revoke, expire, supersede.

Each change is a conditional UPDATE (two reviewers acting at once cannot both succeed), is
audited, queues the re-rendering of the PDF, and is appended to the transparency log. The
revocation and suspension Bitstring Status Lists are derived from the statuses, so they change
with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from compliance.audit import service as audit
from compliance.certificates import rendering
from compliance.certificates.credential import issuer_id, sign, status_list_url
from compliance.certificates.issuer import Issuer
from compliance.certificates.models import Certificate, CertificateStatus
from compliance.credentials.jcs import JsonValue
from compliance.credentials.status_list import (
    MIN_ENTRIES,
    Bitstring,
    StatusPurpose,
    status_list_credential,
)
from compliance.credentials.timestamps import to_datetime_stamp as stamp
from compliance.errors import Conflict
from compliance.phrases import Phrase, joined
from compliance.transparency import service as log_service
from compliance.transparency.models import LogEntryKind
from compliance.watchlist import service as watchlist

ACTIVE = CertificateStatus.active
SUSPENDED = CertificateStatus.suspended

# action -> (statuses it applies to, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[CertificateStatus], CertificateStatus]] = {
    "suspend": (frozenset({ACTIVE}), SUSPENDED),
    "reinstate": (frozenset({SUSPENDED}), ACTIVE),
    "revoke": (frozenset({ACTIVE, SUSPENDED}), CertificateStatus.revoked),
    "expire": (frozenset({ACTIVE, SUSPENDED}), CertificateStatus.expired),
    "supersede": (frozenset({ACTIVE, SUSPENDED}), CertificateStatus.superseded),
}
# Which statuses set a certificate's bit in each published list.
LISTED: dict[StatusPurpose, frozenset[CertificateStatus]] = {
    StatusPurpose.REVOCATION: frozenset({CertificateStatus.revoked, CertificateStatus.superseded}),
    StatusPurpose.SUSPENSION: frozenset({SUSPENDED}),
}


class StatusChangeRefused(Conflict):
    """The certificate is not in a status the change applies to."""


def log_payload(certificate: Certificate) -> dict[str, JsonValue]:
    """What the public log records of an issue or status change: ids, hash, status and dates."""
    return {
        "cert_id": certificate.cert_id,
        "credential_sha256": certificate.credential_sha256,
        "status": certificate.status.value,
        "tier": certificate.tier.value,
        "issued_at": stamp(certificate.issued_at),
        "expires_at": stamp(certificate.expires_at),
        "status_changed_at": stamp(certificate.status_changed_at),
    }


def transition(
    *,
    session: Session,
    actor: Any,
    certificate: Certificate,
    action: str,
    reason: str,
    now: datetime,
    superseded_by: Certificate | None = None,
) -> None:
    """Move the certificate to its new status, or refuse; no PDF, no log entry yet."""
    allowed_from, target = TRANSITIONS[action]
    if action == "reinstate" and now >= certificate.expires_at:
        raise StatusChangeRefused(
            Phrase(
                "Certificate %(cert_id)s expired on %(expired_on)s; it cannot be reinstated. The "
                "organisation needs a new assessment.",
                cert_id=certificate.cert_id,
                expired_on=certificate.expires_at.date().isoformat(),
            )
        )
    values: dict[str, Any] = {"status": target, "status_reason": reason, "status_changed_at": now}
    if superseded_by is not None:
        values["superseded_by_id"] = superseded_by.id
    changed = session.execute(
        sa.update(Certificate)
        .where(Certificate.id == certificate.id, Certificate.status.in_(allowed_from))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        session.refresh(certificate, ["status"])
        raise StatusChangeRefused(
            Phrase(
                "Certificate %(cert_id)s is %(status)s; '%(action)s' applies only to "
                "%(statuses)s certificates.",
                cert_id=certificate.cert_id,
                status=certificate.status.value,
                action=action,
                statuses=joined(sorted(s.value for s in allowed_from), " or "),
            )
        )
    for name, value in values.items():
        set_committed_value(certificate, name, value)  # written by the UPDATE above
    audit.record(
        session=session,
        actor=actor,
        action=f"certificate.{action}",
        subject=certificate,
        details={"cert_id": certificate.cert_id, "status": target.value},
        now=now,
    )


def append_to_log(
    *,
    session: Session,
    issued: Certificate | None,
    changed: Sequence[Certificate],
    now: datetime,
) -> None:
    """Append the issue and the status changes, in one go: call last, just before committing
    (the log stays locked until the commit)."""
    entries: list[tuple[str, dict[str, JsonValue]]] = []
    if issued is not None:
        entries.append((LogEntryKind.certificate_issued, log_payload(issued)))
    entries += [(LogEntryKind.certificate_status_changed, log_payload(c)) for c in changed]
    rows = log_service.append_many(session=session, entries=entries, now=now)
    certificates = ([issued] if issued is not None else []) + list(changed)
    for certificate, row in zip(certificates, rows, strict=True):
        if certificate is issued:
            certificate.log_index = row.index
        certificate.status_log_index = row.index
        session.add(certificate)
    watchlist.certificate_changed(session=session, issued=issued, changed=changed, now=now)


def change_status(
    *,
    session: Session,
    actor: Any,
    certificate: Certificate,
    action: str,
    reason: str,
    now: datetime,
) -> Certificate:
    """A reviewer's (or a challenge decision's) change, complete: status, audit, log, and the
    PDF's re-rendering queued (until it has run, the PDF is not served)."""
    transition(
        session=session,
        actor=actor,
        certificate=certificate,
        action=action,
        reason=reason,
        now=now,
    )
    rendering.queue_rendering(session=session, certificate=certificate)
    append_to_log(session=session, issued=None, changed=[certificate], now=now)
    return certificate


def expire_due(*, session: Session, now: datetime) -> int:
    """Mark every active or suspended certificate past its expiry date as expired."""
    due = session.exec(
        select(Certificate)
        .where(
            Certificate.status.in_(TRANSITIONS["expire"][0]),
            Certificate.expires_at <= now,
        )
        .order_by(Certificate.id)
    ).all()
    for certificate in due:
        transition(
            session=session,
            actor=None,
            certificate=certificate,
            action="expire",
            reason="Reached its expiry date, 12 months after issue.",
            now=now,
        )
        rendering.queue_rendering(session=session, certificate=certificate)
    if due:
        append_to_log(session=session, issued=None, changed=due, now=now)
    return len(due)


def bitstring(*, session: Session, purpose: StatusPurpose) -> Bitstring:
    """The list of `purpose` as the statuses stand now."""
    indices = session.exec(
        select(Certificate.id).where(Certificate.status.in_(LISTED[purpose]))
    ).all()
    largest = session.execute(sa.select(sa.func.max(Certificate.id))).scalar_one() or 0
    size = max(MIN_ENTRIES, (largest // MIN_ENTRIES + 1) * MIN_ENTRIES)
    bits = Bitstring(size)
    for index in indices:
        bits.set(index)
    return bits


def status_list_document(
    *, session: Session, purpose: StatusPurpose, issuer: Issuer, now: datetime
) -> dict[str, JsonValue]:
    """The signed BitstringStatusListCredential of `purpose`.

    Its validFrom is the moment of the last issue or status change, so the document (and its
    deterministic Ed25519 signature) only changes when a status does.
    """
    last_change = session.execute(
        sa.select(sa.func.max(Certificate.status_changed_at))
    ).scalar_one()
    valid_from = last_change or now
    unsigned = status_list_credential(
        credential_id=status_list_url(issuer.base_url, purpose),
        issuer=issuer_id(issuer.base_url),
        valid_from=valid_from,
        purpose=purpose,
        bitstring=bitstring(session=session, purpose=purpose),
    )
    return sign(unsigned, key=issuer.signing_key(), base_url=issuer.base_url, now=valid_from)
