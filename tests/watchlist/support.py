"""A second investor (for tenancy), alerts read back, incidents and matches to confirm."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from compliance import db
from compliance.accounts import service as account_service
from compliance.accounts.models import OrganisationKind, Role
from compliance.clock import now
from compliance.incidents.models import Incident
from compliance.screening.models import Match
from tests.conftest import PASSWORD, Member, World
from tests.support.jobs import wait_for_jobs

# Protected values of the planted incident: no alert, e-mail or webhook body may carry them.
SECRETS = {
    "victim": "Ximena Quispe-Protegida",
    "reporter": "Rafael Informante-Secreto",
    "contact": "reporter-secret@example.org",
    "place": "Vereda La Esperanza finca El Secreto",
    "narrative": "NARRATIVE-SECRET-7731",
    "latitude": "6.26117",
}


def second_investor(app: Flask) -> Member:
    with db.session_scope(app) as session:
        organisation = account_service.get_or_create_organisation(
            session=session, name="Banco Zeta", kind=OrganisationKind.financial_institution
        )
        user = account_service.create_user(
            session=session,
            email="investor_2@example.org",
            organisation=organisation,
            role=Role.admin,
            password=PASSWORD,
        )
        _token, secret = account_service.issue_token(
            session=session, user=user, name="tests", expires_in=timedelta(days=1), now=now()
        )
        session.commit()
        return Member("investor_2", user.email, organisation.id, user.id, secret)


def alerts(client: FlaskClient, member: Member) -> list[dict]:
    answer = client.get("/api/v1/alerts?limit=500", headers=member.headers)
    assert answer.status_code == 200, answer.get_json()
    return list(reversed(answer.get_json()["items"]))  # oldest first


def incident_with_protected_fields(client: FlaskClient, world: World) -> str:
    """The NGO submits a record naming company A, with protected fields; its ref."""
    answer = client.post(
        "/api/v1/incidents",
        json={
            "occurred_on": (now().date() - timedelta(days=30)).isoformat(),
            "country": "CO",
            "region": "Santander",
            "sector": "mining",
            "attack_types": ["killing"],
            "companies_alleged": ["Minera Alfa S.A."],
            "consent_basis": "public_source",
            "victim_names": [SECRETS["victim"]],
            "reporter_name": SECRETS["reporter"],
            "reporter_contact": SECRETS["contact"],
            "location_detail": SECRETS["place"],
            "narrative": SECRETS["narrative"],
            "latitude": float(SECRETS["latitude"]),
            "longitude": -75.57121,
            "coordinate_precision": "exact",
        },
        headers=world["ngo"].headers,
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["ref"]


def suggested_match(app: Flask, world: World, incident_ref: str, who: str = "company_a") -> int:
    """A suggested name match of the incident to the organisation, as the test wants it (score
    96): put in place of what the screening the record started may have found by then."""
    wait_for_jobs(app)
    with db.session_scope(app) as session:
        incident = session.exec(select(Incident).where(Incident.ref == incident_ref)).one()
        organisation_id = world[who].organisation_id
        session.execute(
            sa.delete(Match).where(
                Match.incident_id == incident.id,
                Match.entity_kind == "organisation",
                Match.entity_key == str(organisation_id),
            )
        )
        match = Match(
            incident_id=incident.id,
            incident_version=incident.current_version,
            entity_kind="organisation",
            entity_key=str(organisation_id),
            organisation_id=organisation_id,
            method="name",
            score=96,
            suggested=True,
            explanation=f"name 'Minera Alfa S.A.' ≈ '{SECRETS['place']}'",
            path=[{"kind": "organisation", "id": organisation_id, "name": "Minera Alfa S.A."}],
            status="suggested",
            facts_fingerprint="0" * 64,
            finding_hash="0" * 64,
        )
        session.add(match)
        session.commit()
        return match.id
