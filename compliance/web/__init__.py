"""Server-rendered pages: sign-in, the home page of each kind of user, account settings."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, redirect, request, session, url_for

from compliance import db
from compliance.accounts.actor import Actor, current_actor, set_actor
from compliance.accounts.models import Organisation, User
from compliance.api import refuse_nul_characters

bp = Blueprint("web", __name__)


@bp.before_app_request
def load_actor_from_session() -> None:
    """Web pages identify the user by the signed session cookie; the API never does."""
    if request.path.startswith("/api/"):
        return
    actor = None
    user_id = session.get("uid")
    if user_id is not None:
        db_session = db.session()
        user = db_session.get(User, user_id)
        if user is not None and user.active and user.session_epoch == session.get("epoch"):
            actor = Actor(
                user=user, organisation=db_session.get(Organisation, user.organisation_id)
            )
        else:
            session.clear()
    set_actor(actor)


@bp.before_app_request
def refuse_nul_in_forms() -> None:
    """Form fields holding NUL (U+0000) are refused before any view stores them. Multipart
    bodies are left to their views, which may allow a larger body than the default."""
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        refuse_nul_characters(
            (f"/{key}", f"{key}{value}") for key, value in request.form.items(multi=True)
        )


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send visitors who are not signed in to the sign-in page, then back here."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_actor() is None:
            return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


from compliance.web import account, assessments, home, i18n, sign_in  # noqa: E402,F401  (routes on bp)
