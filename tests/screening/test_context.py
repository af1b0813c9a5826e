"""Context risk from the incident history raises an assessment's high-risk context."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from compliance import db, matching
from compliance.assessments.models import Assessment
from compliance.audit.models import AuditEvent
from compliance.clock import now
from compliance.incidents import service as incident_service
from compliance.incidents.content import IncidentContent, IncidentDraft
from compliance.screening.context import high_risk_context
from tests.conftest import World
from tests.datasets.builders import SITE_HEADER, csv_file, site
from tests.datasets_app.conftest import upload_checked
from tests.screening.conftest import wait_for_rescreens

TODAY = date(2025, 6, 30)
FACTORY = {"country": "FR", "admin_region": "Bretagne", "site_type": "factory"}


def _history(count: int, region: str) -> list[matching.IncidentFacts]:
    return [
        matching.IncidentFacts(
            id=n, country="FR", region=region, occurred_on=TODAY - timedelta(days=30 * n)
        )
        for n in range(count)
    ]


def test_a_region_with_recent_incidents_makes_a_quiet_site_high_risk() -> None:
    report = matching.context_risk(_history(5, "Bretagne"), as_of=TODAY)
    assert high_risk_context([FACTORY], report) is True
    assert high_risk_context([{**FACTORY, "admin_region": "Alsace"}], report) is False
    quiet = matching.context_risk(_history(1, "Bretagne"), as_of=TODAY)
    assert high_risk_context([FACTORY], quiet) is False
    assert high_risk_context([{**FACTORY, "site_type": "mine"}], quiet) is True


def test_rescreening_sets_the_high_risk_context_of_open_assessments(
    app: Flask, client: FlaskClient, world: World
) -> None:
    headers = world["company_b"].headers
    created = client.post(
        "/api/v1/assessments", json={"questionnaire_key": "company"}, headers=headers
    )
    assessment_id = created.get_json()["id"]
    sites = csv_file(
        [
            SITE_HEADER,
            site(Name="Usine Ouest", Type="factory", Country="FR", Admin_region="Bretagne"),
        ]
    )
    checked = upload_checked(client, headers, assessment_id, "sites", sites, "sites.csv")
    assert checked["outcome"] == "stored", checked
    with db.session_scope(app) as session:
        assert session.get(Assessment, assessment_id).high_risk_context is False
        drafts = [
            IncidentDraft(
                source_id=f"fr-{n}",
                content=IncidentContent(
                    occurred_on=now().date() - timedelta(days=20 * (n + 1)),
                    country="FR",
                    region="Bretagne",
                    attack_types=["intimidation"],
                ),
            )
            for n in range(5)
        ]
        incident_service.apply_drafts(
            session=session,
            source="context-test",
            drafts=drafts,
            import_id=None,
            created_by_id=None,
            now=now(),
        )
        session.commit()
    wait_for_rescreens(app)
    with db.session_scope(app) as session:
        assert session.get(Assessment, assessment_id).high_risk_context is True
        details = (
            session.execute(
                sa.select(AuditEvent.details)
                .where(AuditEvent.action == "assessment.high_risk_context_changed")
                .order_by(AuditEvent.seq.desc())
            )
            .scalars()
            .first()
        )
    assert details["high_risk_context"] is True and "incident history" in details["source"]
