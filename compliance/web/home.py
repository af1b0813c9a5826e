"""The landing page for visitors and the home page of each kind of user."""

from __future__ import annotations

from flask import render_template

from compliance.accounts.actor import current_actor
from compliance.web import bp


@bp.get("/")
def home():
    actor = current_actor()
    if actor is None:
        return render_template("web/landing.html")
    return render_template(f"web/home_{actor.kind}.html", actor=actor)
