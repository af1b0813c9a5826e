"""Database engine and sessions: one session per request, one per job, one per CLI command.

The same code runs on SQLite (the default) and PostgreSQL. Timestamps are stored in UTC and
always come back timezone-aware, whatever the backend.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

MIGRATIONS = Path(__file__).parent / "migrations"


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp that refuses naive datetimes and always reads back aware, in UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(**kwargs: Any) -> sa.Column:
    """A UTC timestamp column for a SQLModel field (`sa_column=utc_column()`)."""
    return sa.Column(UTCDateTime(), **kwargs)


def enum_column(enum: type[StrEnum]) -> sa.Enum:
    """A string enum stored as its value in a VARCHAR (no native enum type to migrate)."""
    return sa.Enum(
        enum, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`, with the pragmas SQLite needs to behave like a real database.

    SQL parameters are hidden from error messages: they can hold protected data (names).
    """
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 15}, hide_parameters=True
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(
        url, pool_pre_ping=True, pool_size=5, max_overflow=10, hide_parameters=True
    )


def engine(app: Flask | None = None) -> Engine:
    """The application's engine."""
    return (app or current_app).extensions["hrd_engine"]


def new_session(app: Flask | None = None) -> Session:
    """A fresh session bound to the application (jobs, CLI commands, tests)."""
    app = app or current_app._get_current_object()
    return Session(engine(app), expire_on_commit=False, info={"app": app})


def session() -> Session:
    """The current request's session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = new_session()
    return g.db_session


@contextmanager
def session_scope(app: Flask | None = None) -> Iterator[Session]:
    """A session that is closed afterwards; the caller commits."""
    db_session = new_session(app)
    try:
        yield db_session
    finally:
        db_session.close()


def _close_request_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


def serialise_writes(session: Session, *, key: int) -> None:
    """Hold a lock named `key` until the session's transaction ends, so that read-then-append
    sequences (audit chain, transparency log) never interleave across processes.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: the database write lock, taken with
    BEGIN IMMEDIATE before anything is read; the driver opens transactions only at the first
    write, so an open transaction already holds that lock and no stale snapshot exists.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    elif connection.dialect.name == "sqlite":
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        raise RuntimeError(
            f"HRD Sentinel runs on PostgreSQL or SQLite, not {connection.dialect.name}"
        )


def alembic_config(url: str) -> Any:
    """An Alembic configuration pointing at our migrations and the given database."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(app: Flask) -> None:
    """Bring the database schema to the newest migration."""
    from alembic import command

    command.upgrade(alembic_config(app.config["DATABASE_URL"]), "heads")


def init_app(app: Flask) -> None:
    app.extensions["hrd_engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_request_session)
