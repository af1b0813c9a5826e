"""The methodology in force is published in the transparency log, once per version."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Flask

from compliance import db
from compliance.scores import service as score_service
from compliance.transparency.models import LogEntry


def test_init_publishes_the_methodology_once(app: Flask, runner) -> None:
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0 and "Methodology published" in first.output
    again = runner.invoke(args=["init"])
    assert again.exit_code == 0 and "Methodology published" not in again.output
    with db.session_scope(app) as session:
        entries = (
            session.exec(sa.select(LogEntry).where(LogEntry.kind == "methodology.published"))
            .scalars()
            .all()
        )
    assert len(entries) == 1
    payload = json.loads(entries[0].entry)["payload"]
    rules = score_service.rules()
    assert payload == {
        "methodology_id": rules.id,
        "version": rules.version,
        "content_hash": rules.content_hash,
    }
