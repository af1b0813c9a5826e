"""Certificates: the public register, each certificate (summary, signed JSON, PDF), the status
lists, verification for anyone, and status changes by reviewers."""

from __future__ import annotations

from typing import Any, Literal

from flask import Response, current_app, jsonify, request
from flask_openapi3 import FileStorage
from pydantic import BaseModel, Field

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api import FormModel, blueprint, public, respond
from compliance.api.files import optional_upload, read_upload
from compliance.certificates import service as certificate_service
from compliance.certificates import status as certificate_status
from compliance.certificates import verification
from compliance.certificates.documents import UnreadableCertificate
from compliance.certificates.issuer import Issuer
from compliance.certificates.models import (
    Certificate,
    CertificatePublic,
    RegisterPage,
    RegisterQuery,
    StatusChange,
    VerificationReport,
)
from compliance.certificates.rendering import DEFAULT_LOCALE, PdfLanguage, pdf_hash
from compliance.clock import now
from compliance.credentials.status_list import StatusPurpose
from compliance.errors import InvalidInput, ProblemDetail, ProblemModel
from compliance.pagination import QueryModel, page_size
from compliance.phrases import Phrase

bp = blueprint(
    "api_certificates",
    __name__,
    tag="Certificates",
    description="The public register, signed certificates (W3C Verifiable Credentials), their "
    "status lists and verification",
)

MAX_UPLOAD = 20 * 2**20


class CertificatePath(BaseModel):
    cert_id: str = Field(max_length=40, description="The public id, e.g. HRD-2026-000123")


class PdfQuery(QueryModel):
    lang: PdfLanguage = Field(
        default=DEFAULT_LOCALE, description="The PDF's language: en (default), es or fr"
    )


class StatusListPath(BaseModel):
    purpose: Literal["revocation", "suspension"]


class StatusListCredential(BaseModel):
    """A signed W3C BitstringStatusListCredential (see the Bitstring Status List spec)."""

    model_config = {"extra": "allow"}


class VerifyForm(FormModel):
    cert_id: str | None = Field(
        default=None, max_length=40, description="A certificate id, e.g. HRD-2026-000123"
    )
    file: FileStorage | None = Field(
        default=None, description="The certificate's signed JSON, or its PDF"
    )
    credential: str | dict[str, Any] | None = Field(
        default=None, description="The signed JSON, as text"
    )


def _issuer() -> Issuer:
    return Issuer.from_config(current_app.config)


def _certificate(cert_id: str):
    policy.require(current_actor(), "certificate.read")
    return certificate_service.get(session=db.session(), cert_id=cert_id)


