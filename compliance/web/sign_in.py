"""Signing in and out with the session cookie."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext

from compliance import db
from compliance.accounts import service as account_service
from compliance.accounts.actor import current_actor
from compliance.audit import service as audit
from compliance.clock import now
from compliance.errors import AuthenticationRequired, TooManyAttempts
from compliance.web import bp
from compliance.web.forms import SignInForm
from compliance.web.terms import localized


def safe_next(target: str | None) -> str:
    """Only redirect within this site after sign-in."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("web.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        db_session = db.session()
        config = current_app.config
        try:
            user = account_service.authenticate(
                session=db_session,
                email=form.email.data,
                password=form.password.data,
                now=now(),
                max_failures=config["LOGIN_MAX_FAILURES"],
                lockout=timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]),
            )
        except (AuthenticationRequired, TooManyAttempts) as exc:
            db_session.commit()
            form.password.errors.append(localized(exc.detail))
            status = exc.status
        else:
            audit.record(session=db_session, actor=user, action="user.signed_in", subject=user)
            db_session.commit()
            session.clear()
            session.permanent = True
            session["uid"], session["epoch"] = user.id, user.session_epoch
            return redirect(safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("web/login.html", form=form), status


@bp.post("/logout")
def logout():
    if current_actor() is not None:  # CSRFProtect has checked the form's token
        session.clear()
        flash(gettext("You are signed out."))
    return redirect(url_for("web.login"))
