"""The outbox is delivered to a real SMTP server (aiosmtpd), and the company's mail never
names who filed."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from compliance import db
from compliance.clock import now
from compliance.jobs.registry import TASKS, JobContext
from compliance.notifications.delivery import BadSmtpUrl, SmtpSettings, deliver_pending
from tests.challenges.support import CONTACT, assert_no_filer, certificate_of_company_a, outbox
from tests.challenges.test_challenges_api import _decide, _file
from tests.conftest import World


class Collect:
    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, Collect]]:
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def test_smtp_urls_are_read_or_refused() -> None:
    settings = SmtpSettings.from_url("smtp://mailer:s%40cret@mail.example.org:587?starttls=true")
    assert settings == SmtpSettings("mail.example.org", 587, "mailer", "s@cret", True)
    assert SmtpSettings.from_url("smtp://localhost").port == 25
    with pytest.raises(BadSmtpUrl):
        SmtpSettings.from_url("http://localhost:25")


def test_the_outbox_arrives_by_smtp_and_the_company_mail_hides_the_filer(
    app: Flask, client, world: World, smtp_server
) -> None:
    controller, handler = smtp_server
    cert_id = certificate_of_company_a(app, world)
    case = _file(client, cert_id, contact_email=CONTACT).get_json()["case_number"]
    assert _decide(client, world, case, action="acknowledge").status_code == 200
    settings = SmtpSettings.from_url(f"smtp://{controller.hostname}:{controller.port}")
    with db.session_scope(app) as session:
        sent = deliver_pending(
            session=session, settings=settings, sender="hrd@example.org", now=now()
        )
        session.commit()
    assert sent == len(outbox(app)) and sent > 0
    assert all(m.sent_at is not None for m in outbox(app))
    received = {}
    for envelope in handler.envelopes:
        for to in envelope.rcpt_tos:
            received.setdefault(to, []).append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
    assert CONTACT in received and world["reviewer"].email in received
    company_mail = received[world["company_a"].email]
    assert any("acknowledged" in m["Subject"] for m in company_mail)
    for message in company_mail:
        assert_no_filer(message.as_string(), world)
    with db.session_scope(app) as session:
        again = deliver_pending(
            session=session, settings=settings, sender="x@example.org", now=now()
        )
    assert again == 0


def test_the_delivery_job_keeps_messages_in_the_app_without_smtp(
    app: Flask, client, world: World
) -> None:
    cert_id = certificate_of_company_a(app, world)
    assert _file(client, cert_id, world["ngo"].headers).status_code == 201
    assert app.config["SMTP_URL"] is None
    with app.app_context(), db.session_scope(app) as session:
        result = TASKS["notifications.deliver"](
            JobContext(session=session, job=None, report_progress=lambda _percent: None)
        )
    assert result == {"sent": 0, "smtp": False}
    assert outbox(app) and all(m.sent_at is None for m in outbox(app))
