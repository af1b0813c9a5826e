"""Job kinds of the certificate domain: rendering a certificate's PDF, catching up on PDFs
nobody queued, and expiring certificates once they pass their date."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from compliance.certificates import rendering, status
from compliance.certificates.issuer import Issuer
from compliance.certificates.models import Certificate
from compliance.clock import now as clock_now
from compliance.credentials.timestamps import parse_datetime_stamp
from compliance.jobs.registry import JobContext, task


@task("certificates.expire", every=timedelta(hours=1))
def expire(context: JobContext, *, now: str | None = None) -> dict:
    """Mark certificates past their expiry date as expired (logged, their PDFs re-rendered by
    jobs of their own).

    The scheduler runs it hourly without parameters; `now` (e.g. 2027-06-01T00:00:00Z) lets an
    operator or a test run it as of another moment.
    """
    moment = parse_datetime_stamp(now) if now else clock_now()
    expired = status.expire_due(session=context.session, now=moment)
    return {"expired": expired}


@task(rendering.JOB_KIND)
def render_pdf(context: JobContext, *, certificate_id: int) -> dict:
    """Render the PDF of the certificate's current status; a no-op when it is stored already."""
    certificate = context.session.get(Certificate, certificate_id)
    if certificate is None:
        return {"rendered": False}
    rendered = rendering.render_if_outdated(
        session=context.session, certificate=certificate, issuer=Issuer.current()
    )
    return {"cert_id": certificate.cert_id, "rendered": rendered}


CATCH_UP_BATCH = 200


@task("certificates.render_missing", every=timedelta(minutes=15))
def render_missing(context: JobContext) -> dict:
    """Queue a render for every certificate missing a PDF of its current status in some
    language: certificates issued before a language was added, or whose render job was lost.
    Rendering is idempotent, so a certificate whose job is merely still queued costs nothing."""
    session = context.session
    missing = [
        certificate
        for certificate in session.exec(select(Certificate).order_by(Certificate.id))
        if not all(rendering.pdf_ready(certificate, locale) for locale in rendering.PDF_LOCALES)
    ][:CATCH_UP_BATCH]
    for certificate in missing:
        rendering.queue_rendering(session=session, certificate=certificate)
    return {"queued": len(missing)}
