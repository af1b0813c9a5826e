"""Challenge pages: each certificate's public, redacted case tracker; filing (NGO members or
anyone anonymously); the case page with the company's response form and the reviewers'
decision form; the reviewers' triage list with overdue flags; and each user's messages (the
outbox, readable without e-mail)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from pydantic import TypeAdapter, ValidationError
from werkzeug.datastructures import FileStorage
from wtforms import DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api.files import download, file_store
from compliance.certificates import service as certificate_service
from compliance.certificates.issuer import Issuer
from compliance.challenges import service as challenge_service
from compliance.challenges.deadlines import DeadlinePolicy
from compliance.challenges.models import (
    ChallengeCreate,
    ChallengeDecisionIn,
    ChallengeResponseIn,
    ChallengeState,
    EvidenceParty,
    Link,
    Outcome,
)
from compliance.challenges.service import DECISIONS
from compliance.clock import now
from compliance.errors import Conflict, InvalidInput
from compliance.notifications import service as outbox
from compliance.web import login_required
from compliance.web.terms import localized, term

bp = Blueprint("web_challenges", __name__)


@bp.get("/certificates/<cert_id>/challenges")
def tracker(cert_id: str):
    policy.require(current_actor(), "challenge.track")
    session = db.session()
    certificate = certificate_service.get(session=session, cert_id=cert_id)
    moment = now()
    return render_template(
        "challenges/tracker.html",
        cert_id=certificate.cert_id,
        organisation_name=certificate.organisation_name,
        under_challenge=challenge_service.is_under_challenge(
            session=session, certificate_id=certificate.id
        ),
        cases=[
            challenge_service.tracker_entry(session=session, challenge=c, now=moment)
            for c in challenge_service.for_certificate(
                session=session, certificate_id=certificate.id
            )
        ],
    )


@bp.get("/challenges/triage")
@login_required
def triage():
    policy.require(current_actor(), "challenge.decide")
    session = db.session()
    moment = now()
    open_cases = challenge_service.open_cases(session=session)
    alerts = challenge_service.alert_counts(
        session=session, challenge_ids=[c.id for c in open_cases]
    )
    return render_template(
        "challenges/triage.html",
        cases=[
            challenge_service.tracker_entry(session=session, challenge=c, now=moment)
            for c in open_cases
        ],
        alerts={c.case_number: alerts.get(c.id, 0) for c in open_cases},
    )


@bp.get("/messages")
@login_required
def messages():
    actor = current_actor()
    policy.require(actor, "account.read")
    return render_template(
        "challenges/messages.html",
        messages=outbox.for_user(session=db.session(), user_id=actor.id),
    )


class FileChallengeForm(FlaskForm):
    claim = SelectField(
        lazy_gettext("What do you contest?"),
        choices=[
            SelectChoice("certificate", lazy_gettext("The whole certificate")),
            SelectChoice("section", lazy_gettext("A section")),
            SelectChoice("indicator", lazy_gettext("An indicator (question)")),
            SelectChoice("scope", lazy_gettext("The scope")),
        ],
    )
    ref = StringField(lazy_gettext("Section or question id (for a section or an indicator)"))
    grounds = TextAreaField(
        lazy_gettext("Grounds"), validators=[DataRequired(), Length(min=20, max=20_000)]
    )
    evidence_links = TextAreaField(lazy_gettext("Evidence links, one per line"))
    incident_refs = StringField(lazy_gettext("Incident references, separated by commas"))
    contact_email = EmailField(
        lazy_gettext("Contact e-mail (optional, kept protected; only if you are not signed in)"),
        validators=[Optional(), Email(), Length(max=320)],
    )
    community = StringField(
        lazy_gettext(
            "Community you speak for (optional, kept protected: reviewers watch for incidents "
            "naming it)"
        ),
        validators=[Optional(), Length(max=300)],
    )
    files = MultipleFileField(
        lazy_gettext(
            "Evidence files (optional; PDF, images, office documents or text). Only the reviewers "
            "see them, never the company, because a file can reveal who filed"
        )
    )


class EvidenceForm(FlaskForm):
    file = FileField(lazy_gettext("Evidence file"))
    description = StringField(
        lazy_gettext("What the file shows"), validators=[Optional(), Length(max=1000)]
    )
    link = StringField(lazy_gettext("Or a link"), validators=[Optional(), Length(max=2000)])


class ResponseForm(FlaskForm):
    response = TextAreaField(
        lazy_gettext("Your response"), validators=[DataRequired(), Length(min=20, max=20_000)]
    )
    evidence_links = TextAreaField(lazy_gettext("Evidence links, one per line"))
    files = MultipleFileField(
        lazy_gettext("Evidence files (optional; seen by the reviewers and the challenger)")
    )


class DecisionForm(FlaskForm):
    action = SelectField(
        lazy_gettext("Step"), choices=[SelectChoice(a, term(a, lower=True)) for a in DECISIONS]
    )
    reasons = TextAreaField(lazy_gettext("Reasons (published)"))
    outcome = SelectField(
        lazy_gettext("Outcome (when upholding)"),
        validate_choice=False,  # optional: the decision model says when it is needed
        choices=[
            SelectChoice("", "-"),
            *[SelectChoice(o.value, term(o, lower=True)) for o in Outcome],
        ],
    )
    conditions = TextAreaField(lazy_gettext("Conditions (for an outcome of conditions)"))
    conditions_deadline = DateField(lazy_gettext("Conditions deadline"), validators=[Optional()])


def _lines(text: str | None, separator: str = "\n") -> list[str]:
    return [part.strip() for part in (text or "").split(separator) if part.strip()]


def _uploads(files: list[FileStorage] | None, description: str | None = None) -> list:
    """The uploaded files as evidence uploads, each read up to the size limit."""
    max_bytes = current_app.config["EVIDENCE_MAX_BYTES"]
    uploads = []
    for upload in files or []:
        if not isinstance(upload, FileStorage) or not upload.filename:
            continue
        data = upload.stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InvalidInput(
                f"{upload.filename} is larger than {max_bytes / 2**20:.0f} MiB; send a smaller one."
            )
        uploads.append(
            challenge_service.EvidenceUpload(
                data=data, filename=upload.filename, description=description
            )
        )
    return uploads


def _problems(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'form'}: {e['msg']}" for e in error.errors()
    )


@bp.route("/certificates/<cert_id>/challenges/new", methods=["GET", "POST"])
def file_challenge(cert_id: str):
    actor = current_actor()
    policy.require(actor, "challenge.file")
    session = db.session()
    certificate = certificate_service.get(session=session, cert_id=cert_id)
    form = FileChallengeForm()
    if form.validate_on_submit():
        try:
            challenge_in = ChallengeCreate.model_validate(
                {
                    "claims": [
                        {"kind": form.claim.data, "ref": (form.ref.data or "").strip() or None}
                    ],
                    "grounds": form.grounds.data,
                    "evidence_links": _lines(form.evidence_links.data),
                    "incident_refs": _lines(form.incident_refs.data, ","),
                    "contact_email": (form.contact_email.data or None) if actor is None else None,
                    "community": form.community.data or None,
                }
            )
            evidence_key = challenge_service.new_evidence_key() if actor is None else None
            challenge = challenge_service.file(
                session=session,
                actor=actor,
                certificate=certificate,
                challenge_in=challenge_in,
                rules=DeadlinePolicy.from_config(current_app.config),
                now=now(),
                uploads=_uploads(form.files.data),
                store=file_store(),
                max_bytes=current_app.config["EVIDENCE_MAX_BYTES"],
                evidence_key=evidence_key,
            )
        except ValidationError as error:
            session.rollback()
            flash(gettext("Not filed: %(problems)s", problems=_problems(error)))
        except InvalidInput as error:
            session.rollback()
            flash(gettext("Not filed: %(detail)s", detail=localized(error.detail)))
        else:
            session.commit()
            flash(
                gettext(
                    "Challenge filed: your case number is %(case_number)s.",
                    case_number=challenge.case_number,
                )
            )
            if evidence_key is not None:
                flash(
                    gettext(
                        "To add evidence later without an account, keep this key: %(key)s "
                        "(send it as 'key' to POST /api/v1/challenges/%(case)s/evidence). "
                        "It is shown only once.",
                        key=evidence_key,
                        case=challenge.case_number,
                    )
                )
            if actor is None:
                return redirect(url_for(".tracker", cert_id=certificate.cert_id))
            return redirect(url_for(".case", case_number=challenge.case_number))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "challenges/file.html", form=form, cert_id=certificate.cert_id, anonymous=actor is None
    ), status


@bp.get("/challenges")
@login_required
def mine():
    actor = current_actor()
    policy.require(actor, "challenge.read")
    session = db.session()
    moment = now()
    filed = challenge_service.filed_by_organisation(
        session=session, organisation_id=actor.organisation_id
    )
    against = challenge_service.against_organisation(
        session=session, organisation_id=actor.organisation_id
    )
    return render_template(
        "challenges/mine.html",
        filed=[
            challenge_service.tracker_entry(session=session, challenge=c, now=moment) for c in filed
        ],
        against=[
            challenge_service.tracker_entry(session=session, challenge=c, now=moment)
            for c in against
        ],
    )


def _case_page(case_number: str, *, status: int = 200):
    actor = current_actor()
    policy.require(actor, "challenge.read")
    session = db.session()
    challenge, full = challenge_service.visible(
        session=session, actor=actor, case_number=case_number
    )
    may_respond = (
        policy.allowed(actor, "challenge.respond", challenge)
        and challenge.state == ChallengeState.awaiting_response
    )
    party = None
    if not actor.is_reviewer:
        party = challenge_service.party_of(
            session=session, actor=actor, challenge=challenge, evidence_key=None
        )
    may_add_evidence = (
        party is not None and challenge.state in challenge_service.EVIDENCE_STATES[party]
    )
    return render_template(
        "challenges/case.html",
        case=challenge_service.view(
            session=session,
            challenge=challenge,
            full=full,
            now=now(),
            reviewer=actor.is_reviewer,
        ),
        response_form=ResponseForm() if may_respond else None,
        decision_form=DecisionForm() if policy.allowed(actor, "challenge.decide") else None,
        evidence_form=EvidenceForm() if may_add_evidence else None,
        party=party.value if party else None,
    ), status


@bp.get("/challenges/<case_number>")
@login_required
def case(case_number: str):
    return _case_page(case_number)


@bp.post("/challenges/<case_number>/response")
@login_required
def respond(case_number: str):
    actor = current_actor()
    session = db.session()
    challenge, _full = challenge_service.visible(
        session=session, actor=actor, case_number=case_number
    )
    policy.require(actor, "challenge.respond", challenge)
    form = ResponseForm()
    if not form.validate_on_submit():
        flash(gettext("Not sent: write a response of at least 20 characters."))
        return _case_page(case_number, status=422)
    try:
        challenge_service.respond(
            session=session,
            actor=actor,
            challenge=challenge,
            response_in=ChallengeResponseIn.model_validate(
                {"response": form.response.data, "evidence_links": _lines(form.evidence_links.data)}
            ),
            rules=DeadlinePolicy.from_config(current_app.config),
            now=now(),
        )
        for upload in _uploads(form.files.data):
            challenge_service.add_evidence(
                session=session,
                store=file_store(),
                actor=actor,
                challenge=challenge,
                party=EvidenceParty.company,
                upload=upload,
                link=None,
                max_bytes=current_app.config["EVIDENCE_MAX_BYTES"],
                now=now(),
            )
    except ValidationError as error:
        session.rollback()
        flash(gettext("Not sent: %(problems)s", problems=_problems(error)))
        return _case_page(case_number, status=422)
    except (InvalidInput, Conflict) as error:
        session.rollback()
        flash(gettext("Not sent: %(detail)s", detail=localized(error.detail)))
        return _case_page(case_number, status=error.status)
    session.commit()
    flash(gettext("Your response was recorded; the reviewers now decide."))
    return redirect(url_for(".case", case_number=case_number))


@bp.post("/challenges/<case_number>/decision")
@login_required
def decide(case_number: str):
    actor = current_actor()
    policy.require(actor, "challenge.decide")
    session = db.session()
    challenge = challenge_service.get(session=session, case_number=case_number)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(gettext("Not decided: check the form."))
        return _case_page(case_number, status=422)
    try:
        challenge_service.decide(
            session=session,
            actor=actor,
            challenge=challenge,
            decision=ChallengeDecisionIn.model_validate(
                {
                    "action": form.action.data,
                    "reasons": form.reasons.data or None,
                    "outcome": form.outcome.data or None,
                    "conditions": form.conditions.data or None,
                    "conditions_deadline": form.conditions_deadline.data,
                }
            ),
            rules=DeadlinePolicy.from_config(current_app.config),
            issuer=Issuer.from_config(current_app.config),
            now=now(),
        )
    except ValidationError as error:
        session.rollback()
        flash(gettext("Not decided: %(problems)s", problems=_problems(error)))
        return _case_page(case_number, status=422)
    except Conflict as error:
        session.rollback()
        flash(gettext("Not decided: %(detail)s", detail=localized(error.detail)))
        return _case_page(case_number, status=409)
    session.commit()
    flash(
        gettext(
            "%(case_number)s is now %(state)s.",
            case_number=challenge.case_number,
            state=term(challenge.state, lower=True),
        )
    )
    return redirect(url_for(".case", case_number=case_number))


@bp.post("/challenges/<case_number>/evidence")
@login_required
def add_evidence(case_number: str):
    actor = current_actor()
    policy.require(actor, "challenge.read")
    session = db.session()
    challenge, _full = challenge_service.visible(
        session=session, actor=actor, case_number=case_number
    )
    party = challenge_service.party_of(
        session=session, actor=actor, challenge=challenge, evidence_key=None
    )
    form = EvidenceForm()
    if not form.validate_on_submit():
        flash(gettext("Not added: check the form."))
        return _case_page(case_number, status=422)
    try:
        uploads = _uploads([form.file.data], form.description.data or None)
        link = (form.link.data or "").strip() or None
        if link:
            link = str(TypeAdapter(Link).validate_python(link))
        challenge_service.add_evidence(
            session=session,
            store=file_store(),
            actor=actor,
            challenge=challenge,
            party=EvidenceParty(party),
            upload=uploads[0] if uploads else None,
            link=link,
            max_bytes=current_app.config["EVIDENCE_MAX_BYTES"],
            now=now(),
        )
    except ValidationError:
        session.rollback()
        flash(
            gettext("Not added: the link must be a full web address such as https://example.org/a.")
        )
        return _case_page(case_number, status=422)
    except (InvalidInput, Conflict) as error:
        session.rollback()
        flash(gettext("Not added: %(detail)s", detail=localized(error.detail)))
        return _case_page(case_number, status=error.status)
    session.commit()
    flash(gettext("Your evidence was added to the case."))
    return redirect(url_for(".case", case_number=case_number))


@bp.get("/challenges/<case_number>/evidence/<int:evidence_id>")
@login_required
def evidence(case_number: str, evidence_id: int):
    actor = current_actor()
    policy.require(actor, "challenge.read")
    session = db.session()
    challenge, full = challenge_service.visible(
        session=session, actor=actor, case_number=case_number
    )
    item = challenge_service.evidence_file(
        session=session, challenge=challenge, evidence_id=evidence_id, full=full
    )
    return download(
        file_store().read(item.sha256), filename=item.filename, mimetype=item.content_type
    )
