"""The signed-in user's account: API tokens, created once and revocable, and the language of
the pages (saved by `compliance.web.i18n.set_language`)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext

from compliance import db, policy
from compliance.accounts import service as account_service
from compliance.accounts.actor import current_actor
from compliance.clock import now
from compliance.web import bp, login_required
from compliance.web.forms import ConfirmForm, NewTokenForm


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    actor = current_actor()
    policy.require(actor, "token.manage")
    form = NewTokenForm()
    new_secret = None
    db_session = db.session()
    if form.validate_on_submit():
        days = min(
            form.expires_days.data or current_app.config["TOKEN_DEFAULT_EXPIRY_DAYS"],
            current_app.config["TOKEN_MAX_EXPIRY_DAYS"],
        )
        _token, new_secret = account_service.issue_token(
            session=db_session,
            user=actor.user,
            name=form.name.data,
            expires_in=timedelta(days=days),
            now=now(),
        )
        db_session.commit()
    listed = account_service.tokens_of(session=db_session, user=actor.user)
    return render_template(
        "web/tokens.html",
        form=form,
        tokens=listed,
        new_secret=new_secret,
        revoke_form=ConfirmForm(),
        now=now(),
    )


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    actor = current_actor()
    policy.require(actor, "token.manage")
    db_session = db.session()
    token = account_service.revoke_token(
        session=db_session, user=actor.user, token_id=token_id, now=now()
    )
    db_session.commit()
    flash(gettext("Token “%(name)s” is revoked.", name=token.name))
    return redirect(url_for("web.tokens"))
