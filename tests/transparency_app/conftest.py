"""Helpers of the transparency-log app tests: filling the log, reading the published keys,
and running `hrd-sentinel log verify`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner

from compliance import db
from compliance.transparency import service as log_service

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def fill_log(app: Flask, count: int, *, first_version: int = 0) -> None:
    """Append `count` methodology entries in one transaction."""
    with db.session_scope(app) as session:
        log_service.append_many(
            session=session,
            entries=[
                ("methodology.published", {"methodology": "hrd-2026", "version": version})
                for version in range(first_version, first_version + count)
            ],
            now=T0 + timedelta(minutes=first_version),
        )
        session.commit()


@pytest.fixture
def keys_file(tmp_path: Path, app: Flask) -> Path:
    """keys.json as the service publishes it, saved where an auditor would keep it."""
    path = tmp_path / "keys.json"
    path.write_text(
        app.test_client().get("/.well-known/hrd-sentinel/keys.json").get_data(as_text=True)
    )
    return path


def verify(runner: FlaskCliRunner, *args: str) -> Result:
    return runner.invoke(args=["log", "verify", *args])


def read_json(path: Path) -> dict:
    return json.loads(path.read_text())
