"""The certificate PDF is rendered by the job `certificate.render_pdf`, never in a web request.
Until the job has run for the current status, the PDF answers 503 with Retry-After (problem+json
on the API, a page on the web): no PDF ever shows a status the certificate has left."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlmodel import select

from compliance import db
from compliance.certificates import rendering
from compliance.certificates import status as certificate_status
from compliance.certificates.issuer import Issuer
from compliance.certificates.models import Certificate
from compliance.clock import now
from compliance.jobs import runner
from compliance.jobs.models import Job, JobStatus
from tests.certificates.support import (
    HeldJobs,
    approve_via_api,
    hold_jobs,
    issue_via_api,
    pdf_reader,
    stored,
    submit_via_api,
)
from tests.conftest import World


def _refuse_to_render(*_sheet_and_locale) -> bytes:
    raise AssertionError("a web request rendered a certificate PDF")


def _pdf(client, cert_id: str):
    return client.get(f"/api/v1/certificates/{cert_id}.pdf")


def _render_jobs(app: Flask) -> list[Job]:
    with db.session_scope(app) as session:
        return list(
            session.exec(select(Job).where(Job.kind == rendering.JOB_KIND).order_by(Job.created_at))
        )


def _queue_rendering(app: Flask, cert_id: str) -> None:
    with db.session_scope(app) as session:
        certificate = session.exec(select(Certificate).where(Certificate.cert_id == cert_id)).one()
        rendering.queue_rendering(session=session, certificate=certificate)
        session.commit()


@pytest.fixture
def held(app: Flask, monkeypatch: pytest.MonkeyPatch) -> HeldJobs:
    return hold_jobs(app, monkeypatch)


def _issued_with_pdf(app: Flask, client, world: World, held: HeldJobs) -> str:
    cert_id = issue_via_api(client, world)
    held.run_all(app)
    return cert_id


def test_approval_returns_before_the_pdf_exists_which_answers_503_until_its_job_ran(
    app: Flask, client, world: World, held: HeldJobs, monkeypatch: pytest.MonkeyPatch
) -> None:
    assessment_id = submit_via_api(client, world)
    with monkeypatch.context() as patched:
        patched.setattr(rendering, "render_certificate_pdf", _refuse_to_render)
        assert approve_via_api(client, world, assessment_id).status_code == 200
    with db.session_scope(app) as session:
        cert_id = session.exec(select(Certificate.cert_id)).one()
    assert [job.kind for job in _render_jobs(app)] == [rendering.JOB_KIND]

    early = _pdf(client, cert_id)
    assert early.status_code == 503 and early.mimetype == "application/problem+json"
    assert early.headers["Retry-After"] == "5"
    assert "being prepared" in early.json["detail"] and f"{cert_id}.json" in early.json["detail"]
    web = client.get(f"/certificates/{cert_id}.pdf")
    assert web.status_code == 503 and web.mimetype == "text/html"
    assert web.headers["Retry-After"] == "5" and "being prepared" in web.get_data(as_text=True)
    page = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    assert "PDF being prepared" in page and f'href="/certificates/{cert_id}.pdf"' not in page

    held.run_all(app)
    ready = _pdf(client, cert_id)
    assert ready.status_code == 200 and ready.mimetype == "application/pdf"
    assert "Active" in pdf_reader(ready.data).pages[0].extract_text()
    assert client.get(f"/certificates/{cert_id}.pdf").data == ready.data
    page = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    assert "PDF being prepared" not in page and f'href="/certificates/{cert_id}.pdf"' in page


def test_after_a_status_change_the_old_pdf_is_withheld_until_the_new_one_is_rendered(
    app: Flask, client, world: World, held: HeldJobs, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert_id = _issued_with_pdf(app, client, world, held)
    active_pdf = _pdf(client, cert_id).data
    with monkeypatch.context() as patched:
        patched.setattr(rendering, "render_certificate_pdf", _refuse_to_render)
        suspended = client.post(
            f"/api/v1/certificates/{cert_id}/status",
            json={"action": "suspend", "reason": "A challenge is being examined."},
            headers=world["reviewer"].headers,
        )
    assert suspended.status_code == 200 and suspended.json["status"] == "suspended"
    withheld = _pdf(client, cert_id)
    assert withheld.status_code == 503 and "(suspended)" in withheld.json["detail"]

    held.run_all(app)
    current = _pdf(client, cert_id)
    assert current.status_code == 200 and current.data != active_pdf
    assert "Suspended" in pdf_reader(current.data).pages[0].extract_text()


def test_rendering_again_is_a_no_op_and_a_lost_file_is_rendered_again(
    app: Flask, client, world: World, held: HeldJobs
) -> None:
    cert_id = _issued_with_pdf(app, client, world, held)
    first = stored(app, cert_id)

    _queue_rendering(app, cert_id)
    held.run_all(app)
    again = _render_jobs(app)[-1]
    assert again.status is JobStatus.succeeded and again.result["rendered"] is False
    assert stored(app, cert_id).pdf_sha256 == first.pdf_sha256

    Issuer.from_config(app.config).store.path(first.pdf_sha256).unlink()
    _queue_rendering(app, cert_id)
    held.run_all(app)
    assert _render_jobs(app)[-1].result["rendered"] is True
    assert _pdf(client, cert_id).status_code == 200


def test_a_pdf_rendered_while_the_status_changed_is_dropped_and_the_next_job_renders(
    app: Flask, client, world: World, held: HeldJobs, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert_id = issue_via_api(client, world)
    render = rendering.render_certificate_pdf

    def suspend_meanwhile(sheet, locale: str = "en") -> bytes:
        """A reviewer suspends the certificate while the job renders the active PDF."""
        monkeypatch.setattr(rendering, "render_certificate_pdf", render)
        with db.session_scope(app) as session:
            certificate_status.change_status(
                session=session,
                actor=None,
                certificate=session.exec(
                    select(Certificate).where(Certificate.cert_id == cert_id)
                ).one(),
                action="suspend",
                reason="A challenge is being examined.",
                now=now(),
            )
            session.commit()
        return render(sheet, locale)

    monkeypatch.setattr(rendering, "render_certificate_pdf", suspend_meanwhile)
    first_job = _render_jobs(app)[0].id
    held.job_ids.remove(first_job)
    runner.run(app, first_job)
    assert _render_jobs(app)[0].result["rendered"] is False
    assert stored(app, cert_id).pdf_status is None
    assert _pdf(client, cert_id).status_code == 503

    held.run_all(app)
    assert "Suspended" in pdf_reader(_pdf(client, cert_id).data).pages[0].extract_text()
