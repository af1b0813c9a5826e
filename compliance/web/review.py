"""The reviewers' pages: the queue of submitted assessments and the review of one of them
(answers with guidance, evidence to verify or reject, the score, matched incidents, the scope,
and the decision that asks for changes, rejects, or approves and issues the certificate)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from sqlmodel import select

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.accounts.models import Organisation
from compliance.assessments import service as assessment_service
from compliance.assessments.models import Assessment, AssessmentStatus, Decision, EvidenceReview
from compliance.certificates import issuing
from compliance.certificates import service as certificate_service
from compliance.clock import now
from compliance.errors import Conflict, InvalidInput
from compliance.screening import service as screening_service
from compliance.web import i18n, login_required
from compliance.web.terms import localized, term
from questionnaires.model import AnswerType
from questionnaires.view import QuestionView, localize

bp = Blueprint("web_review", __name__)

QUEUE = (AssessmentStatus.submitted, AssessmentStatus.under_review)
RECENT = 20
DECISION_LABELS = {
    "start_review": lazy_gettext("Review started."),
    "request_changes": lazy_gettext("Changes requested: the company sees your comments."),
    "approve": lazy_gettext("Approved: the certificate is issued."),
    "reject": lazy_gettext("Rejected."),
}


@dataclass(frozen=True)
class AnsweredQuestion:
    """One question as the reviewer reads it: text, guidance, the answer and its evidence."""

    question: QuestionView
    answer: str | None
    evidence_refs: list[str]
    comment: str


def _reviewable(assessment_id: int) -> Assessment:
    actor = current_actor()
    policy.require(actor, "review.queue")
    return assessment_service.get_visible(
        session=db.session(), actor=actor, assessment_id=assessment_id
    )


def _organisations(ids: set[int]) -> dict[int, Organisation]:
    if not ids:
        return {}
    rows = db.session().exec(select(Organisation).where(Organisation.id.in_(ids))).all()
    return {row.id: row for row in rows}


@bp.get("/review")
@login_required
def queue():
    policy.require(current_actor(), "review.queue")
    session = db.session()
    waiting = session.exec(
        select(Assessment)
        .where(Assessment.status.in_(QUEUE))
        .order_by(Assessment.submitted_at, Assessment.id)
    ).all()
    recent = session.exec(
        select(Assessment)
        .where(Assessment.status.in_((AssessmentStatus.approved, AssessmentStatus.rejected)))
        .order_by(Assessment.decided_at.desc())
        .limit(RECENT)
    ).all()
    certificates = {
        a.id: certificate_service.for_assessment(session=session, assessment_id=a.id)
        for a in recent
    }
    return render_template(
        "review/queue.html",
        waiting=waiting,
        recent=recent,
        certificates=certificates,
        organisations=_organisations({a.organisation_id for a in (*waiting, *recent)}),
    )


def _display(question: QuestionView, value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    labels = {choice.key: choice.label for choice in question.choices}
    if isinstance(value, list):
        return "; ".join(labels.get(item, str(item)) for item in value)
    if question.type in (AnswerType.SINGLE_CHOICE, AnswerType.YES_PARTLY_NO):
        return labels.get(value, str(value))
    return str(value)


@bp.get("/review/<int:assessment_id>")
@login_required
def review(assessment_id: int):
    assessment = _reviewable(assessment_id)
    session = db.session()
    answers, evidence, _progress, _missing = assessment_service.standing(
        session=session, assessment=assessment
    )
    view = localize(assessment_service.questionnaire_of(assessment), i18n.language())
    refs = assessment_service.evidence_by_question(evidence)
    sections = [
        (
            section,
            [
                AnsweredQuestion(
                    question=question,
                    answer=_display(question, answers.get(question.id)),
                    evidence_refs=refs.get(question.id, []),
                    comment=assessment.review_comments.get(question.id, ""),
                )
                for question in section.questions
                if question.id in answers or question.id in refs
            ],
        )
        for section in view.sections
    ]
    actor = current_actor()
    matched = screening_service.list_page(
        session=session,
        actor=actor,
        filters=screening_service.MatchFilters(organisation_id=assessment.organisation_id),
        limit=current_app.config["PAGE_MAX_LIMIT"],
        cursor=None,
    )
    return render_template(
        "review/assessment.html",
        assessment=assessment,
        organisation=session.get(Organisation, assessment.organisation_id),
        questionnaire=view,
        sections=sections,
        evidence=evidence,
        scope=issuing.scope_of(session=session, assessment_id=assessment.id),
        matches=[screening_service.match_card(row, actor) for row in matched.items],
        may_review=policy.allowed(actor, "match.review"),
        may_respond_to=lambda item: False,
        certificate=certificate_service.for_assessment(
            session=session, assessment_id=assessment.id
        ),
        open_for_decision=assessment.status in QUEUE,
    )


@bp.post("/review/<int:assessment_id>/evidence/<int:evidence_id>")
@login_required
def review_evidence(assessment_id: int, evidence_id: int):
    assessment = _reviewable(assessment_id)
    actor = current_actor()
    policy.require(actor, "evidence.review", assessment)
    session = db.session()
    evidence = assessment_service.get_evidence(
        session=session, assessment=assessment, evidence_id=evidence_id
    )
    choice = request.form.get("review", "")
    try:
        if choice not in (EvidenceReview.verified, EvidenceReview.rejected):
            raise InvalidInput("Choose verified or rejected.")
        assessment_service.review_evidence(
            session=session,
            actor=actor,
            assessment=assessment,
            evidence=evidence,
            review=EvidenceReview(choice),
            note=(request.form.get("note") or "").strip()[:2000] or None,
            now=now(),
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        flash(
            gettext(
                "%(ref)s not updated: %(detail)s", ref=evidence.ref, detail=localized(exc.detail)
            )
        )
    else:
        session.commit()
        flash(
            gettext(
                "%(ref)s marked %(choice)s.",
                ref=evidence.ref,
                choice=term(choice, "EvidenceReview", lower=True),
            )
        )
    return redirect(url_for("web_review.review", assessment_id=assessment.id) + "#evidence")


@bp.post("/review/<int:assessment_id>/decision")
@login_required
def decide(assessment_id: int):
    assessment = _reviewable(assessment_id)
    actor = current_actor()
    policy.require(actor, "assessment.decide", assessment)
    session = db.session()
    comments = {
        key.removeprefix("comment_"): value.strip()[:2000]
        for key, value in request.form.items()
        if key.startswith("comment_") and value.strip()
    }
    try:
        decision = Decision.model_validate(
            {
                "decision": request.form.get("decision", ""),
                "note": (request.form.get("note") or "").strip()[:4000] or None,
                "comments": comments if request.form.get("decision") == "request_changes" else {},
            }
        )
        assessment_service.decide(
            session=session, actor=actor, assessment=assessment, decision=decision, now=now()
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        flash(gettext("Decision not recorded: %(detail)s", detail=localized(exc.detail)))
        return redirect(url_for("web_review.review", assessment_id=assessment_id))
    except ValueError:
        session.rollback()
        flash(gettext("Decision not recorded: choose one of the decision buttons."))
        return redirect(url_for("web_review.review", assessment_id=assessment_id))
    session.commit()
    flash(DECISION_LABELS[decision.decision])
    certificate = certificate_service.for_assessment(session=session, assessment_id=assessment.id)
    if certificate is not None and decision.decision == "approve":
        return redirect(url_for("web_certificates.certificate", cert_id=certificate.cert_id))
    return redirect(url_for("web_review.review", assessment_id=assessment.id))
