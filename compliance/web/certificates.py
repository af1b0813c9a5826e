"""Public certificate pages: the register, each certificate, and verification by anyone; and
the reviewers' status changes on a certificate's page."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from pydantic import ValidationError

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api.certificates import pdf_response
from compliance.api.files import read_upload
from compliance.certificates import service as certificate_service
from compliance.certificates import status as certificate_status
from compliance.certificates import verification
from compliance.certificates.documents import MAX_JSON_BYTES, UnreadableCertificate
from compliance.certificates.issuer import Issuer
from compliance.certificates.models import (
    CertificateStatus,
    RegisterQuery,
    StatusChange,
)
from compliance.certificates.rendering import PDF_LOCALES, pdf_locale, pdf_ready
from compliance.clock import now
from compliance.errors import Conflict, InvalidInput
from compliance.pagination import page_size
from compliance.scores import service as score_service
from compliance.web.i18n import LANGUAGES, language
from compliance.web.terms import localized, term
from reports.certificate_texts import scope_lines
from scoring import Tier

bp = Blueprint("web_certificates", __name__)

MAX_UPLOAD = 20 * 2**20
FILTERS = ("name", "country", "sector", "tier", "status")


def _issuer() -> Issuer:
    return Issuer.from_config(current_app.config)


def _tier_choices() -> list[tuple[str, str]]:
    rules = score_service.rules()
    return [(t.value, term(rules.tier(t).label)) for t in Tier if t is not Tier.NOT_CERTIFIED]


@bp.get("/register")
def register():
    policy.require(current_actor(), "certificate.read")
    raw = {name: request.args.get(name, "").strip() for name in (*FILTERS, "limit", "cursor")}
    try:
        query = RegisterQuery.model_validate({k: v for k, v in raw.items() if v})
    except ValidationError:
        flash(gettext("Some filters were not understood and were ignored; check the country code."))
        query = RegisterQuery()
    issuer = _issuer()
    page = certificate_service.register_page(
        session=db.session(),
        filters=certificate_service.RegisterFilters(
            name=query.name,
            country=query.country,
            sector=query.sector,
            tier=query.tier,
            status=query.status,
        ),
        limit=page_size(query.limit, current_app.config),
        cursor=query.cursor,
    )
    filters = {name: raw[name] for name in (*FILTERS, "limit") if raw[name]}
    return render_template(
        "certificates/register.html",
        certificates=certificate_service.register_lines(
            session=db.session(), certificates=page.items, base_url=issuer.base_url
        ),
        next_cursor=page.next_cursor,
        filters=filters,
        tiers=_tier_choices(),
        statuses=[(s.value, term(s)) for s in CertificateStatus],
    )


@bp.get("/certificates/<cert_id>")
def certificate(cert_id: str):
    actor = current_actor()
    policy.require(actor, "certificate.read")
    session = db.session()
    record = certificate_service.get(session=session, cert_id=cert_id)
    issuer = _issuer()
    return render_template(
        "certificates/certificate.html",
        certificate=certificate_service.public_view(
            session=session, certificate=record, base_url=issuer.base_url
        ),
        scope_lines=scope_lines(record.scope, language()),
        pdf_ready=pdf_ready(record, language()),
        pdf_languages=[(code, LANGUAGES[code]) for code in PDF_LOCALES],
        may_change=policy.allowed(actor, "certificate.change_status"),
        review_flag=(
            {"reason": record.review_flag, "at": record.review_flagged_at}
            if record.review_flag and policy.allowed(actor, "review.queue")
            else None
        ),
        actions=[
            action
            for action in ("suspend", "reinstate", "revoke")
            if record.status in certificate_status.TRANSITIONS[action][0]
        ],
    )


@bp.get("/certificates/<cert_id>.pdf")
def pdf(cert_id: str):
    """The PDF in the page language, or the one `?lang=` names; while it is being prepared, a
    page saying so (503 with Retry-After)."""
    policy.require(current_actor(), "certificate.read")
    locale = pdf_locale(request.args.get("lang") or language())
    return pdf_response(certificate_service.get(session=db.session(), cert_id=cert_id), locale)


@bp.post("/certificates/<cert_id>/status")
def change_status(cert_id: str):
    actor = current_actor()
    if actor is None:
        return redirect(url_for("web.login", next=url_for(".certificate", cert_id=cert_id)))
    policy.require(actor, "certificate.change_status")
    session = db.session()
    record = certificate_service.get(session=session, cert_id=cert_id)
    try:
        change = StatusChange.model_validate(
            {"action": request.form.get("action", ""), "reason": request.form.get("reason", "")}
        )
        certificate_status.change_status(
            session=session,
            actor=actor,
            certificate=record,
            action=change.action,
            reason=change.reason.strip(),
            now=now(),
        )
    except ValidationError:
        session.rollback()
        flash(
            gettext(
                "Status not changed: choose an action and give a reason of at least 10 characters."
            )
        )
    except Conflict as exc:
        session.rollback()
        flash(gettext("Status not changed: %(detail)s", detail=localized(exc.detail)))
    else:
        session.commit()
        flash(
            gettext(
                "%(cert_id)s is now %(status)s.",
                cert_id=record.cert_id,
                status=term(record.status, lower=True),
            )
        )
    return redirect(url_for(".certificate", cert_id=record.cert_id))


@bp.route("/verify", methods=["GET", "POST"])
def verify():
    policy.require(current_actor(), "certificate.verify")
    report = None
    problem = None
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            submission = verification.submission_from(
                cert_id=request.form.get("cert_id", "")[:40],
                file_data=(
                    read_upload(upload, max_bytes=MAX_UPLOAD, what="certificate file")
                    if upload is not None and upload.filename
                    else None
                ),
                pasted=request.form.get("credential", "")[:MAX_JSON_BYTES],
            )
        except (UnreadableCertificate, InvalidInput) as error:
            submission = None
            problem = gettext(
                "This cannot be verified: %(reason)s.", reason=localized(error.detail)
            )
        if submission is None and problem is None:
            problem = gettext(
                "Give a certificate id, or choose its PDF or JSON file, or paste its JSON."
            )
        if submission is not None:
            session = db.session()
            report = verification.verify(
                session=session, submission=submission, issuer=_issuer(), now=now()
            )
            session.commit()
    return render_template(
        "certificates/verify.html",
        report=report,
        problem=problem,
        cert_id=request.values.get("cert_id", "")[:40],
    ), (422 if problem else 200)
