"""The screening world: company A with aliases, sites and a supplier, incident records that
name or sit near them (with protected values to hunt for), and helpers to wait for jobs."""

from __future__ import annotations

import io
import json
import time
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from compliance import db
from compliance.accounts.models import Organisation
from compliance.clock import now
from compliance.jobs.models import Job, JobStatus
from compliance.screening.tasks import run_rescreen
from tests.conftest import World
from tests.datasets.builders import SITE_HEADER, SUPPLIER_HEADER, csv_file, site, supplier
from tests.datasets_app.conftest import upload_checked
from tests.support.jobs import wait_for_job

# Protected values of the planted incidents: no match answer may ever carry them.
SECRETS = {
    "victim": "Ximena Quispe-Protegida",
    "reporter": "Rafael Informante-Secreto",
    "contact": "reporter-secret@example.org",
    "place": "Vereda La Esperanza finca El Secreto",
    "narrative": "NARRATIVE-SECRET-7731",
    "latitude": "6.2611",
    "longitude": "-75.5712",
}
RECENT = (date.today() - timedelta(days=60)).isoformat()

MAPPING = {
    "source": "observatorio-test",
    "source_id": "case",
    "records_key": "records",
    "fields": {
        "occurred_on": {"column": "when"},
        "country": {"column": "iso"},
        "region": {"column": "region"},
        "sector": {"column": "sector"},
        "attack_types": {"column": "kinds"},
        "collective_targeted": {"column": "collective"},
        "latitude": {"column": "lat"},
        "longitude": {"column": "lon"},
        "coordinate_precision": {"column": "precision"},
        "companies_alleged": {"column": "firms"},
        "victim_name": {"column": "victim"},
        "reporter_name": {"column": "reporter"},
        "reporter_contact": {"column": "contact"},
        "location_detail": {"column": "place"},
        "narrative": {"column": "story"},
    },
}


def record(case: str, **fields) -> dict:
    """One incident of the JSON feed: a recent killing in Colombia, with protected fields."""
    return {
        "case": case,
        "when": RECENT,
        "iso": "CO",
        "region": "Santander",
        "sector": "mining",
        "kinds": ["killing"],
        "collective": False,
        "lat": None,
        "lon": None,
        "precision": None,
        "firms": [],
        "victim": SECRETS["victim"],
        "reporter": SECRETS["reporter"],
        "contact": SECRETS["contact"],
        "place": SECRETS["place"],
        "story": SECRETS["narrative"],
        **fields,
    }


PLANTED = [
    record("alias-1", firms=["Minera Alfa Colombia"]),
    record(
        "near-1",
        lat=float(SECRETS["latitude"]),
        lon=float(SECRETS["longitude"]),
        precision="exact",
    ),
    record("supplier-1", firms=["Transportes Rápidos SAS"], kinds=["intimidation"]),
    record("dam-1", region="Huila", sector="hydropower", kinds=["death_threat"]),
    record("beta-1", firms=["Agro Beta Ltda."], region="Cauca", sector="agribusiness"),
    record("nobody-1", firms=["Empresa Desconocida Ltda"], region="Meta"),
]


def leaked(text: str) -> list[str]:
    return [value for value in SECRETS.values() if value in text]


def wait_for_rescreens(app: Flask, timeout: float = 60) -> list[Job]:
    """Wait until every queued re-screening has run; return them (all must have succeeded)."""
    deadline = time.monotonic() + timeout
    while True:
        with db.session_scope(app) as session:
            jobs = (
                session.execute(
                    sa.select(Job).where(Job.kind == "screening.rescreen").order_by(Job.created_at)
                )
                .scalars()
                .all()
            )
        pending = [job for job in jobs if job.status in (JobStatus.queued, JobStatus.running)]
        if not pending:
            failed = [job.error for job in jobs if job.status is JobStatus.failed]
            assert not failed, failed
            return jobs
        assert time.monotonic() < deadline, f"re-screenings still running: {pending}"
        time.sleep(0.05)


def import_records(client: FlaskClient, world: World, records: list[dict]) -> dict:
    """Import records through the API as the reviewer; the import's report."""
    body = json.dumps({"records": records}).encode()
    answer = client.post(
        "/api/v1/incidents/import",
        data={
            "file": (io.BytesIO(body), "cases.json"),
            "format": "json",
            "mapping": json.dumps(MAPPING),
        },
        headers=world["reviewer"].headers,
        content_type="multipart/form-data",
    )
    assert answer.status_code == 202, answer.get_json()
    done = wait_for_job(client, world["reviewer"].headers, answer.get_json()["job_id"])
    assert done["status"] == "succeeded", done
    return done["result"]


def rescreen_now(app: Flask, **params) -> dict:
    """Run a re-screening in this process (what the job does) and commit it."""
    with app.app_context(), db.session_scope(app) as session:
        result = run_rescreen(session=session, config=app.config, now=now(), **params)
        session.commit()
    return result


def matches(client: FlaskClient, member, **query) -> list[dict]:
    answer = client.get("/api/v1/matches", query_string=query, headers=member.headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["items"]


def match_of(items: list[dict], *, method: str, organisation_id: int) -> dict:
    found = [m for m in items if m["method"] == method and m["organisation_id"] == organisation_id]
    assert len(found) == 1, [(m["method"], m["explanation"]) for m in items]
    return found[0]


@pytest.fixture
def assessment_id(app: Flask, client: FlaskClient, world: World) -> int:
    """Company A (Minera Alfa S.A., alias 'Minera Alfa Colombia') with an assessment, two
    sites (a mine near Medellín, a dam in Huila) and a supplier."""
    with db.session_scope(app) as session:
        for key, aliases in (("company_a", ["Minera Alfa Colombia"]), ("company_b", [])):
            organisation = session.get(Organisation, world[key].organisation_id)
            organisation.country, organisation.aliases = "CO", aliases
            session.add(organisation)
        session.commit()
    answer = client.post(
        "/api/v1/assessments",
        json={"questionnaire_key": "company"},
        headers=world["company_a"].headers,
    )
    assert answer.status_code == 201, answer.get_json()
    created = answer.get_json()["id"]
    sites = csv_file(
        [
            SITE_HEADER,
            site(),
            site(
                Name="Represa Alta",
                Type="dam",
                Admin_region="Huila",
                Latitude="",
                Longitude="",
                Affected_communities="",
            ),
        ]
    )
    suppliers = csv_file(
        [SUPPLIER_HEADER, supplier(Name="Transportes Rápidos S.A.S.", Country="CO")]
    )
    for kind, data in (("sites", sites), ("suppliers", suppliers)):
        checked = upload_checked(
            client, world["company_a"].headers, created, kind, data, f"{kind}.csv"
        )
        assert checked["outcome"] == "stored", checked
    return created


@pytest.fixture
def planted(app: Flask, client: FlaskClient, world: World, assessment_id: int) -> dict:
    """The planted incidents imported (which queues a re-screening) and screened."""
    report = import_records(client, world, PLANTED)
    assert report["created"] == len(PLANTED)
    wait_for_rescreens(app)
    return report
