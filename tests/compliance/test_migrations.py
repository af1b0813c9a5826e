"""The migrations build exactly the schema the models describe, as one line of history."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlmodel import SQLModel

import compliance.models  # noqa: F401  every table registers itself on the metadata
from compliance import db


def test_migrations_match_the_models(app: Flask) -> None:
    with db.engine(app).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_migration_history_is_one_line(app: Flask) -> None:
    script = ScriptDirectory.from_config(db.alembic_config(app.config["DATABASE_URL"]))
    assert len(script.get_heads()) == 1
