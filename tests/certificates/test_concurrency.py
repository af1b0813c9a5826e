"""Twenty reviewers approving the same assessment at the same moment make one certificate."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from flask import Flask
from sqlmodel import select

from compliance import db
from compliance.certificates.models import Certificate, CertificateSequence
from compliance.transparency.models import LogEntry
from tests.certificates.support import submit_via_api
from tests.conftest import World

APPROVERS = 20


def test_twenty_simultaneous_approvals_issue_one_certificate(
    app: Flask, client, world: World
) -> None:
    assessment_id = submit_via_api(client, world)
    start = threading.Barrier(APPROVERS)

    def approve(_n: int) -> int:
        with app.test_client() as own_client:
            start.wait(timeout=30)
            answer = own_client.post(
                f"/api/v1/assessments/{assessment_id}/decision",
                json={"decision": "approve"},
                headers=world["reviewer"].headers,
            )
            return answer.status_code

    with ThreadPoolExecutor(max_workers=APPROVERS) as pool:
        statuses = sorted(pool.map(approve, range(APPROVERS)))
    assert statuses == [200] + [409] * (APPROVERS - 1)
    with db.session_scope(app) as session:
        certificates = session.exec(select(Certificate)).all()
        issued = [
            json.loads(row.entry)
            for row in session.exec(select(LogEntry)).all()
            if row.kind == "certificate.issued"
        ]
        numbers = session.execute(sa.select(CertificateSequence.last_number)).scalars().all()
    assert len(certificates) == 1 and certificates[0].assessment_id == assessment_id
    assert [entry["payload"]["cert_id"] for entry in issued] == [certificates[0].cert_id]
    assert numbers == [1]
