"""Fixtures of the incident tests: protected values to hunt for, a second NGO, a submitted
incident, the Global Witness file, and waiting for jobs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from compliance import db
from compliance.accounts import service as account_service
from compliance.accounts.models import OrganisationKind, Role
from compliance.clock import now
from tests.conftest import PASSWORD, Member, World

ROOT = Path(__file__).resolve().parents[2]
GLOBAL_WITNESS_CSV = ROOT.parent / "shared" / "data" / "global_witness_led_2012_2021.csv"

# Values that only reviewers and the submitting NGO may ever see.
SECRETS = {
    "victim": "Ximena Quispe-Protegida",
    "second_victim": "Tomasa Huarcaya-Reservada",
    "reporter": "Rafael Informante-Secreto",
    "contact": "reporter-secret@example.org",
    "place": "Vereda La Esperanza finca El Secreto",
    "narrative": "NARRATIVE-SECRET-7731 threatened at the gate",
    "latitude": "4.7110123",
    "longitude": "-74.0721456",
    "reference": "red-delta-case-0042",
}


def submission(**overrides) -> dict:
    """An NGO submission carrying every protected value."""
    payload = {
        "source_reference": SECRETS["reference"],
        "occurred_on": "2024-03-17",
        "country": "CO",
        "region": "Cauca",
        "sector": "mining",
        "attack_types": ["death_threat", "intimidation"],
        "defender_groups": ["indigenous", "woman_defender"],
        "collective_targeted": False,
        "people_affected": 2,
        "perpetrator_type": "private_security",
        "companies_alleged": ["Minera Alfa S.A."],
        "consent_basis": "informed_consent",
        "victim_names": [SECRETS["victim"], SECRETS["second_victim"]],
        "reporter_name": SECRETS["reporter"],
        "reporter_contact": SECRETS["contact"],
        "latitude": float(SECRETS["latitude"]),
        "longitude": float(SECRETS["longitude"]),
        "coordinate_precision": "exact",
        "location_detail": SECRETS["place"],
        "narrative": SECRETS["narrative"],
    }
    payload.update(overrides)
    return payload


def leaked(text: str) -> list[str]:
    """The protected values found in `text`."""
    return [value for value in SECRETS.values() if value in text]


@pytest.fixture
def ngo_b(app: Flask, world: World) -> Member:
    """A second NGO, which did not submit anything."""
    with db.session_scope(app) as session:
        organisation = account_service.get_or_create_organisation(
            session=session, name="Red Omega", kind=OrganisationKind.ngo
        )
        user = account_service.create_user(
            session=session,
            email="ngo_b@example.org",
            organisation=organisation,
            role=Role.admin,
            password=PASSWORD,
        )
        _token, secret = account_service.issue_token(
            session=session, user=user, name="tests", expires_in=timedelta(days=1), now=now()
        )
        session.commit()
        member = Member("ngo_b", user.email, organisation.id, user.id, secret)
    world.members["ngo_b"] = member
    return member


@pytest.fixture
def submitted(client: FlaskClient, world: World) -> str:
    """The ref of an incident the NGO submitted with every protected field filled in."""
    response = client.post("/api/v1/incidents", json=submission(), headers=world["ngo"].headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["ref"]


@pytest.fixture
def global_witness_bytes() -> bytes:
    if not GLOBAL_WITNESS_CSV.exists():
        pytest.skip(f"{GLOBAL_WITNESS_CSV} is not available")
    return GLOBAL_WITNESS_CSV.read_bytes()
