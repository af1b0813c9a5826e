"""What verification reads of the register and the log: one small query on a repeat.

Everything a verification reports about the register (the certificate's row, the log entry of
its issue, the inclusion proof and signed tree head, the status the log last recorded, the
register's public view) follows from three facts: the certificate's row, the log's size and
whether an admitted challenge stands against it. Log entries never change, and every status
change or challenge decision appends one, so the findings for those three facts never change
either. They are kept per process under a key read in one query (a fingerprint of the whole
row, the log's size, the challenge flag): the request after a status change, a new log entry,
an admitted challenge or a quiet edit of the row reads a new key and recomputes. Nothing is
served from before such a change, and nothing expires on a timer.
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from compliance.certificates import public_ids
from compliance.certificates import register_checks as checks
from compliance.certificates import service as certificate_service
from compliance.certificates.documents import Check
from compliance.certificates.issuer import Issuer
from compliance.certificates.models import Certificate, CertificatePublic
from compliance.challenges.models import ADMITTED, Challenge
from compliance.transparency import service as log_service

_FINDINGS_MAX = 4096


@dataclass(frozen=True)
class RegisterFindings:
    """The certificate as the register holds it, and what the register and the log say of it.

    `certificate` is a private copy bound to no session: findings are shared between requests.
    """

    certificate: Certificate
    log: checks.LogFindings
    status: Check
    public: CertificatePublic


# engine -> {(row fingerprint, log size, challenge flag, base URL): findings}. Per engine, so
# two databases (tests, a restored copy) never share findings.
_FINDINGS: weakref.WeakKeyDictionary[sa.Engine, dict[tuple, RegisterFindings]] = (
    weakref.WeakKeyDictionary()
)


def lookup(
    *, session: Session, cert_id: str | None, issuer: Issuer, now: datetime
) -> RegisterFindings | None:
    """The findings for the certificate `cert_id` as the database holds it now; None when the
    register has no such certificate."""
    if not cert_id or not public_ids.is_cert_id(cert_id):
        return None
    engine = session.get_bind()
    statements = _statements(engine.dialect.name)
    key = session.execute(statements.key, {"cert_id": cert_id}).first()
    if key is None:
        return None
    kept = _FINDINGS.setdefault(engine, {})
    found = kept.get((*key, issuer.base_url))
    if found is None:
        row = session.execute(statements.row, {"cert_id": cert_id}).first()
        if row is None:  # deleted since the first read
            return None
        *values, fingerprint, tree_size, under_challenge = row
        found = _find(session=session, certificate=_detached(values), issuer=issuer, now=now)
        if len(kept) >= _FINDINGS_MAX:
            kept.clear()
        kept[(fingerprint, tree_size, under_challenge, issuer.base_url)] = found
    return found


def _find(
    *, session: Session, certificate: Certificate, issuer: Issuer, now: datetime
) -> RegisterFindings:
    return RegisterFindings(
        certificate=certificate,
        log=checks.log_findings(session=session, certificate=certificate, issuer=issuer, now=now),
        status=checks.status_check(session=session, certificate=certificate),
        public=certificate_service.public_view(
            session=session, certificate=certificate, base_url=issuer.base_url
        ),
    )


_TABLE = Certificate.__table__


def _detached(values: list) -> Certificate:
    return Certificate.model_validate(dict(zip(_TABLE.c.keys(), values, strict=True)))


@dataclass(frozen=True)
class _Statements:
    key: sa.Select
    row: sa.Select


@functools.cache
def _statements(dialect: str) -> _Statements:
    """The key query and the full-row query, built once per dialect: composing a statement
    costs more than running it."""
    facts = (
        _fingerprint(dialect),
        log_service.tree_size_column(),
        sa.exists().where(
            Challenge.certificate_id == _TABLE.c.id,
            sa.or_(*(Challenge.state == state for state in sorted(ADMITTED))),
        ),
    )
    by_id = _TABLE.c.cert_id == sa.bindparam("cert_id")
    return _Statements(
        key=sa.select(*facts).where(by_id), row=sa.select(*_TABLE.c, *facts).where(by_id)
    )


def _fingerprint(dialect: str) -> sa.ColumnElement[str]:
    """Text that changes whenever any column of the row changes: PostgreSQL's SHA-256 of the
    whole row, elsewhere every column quoted and joined."""
    if dialect == "postgresql":
        whole_row = sa.cast(sa.literal_column(_TABLE.name), sa.Text)
        return sa.func.encode(sa.func.sha256(sa.func.convert_to(whole_row, "UTF8")), "hex")
    return functools.reduce(
        lambda joined, column: joined + "," + column,
        (sa.func.quote(column, type_=sa.Text) for column in _TABLE.c),
    )