def _cached(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.no_cache = True  # revalidate: the status may change
    return response.make_conditional(request)


@bp.get(
    "/register",
    summary="Search the register of certificates",
    responses={200: RegisterPage},
    security=[],
)
@public
def register(query: RegisterQuery):
    policy.require(current_actor(), "certificate.read")
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
    return respond(
        RegisterPage,
        {
            "items": certificate_service.register_lines(
                session=db.session(), certificates=page.items, base_url=issuer.base_url
            ),
            "next_cursor": page.next_cursor,
        },
    )


@bp.get(
    "/certificates/<cert_id>",
    summary="A certificate: tier, score, scope, dates, current status",
    responses={200: CertificatePublic},
    security=[],
)
@public
def get_certificate(path: CertificatePath):
    certificate = _certificate(path.cert_id)
    return respond(
        CertificatePublic,
        certificate_service.public_view(
            session=db.session(), certificate=certificate, base_url=_issuer().base_url
        ),
    )


@bp.get(
    "/certificates/<cert_id>.json",
    summary="The signed certificate (W3C Verifiable Credential, eddsa-jcs-2022)",
    responses={200: None},
    security=[],
)
@public
def get_credential(path: CertificatePath):
    certificate = _certificate(path.cert_id)
    response = Response(certificate.credential, mimetype="application/json")
    response.headers["Content-Disposition"] = f'inline; filename="{certificate.cert_id}.json"'
    return _cached(response, certificate.credential_sha256)


@bp.get(
    "/certificates/<cert_id>.pdf",
    summary="The certificate PDF, with the signed JSON attached",
    description="In English, Spanish or French (`lang`). Rendered after each issue or status "
    "change; until then 503 with Retry-After (a PDF showing a former status is never served).",
    responses={200: None, 503: ProblemModel},
    security=[],
)
@public
def get_pdf(path: CertificatePath, query: PdfQuery):
    return pdf_response(_certificate(path.cert_id), query.lang)


def pdf_response(certificate: Certificate, locale: str = DEFAULT_LOCALE) -> Response:
    """The stored PDF in `locale` (API and web pages alike); 503 with Retry-After while it is
    prepared."""
    data = certificate_service.stored_pdf(certificate=certificate, issuer=_issuer(), locale=locale)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{certificate.cert_id}.pdf"'
    response.headers["Content-Language"] = locale
    response.headers["X-Content-Type-Options"] = "nosniff"
    return _cached(response, pdf_hash(certificate, locale))


@bp.post(
    "/certificates/<cert_id>/status",
    summary="Suspend, reinstate or revoke a certificate (reviewers)",
    responses={200: CertificatePublic},
)
def change_status(path: CertificatePath, body: StatusChange):
    actor = current_actor()
    policy.require(actor, "certificate.change_status")
    session = db.session()
    certificate = certificate_service.get(session=session, cert_id=path.cert_id)
    issuer = _issuer()
    certificate_status.change_status(
        session=session,
        actor=actor,
        certificate=certificate,
        action=body.action,
        reason=body.reason,
        now=now(),
    )
    session.commit()
    return respond(
        CertificatePublic,
        certificate_service.public_view(
            session=session, certificate=certificate, base_url=issuer.base_url
        ),
    )


@bp.get(
    "/status-lists/<purpose>",
    summary="The signed revocation or suspension list (W3C Bitstring Status List)",
    responses={200: StatusListCredential},
    security=[],
)
@public
def status_list(path: StatusListPath):
    policy.require(current_actor(), "certificate.read")
    document = certificate_status.status_list_document(
        session=db.session(), purpose=StatusPurpose(path.purpose), issuer=_issuer(), now=now()
    )
    response = jsonify(document)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


def _submission(form: VerifyForm) -> verification.Submission:
    """What was sent: multipart (id, file or pasted JSON) or a JSON body (an id or the JSON)."""
    if request.is_json:
        body = request.get_json(silent=True)
        body = body if isinstance(body, dict) else {}
        if "proof" in body:
            return verification.Submission(source="json", credential=body)
        if isinstance(body.get("credential"), dict):
            return verification.Submission(source="json", credential=body["credential"])
        if isinstance(body.get("cert_id"), str):
            return verification.Submission(source="id", cert_id=body["cert_id"][:40].strip())
        raise _nothing_to_verify()
    upload = optional_upload(form.file, what="certificate's signed JSON or PDF")
    try:
        submission = verification.submission_from(
            cert_id=form.cert_id,
            file_data=(
                read_upload(upload, max_bytes=MAX_UPLOAD, what="certificate file")
                if upload
                else None
            ),
            pasted=form.credential,
        )
    except UnreadableCertificate as error:
        raise InvalidInput(
            Phrase("This cannot be verified: %(reason)s.", reason=error.detail),
            errors=[ProblemDetail(pointer="/file", detail=error.detail)],
        ) from error
    if submission is None:
        raise _nothing_to_verify()
    return submission


def _nothing_to_verify() -> InvalidInput:
    return InvalidInput(
        Phrase(
            "Send a certificate id (cert_id), the signed JSON (file, or credential as text), or "
            "the certificate PDF (file), as multipart form data; or a JSON body with cert_id or "
            "the signed JSON itself."
        )
    )


@bp.post(
    "/verify",
    summary="Verify a certificate given by id, as its signed JSON, or as its PDF",
    description="Multipart form data with `cert_id`, `file` (the signed JSON or the PDF) or "
    "`credential` (the signed JSON as text); or an `application/json` body holding the signed "
    'JSON itself or `{"cert_id": "HRD-2026-000123"}`. Answers whether the signature is valid, '
    "whether it matches the register, the current status, and the transparency-log inclusion "
    "proof with the signed tree head. No token needed.",
    responses={200: VerificationReport, 429: ProblemModel},
    security=[],
)
@public
def verify(form: VerifyForm):
    policy.require(current_actor(), "certificate.verify")
    submission = _submission(form)
    session = db.session()
    report = verification.verify(
        session=session, submission=submission, issuer=_issuer(), now=now()
    )
    session.commit()  # keeps the tree head just signed, so anyone can check it later
    return respond(VerificationReport, report)
