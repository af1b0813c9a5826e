"""Public certificate ids, `HRD-<year>-<6 digits>`: numbered per year, in order of issue.

The number comes from a counter row per year, incremented by a single UPDATE: the row lock
(PostgreSQL) or the write lock (SQLite) hands each number out once, however many approvals run
at the same time; the unique constraint on (year, number) backs it up.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from compliance.certificates.models import CertificateSequence

PATTERN = re.compile(r"HRD-(\d{4})-(\d{6})")
MAX_NUMBER = 999_999


class NumbersExhausted(RuntimeError):
    """A year has used all its certificate numbers."""


def format_cert_id(year: int, number: int) -> str:
    return f"HRD-{year:04d}-{number:06d}"


def is_cert_id(text: str) -> bool:
    return PATTERN.fullmatch(text) is not None


def next_number(*, session: Session, year: int) -> int:
    """The next number of `year`, reserved in the caller's transaction."""
    session.flush()
    bumped = session.execute(
        sa.update(CertificateSequence)
        .where(CertificateSequence.year == year)
        .values(last_number=CertificateSequence.last_number + 1)
        .returning(CertificateSequence.last_number)
    ).scalar_one_or_none()
    if bumped is None:
        try:
            with session.begin_nested():
                session.add(CertificateSequence(year=year, last_number=1))
            bumped = 1
        except IntegrityError:
            return next_number(session=session, year=year)
    if bumped > MAX_NUMBER:
        raise NumbersExhausted(f"all {MAX_NUMBER} certificate numbers of {year} are used")
    return bumped
