"""The investor's watchlist page: watched organisations, recent alerts, webhooks and their
deliveries (a new webhook's signing secret is shown once)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from pydantic import ValidationError
from sqlmodel import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.accounts.models import Organisation
from compliance.clock import now
from compliance.errors import InvalidInput, NotFound
from compliance.portfolios.models import Portfolio
from compliance.watchlist import service as watchlist_service
from compliance.watchlist.summaries import alert_summary
from compliance.web import login_required
from compliance.web.forms import ConfirmForm
from compliance.web.terms import localized
from compliance.webhooks import service as webhook_service
from compliance.webhooks.delivery import WebhookPolicy
from compliance.webhooks.models import WebhookCreate

bp = Blueprint("web_watchlist", __name__)
SHOWN = 500  # watched organisations listed on the page (the API pages through all)


class WebhookForm(FlaskForm):
    url = StringField(
        lazy_gettext("Receiver URL (https://…)"), validators=[DataRequired(), Length(max=2000)]
    )
    description = StringField(lazy_gettext("Description"), validators=[Optional(), Length(max=300)])


def _page(form: WebhookForm, *, new_secret: str | None = None, status: int = 200):
    actor = current_actor()
    session = db.session()
    watched = watchlist_service.list_page(
        session=session, investor_id=actor.organisation_id, limit=SHOWN, cursor=None
    )
    alerts = watchlist_service.alerts_page(
        session=session, investor_id=actor.organisation_id, limit=20, cursor=None
    )
    shown = [row[0] for row in alerts.items]
    names = dict(
        session.exec(
            select(Organisation.id, Organisation.name).where(
                Organisation.id.in_({alert.organisation_id for alert in shown})
            )
        ).all()
    )
    portfolios = session.exec(
        select(Portfolio)
        .where(Portfolio.organisation_id == actor.organisation_id)
        .order_by(Portfolio.id.desc())
    ).all()
    page = render_template(
        "web/watchlist.html",
        watched=watched.items,
        more_watched=watched.next_cursor is not None,
        alerts=[
            (alert, alert_summary(alert.kind, alert.payload, names[alert.organisation_id]))
            for alert in shown
        ],
        portfolios=portfolios,
        webhooks=webhook_service.list_for(session=session, organisation_id=actor.organisation_id),
        deliveries=webhook_service.recent_deliveries(
            session=session, organisation_id=actor.organisation_id
        ),
        form=form,
        confirm_form=ConfirmForm(),
        new_secret=new_secret,
    )
    return page, status


@bp.get("/watchlist")
@login_required
def watchlist():
    policy.require(current_actor(), "watchlist.manage")
    return _page(WebhookForm())


@bp.post("/watchlist/webhooks")
@login_required
def add_webhook():
    actor = current_actor()
    policy.require(actor, "webhook.manage")
    form = WebhookForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    session = db.session()
    try:
        webhook_in = WebhookCreate(url=form.url.data.strip(), description=form.description.data)
        _webhook, secret = webhook_service.register(
            session=session,
            actor=actor,
            webhook_in=webhook_in,
            policy=WebhookPolicy.from_config(current_app.config),
            max_per_organisation=int(current_app.config["WEBHOOKS_MAX_PER_ORGANISATION"]),
            now=now(),
        )
    except ValidationError:
        form.url.errors = [*form.url.errors, "Give a full http or https URL."]
        return _page(form, status=422)
    except InvalidInput as exc:
        session.rollback()
        form.url.errors = [*form.url.errors, localized(exc.detail)]
        return _page(form, status=422)
    session.commit()
    return _page(WebhookForm(formdata=None), new_secret=secret)


@bp.post("/watchlist/webhooks/<int:webhook_id>/remove")
@login_required
def remove_webhook(webhook_id: int):
    actor = current_actor()
    policy.require(actor, "webhook.manage")
    if not ConfirmForm().validate_on_submit():
        raise InvalidInput("The form expired; reload the page and try again.")
    session = db.session()
    webhook_service.remove(session=session, actor=actor, webhook_id=webhook_id, now=now())
    session.commit()
    flash(gettext("The webhook is removed; its pending deliveries will not be sent."))
    return redirect(url_for("web_watchlist.watchlist"))


@bp.post("/watchlist/<int:organisation_id>/remove")
@login_required
def stop_watching(organisation_id: int):
    actor = current_actor()
    policy.require(actor, "watchlist.manage")
    if not ConfirmForm().validate_on_submit():
        raise InvalidInput("The form expired; reload the page and try again.")
    session = db.session()
    watchlist_service.remove(
        session=session, actor=actor, organisation_id=organisation_id, now=now()
    )
    session.commit()
    flash(gettext("You no longer watch that organisation."))
    return redirect(url_for("web_watchlist.watchlist"))


@bp.post("/watchlist/portfolios/<int:portfolio_id>")
@login_required
def watch_portfolio(portfolio_id: int):
    actor = current_actor()
    policy.require(actor, "watchlist.manage")
    if not ConfirmForm().validate_on_submit():
        raise InvalidInput("The form expired; reload the page and try again.")
    session = db.session()
    try:
        added = watchlist_service.watch_portfolio(
            session=session, actor=actor, portfolio_id=portfolio_id, now=now()
        )
    except InvalidInput as exc:
        session.rollback()
        flash(localized(exc.detail))
        return redirect(url_for("web_watchlist.watchlist"))
    except NotFound:
        raise
    session.commit()
    flash(
        gettext(
            "Now watching %(added)s more organisation(s); %(watching)s in all.",
            added=added.added,
            watching=added.watching,
        )
    )
    return redirect(url_for("web_watchlist.watchlist"))
