"""The public page of the transparency log: the current signed tree head and the latest entries."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, render_template

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.clock import now
from compliance.credentials.keys import current_signing_key
from compliance.transparency import service as log_service
from compliance.transparency.models import LogEntryPublic, TreeHeadPublic

LATEST = 50

bp = Blueprint("web_log", __name__)


@bp.get("/log")
def transparency_log():
    policy.require(current_actor(), "log.read")
    session = db.session()
    head = log_service.current_head(
        session=session, key=current_signing_key(current_app.config["SIGNING_KEY_DIR"]), now=now()
    )
    session.commit()
    entries = [
        LogEntryPublic.from_row(row)
        for row in log_service.latest_entries(session=session, limit=LATEST)
    ]
    return render_template(
        "log/index.html",
        head=TreeHeadPublic.from_row(head),
        entries=entries,
        payloads={
            entry.index: json.dumps(entry.entry.get("payload"), indent=2) for entry in entries
        },
        latest=LATEST,
    )
