"""Matched incidents: organisations read and answer the incidents matched to them, reviewers
confirm or dismiss matches, investors and NGOs read confirmed matches with their responses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from pydantic import ValidationError
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.clock import now
from compliance.errors import InvalidInput
from compliance.pagination import page_size
from compliance.screening import service as screening_service
from compliance.screening.models import MatchResponseIn, MatchStatus, ResponseStep, ReviewRequest
from compliance.web import login_required
from compliance.web.sign_in import safe_next
from compliance.web.terms import localized

bp = Blueprint("web_screening", __name__)


class ReviewForm(FlaskForm):
    decision = RadioField(
        lazy_gettext("Decision"),
        choices=[
            SelectChoice("confirm", lazy_gettext("Confirm the link")),
            SelectChoice("dismiss", lazy_gettext("Dismiss the match")),
        ],
        validators=[DataRequired(lazy_gettext("Choose confirm or dismiss."))],
    )
    reason = TextAreaField(
        lazy_gettext("Reason"),
        validators=[DataRequired(lazy_gettext("Give the reason.")), Length(min=3, max=2000)],
    )


class ResponseForm(FlaskForm):
    public_response = TextAreaField(lazy_gettext("Your public response"))
    investigation_opened = BooleanField(lazy_gettext("We opened an investigation"))
    investigation_description = TextAreaField(
        lazy_gettext("The investigation: who runs it, scope, status")
    )
    remedy_offered = TextAreaField(lazy_gettext("Remedy offered to those affected"))
    public_response_links = TextAreaField(
        lazy_gettext("Links to your published response (one per line)")
    )
    investigation_links = TextAreaField(
        lazy_gettext("Links evidencing the investigation (one per line)")
    )
    remedy_links = TextAreaField(lazy_gettext("Links evidencing the remedy (one per line)"))

    def payload(self) -> dict[str, Any]:
        links = {
            ResponseStep.public_response: self.public_response_links.data,
            ResponseStep.investigation: self.investigation_links.data,
            ResponseStep.remedy: self.remedy_links.data,
        }
        return {
            "public_response": self.public_response.data,
            "investigation_opened": bool(self.investigation_opened.data),
            "investigation_description": self.investigation_description.data,
            "remedy_offered": self.remedy_offered.data,
            "evidence": [
                {"supports": step.value, "url": line.strip()}
                for step, text in links.items()
                for line in (text or "").splitlines()
                if line.strip()
            ],
        }


def _back(match_id: int):
    """Back where the form was: a page other than the list (the review of an assessment) gives
    its own address as `next`, so the reviewer goes on from there."""
    target = request.form.get("next")
    if target and safe_next(target) == target:
        return redirect(target)
    return redirect(url_for("web_screening.matches", _anchor=f"match-{match_id}"))


def _flash_problems(exc: ValidationError) -> None:
    for error in exc.errors(include_input=False, include_url=False):
        where = ".".join(str(part) for part in error["loc"]) or "answer"
        flash(gettext("Not saved: %(where)s: %(msg)s", where=where, msg=error["msg"]))


@bp.get("/matches")
@login_required
def matches():
    actor = current_actor()
    policy.require(actor, "match.list")
    status = request.args.get("status")
    status = MatchStatus(status) if status in {s.value for s in MatchStatus} else None
    if status is None and actor.is_reviewer and "status" not in request.args:
        status = MatchStatus.suggested
    page = screening_service.list_page(
        session=db.session(),
        actor=actor,
        filters=screening_service.MatchFilters(status=status),
        limit=page_size(request.args.get("limit", type=int), current_app.config),
        cursor=request.args.get("cursor"),
    )
    items = [screening_service.match_card(row, actor) for row in page.items]
    return render_template(
        "screening/matches.html",
        items=items,
        next_cursor=page.next_cursor,
        status=status.value if status else "",
        statuses=[s.value for s in MatchStatus],
        may_review=policy.allowed(actor, "match.review"),
        may_respond_to=may_respond_to(actor, {row.match.id: row.match for row in page.items}),
    )


def may_respond_to(actor, listed: dict) -> Callable[[Any], bool]:
    """For the match card: may this actor answer the match shown (its right of reply)?"""
    return lambda item: policy.allowed(actor, "match.respond", listed[item.id])


@bp.post("/matches/<int:match_id>/review")
@login_required
def review(match_id: int):
    actor = current_actor()
    policy.require(actor, "match.review")
    session = db.session()
    row = screening_service.get_visible(session=session, actor=actor, match_id=match_id)
    form = ReviewForm()
    if not form.validate():
        for errors in form.errors.values():
            for message in errors:
                flash(gettext("Not saved: %(message)s", message=message))
        return _back(match_id)
    decision = ReviewRequest(decision=form.decision.data, reason=form.reason.data.strip())
    screening_service.review(
        session=session, match=row.match, request=decision, actor=actor, now=now()
    )
    session.commit()
    flash(
        gettext(
            "Match %(match_id)s confirmed; the decision holds at re-screening.",
            match_id=match_id,
        )
        if decision.decision.value == "confirm"
        else gettext(
            "Match %(match_id)s dismissed; the decision holds at re-screening.",
            match_id=match_id,
        )
    )
    return _back(match_id)


@bp.post("/matches/<int:match_id>/response")
@login_required
def respond(match_id: int):
    actor = current_actor()
    session = db.session()
    row = screening_service.get_visible(session=session, actor=actor, match_id=match_id)
    policy.require(actor, "match.respond", row.match)
    form = ResponseForm()
    if not form.validate():
        flash(gettext("Not saved: the form expired. Reload the page and try again."))
        return _back(match_id)
    try:
        answer = MatchResponseIn.model_validate(form.payload())
        screening_service.respond(
            session=session, match=row.match, response_in=answer, actor=actor, now=now()
        )
    except ValidationError as exc:
        _flash_problems(exc)
        return _back(match_id)
    except InvalidInput as exc:
        flash(gettext("Not saved: %(detail)s", detail=localized(exc.detail)))
        return _back(match_id)
    session.commit()
    flash(gettext("Your response is saved. Reviewers, investors and NGOs see it with the match."))
    return _back(match_id)
