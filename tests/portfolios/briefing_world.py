"""A portfolio world for the screening-run and briefing tests, built straight in the database
(no upload or resolution code): the investor's portfolio of four holdings, certificates,
incident records with protected fields, matches, an admitted challenge, an approved assessment
with weak answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from compliance import db
from compliance.accounts.models import Organisation, OrganisationKind
from compliance.assessments.models import Answer, Assessment, AssessmentStatus
from compliance.certificates.models import Certificate, CertificateStatus
from compliance.challenges.models import Challenge, ChallengeState
from compliance.clock import now
from compliance.incidents import service as incident_service
from compliance.incidents.content import (
    IncidentContent,
    IncidentDraft,
    ProtectedContent,
    Victim,
)
from compliance.incidents.models import Incident
from compliance.portfolios import runs
from compliance.portfolios.models import (
    Portfolio,
    PortfolioHolding,
    PortfolioRun,
    PortfolioStatus,
    Resolution,
)
from compliance.screening.models import Match
from scoring import Tier
from tests.conftest import World
from tests.screening.conftest import wait_for_rescreens
from tests.support.jobs import wait_for_job

# Protected values of the planted incidents: no briefing output may ever carry them.
SECRETS = {
    "victim": "Ximena Quispe-Protegida",
    "reporter": "Rafael Informante-Secreto",
    "contact": "reporter-secret@example.org",
    "place": "Vereda La Esperanza finca El Secreto",
    "narrative": "NARRATIVE-SECRET-7731",
}
FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'
RECENT = date.today() - timedelta(days=90)


def leaked(text: str) -> list[str]:
    return [value for value in SECRETS.values() if value in text]


@dataclass
class PortfolioWorld:
    portfolio_id: int
    company_a: int
    company_b: int
    hydro: int
    killing_ref: str
    threat_ref: str
    cert_a: str
    cert_b: str


def _certificate(session, organisation: Organisation, *, number: int, **fields) -> Certificate:
    moment = now().replace(microsecond=0)
    assessment = Assessment(
        organisation_id=organisation.id,
        questionnaire_key="company",
        questionnaire_version=1,
        status=AssessmentStatus.approved,
        decided_at=moment - timedelta(days=30),
    )
    session.add(assessment)
    session.flush()
    values = {
        "cert_id": f"HRD-{moment.year}-{number:06d}",
        "year": moment.year,
        "number": number,
        "assessment_id": assessment.id,
        "organisation_id": organisation.id,
        "organisation_name": organisation.name,
        "tier": Tier.CONDITIONAL,
        "score": 52.5,
        "sections": [],
        "scope": {"sites": None, "suppliers": None, "dataset_versions": []},
        "issued_at": moment - timedelta(days=30),
        "expires_at": moment + timedelta(days=335),
        "methodology_id": "hrd-sentinel-method",
        "methodology_version": "1.0",
        "methodology_hash": "0" * 64,
        "questionnaire": "company/1",
        "inputs_hash": "0" * 64,
        "status_changed_at": moment,
        "credential": "",
        "credential_sha256": "",
        "key_id": "k",
        "key_fingerprint": "0" * 64,
        **fields,
    }
    certificate = Certificate(**values)
    session.add(certificate)
    session.flush()
    return certificate


def _match(session, incident: Incident, organisation_id: int, status: str) -> None:
    session.add(
        Match(
            incident_id=incident.id,
            incident_version=incident.current_version,
            entity_kind="organisation",
            entity_key=str(organisation_id),
            organisation_id=organisation_id,
            method="name",
            score=95,
            suggested=True,
            explanation="name match",
            path=[{"kind": "organisation", "id": organisation_id, "name": "x"}],
            status=status,
            active=True,
            facts_fingerprint="0" * 64,
            finding_hash="0" * 64,
        )
    )


def build(app: Flask, world: World) -> PortfolioWorld:
    """Company A: approved assessment with weak answers, conditional certificate under an
    admitted challenge, a confirmed killing and a suggested death threat. Company B: a
    suspended certificate. Hidro Gamma: no assessment, hydropower in Colombia. And an
    unresolved holding whose name looks like a formula."""
    with db.session_scope(app) as session:
        incident_service.apply_drafts(
            session=session,
            source="briefing-test",
            drafts=[
                IncidentDraft(
                    source_id="kill-1",
                    content=IncidentContent(
                        occurred_on=RECENT,
                        country="CO",
                        region="Santander",
                        sector="mining",
                        attack_types=("killing",),
                        people_affected=2,
                    ),
                    protected=ProtectedContent(
                        victims=(Victim(name=SECRETS["victim"]),),
                        reporter_name=SECRETS["reporter"],
                        reporter_contact=SECRETS["contact"],
                        location_detail=SECRETS["place"],
                        narrative=SECRETS["narrative"],
                        latitude=6.2611,
                        longitude=-75.5712,
                    ),
                ),
                IncidentDraft(
                    source_id="threat-1",
                    content=IncidentContent(
                        occurred_on=RECENT - timedelta(days=400),
                        country="CO",
                        region="Huila",
                        sector="hydropower",
                        attack_types=("death_threat",),
                    ),
                    protected=ProtectedContent(narrative=SECRETS["narrative"]),
                ),
                IncidentDraft(
                    source_id="old-1",
                    content=IncidentContent(
                        occurred_on=date.today() - timedelta(days=365 * 7),
                        country="CO",
                        attack_types=("killing",),
                    ),
                ),
            ],
            import_id=None,
            created_by_id=None,
            now=now(),
        )
        session.commit()
    wait_for_rescreens(app)
    with db.session_scope(app) as session:
        company_a = session.get(Organisation, world["company_a"].organisation_id)
        company_a.country, company_a.sector = "CO", "mining"
        company_b = session.get(Organisation, world["company_b"].organisation_id)
        company_b.country, company_b.sector = "BR", "agribusiness"
        hydro = Organisation(
            name="Hidro Gamma S.A.", kind=OrganisationKind.company, country="CO", sector="hydro"
        )
        session.add_all([company_a, company_b, hydro])
        session.flush()
        cert_a = _certificate(session, company_a, number=700001)
        for question_id, value in (("A1", "no"), ("A2", "partly"), ("B1", "no")):
            session.add(
                Answer(assessment_id=cert_a.assessment_id, question_id=question_id, value=value)
            )
        cert_b = _certificate(session, company_b, number=700002, status=CertificateStatus.suspended)
        session.add(
            Challenge(
                case_number="CH-TEST-1",
                certificate_id=cert_a.id,
                organisation_id=company_a.id,
                claims=[],
                grounds="The grievance mechanism does not exist.",
                evidence_links=[],
                incident_refs=[],
                state=ChallengeState.awaiting_response,
                filed_at=now(),
                acknowledge_by=now() + timedelta(days=10),
            )
        )
        by_source = {
            i.source_id: i
            for i in session.exec(select(Incident).where(Incident.source == "briefing-test"))
        }
        _match(session, by_source["kill-1"], company_a.id, "confirmed")
        _match(session, by_source["threat-1"], company_a.id, "suggested")
        _match(session, by_source["old-1"], company_a.id, "confirmed")
        portfolio = Portfolio(
            organisation_id=world["investor"].organisation_id,
            name="Fondo Gamma Latin America",
            status=PortfolioStatus.ready,
            filename="holdings.xlsx",
            file_sha256="0" * 64,
            holding_count=4,
        )
        session.add(portfolio)
        session.flush()
        rows = [
            ("Minera Alfa", company_a.id, Resolution.identifier, 40.0, "CO", "mining"),
            ("Agro Beta", company_b.id, Resolution.name, 30.0, "BR", "agribusiness"),
            ("Hidro Gamma", hydro.id, Resolution.mapped, 20.0, "CO", "hydropower"),
            (FORMULA_NAME, None, Resolution.unresolved, 10.0, "PE", "mining"),
        ]
        for position, (name, organisation_id, resolution, weight, country, sector) in enumerate(
            rows, start=1
        ):
            session.add(
                PortfolioHolding(
                    portfolio_id=portfolio.id,
                    position=position,
                    name=name,
                    organisation_id=organisation_id,
                    resolution=resolution,
                    weight=weight,
                    country=country,
                    sector=sector,
                )
            )
        session.commit()
        return PortfolioWorld(
            portfolio_id=portfolio.id,
            company_a=company_a.id,
            company_b=company_b.id,
            hydro=hydro.id,
            killing_ref=by_source["kill-1"].ref,
            threat_ref=by_source["threat-1"].ref,
            cert_a=cert_a.cert_id,
            cert_b=cert_b.cert_id,
        )


def screen(app: Flask, client: FlaskClient, world: World, portfolio_id: int) -> dict:
    """Start a run through the API as the investor and wait for it; the job's answer."""
    answer = client.post(
        f"/api/v1/portfolios/{portfolio_id}/screenings", headers=world["investor"].headers
    )
    assert answer.status_code == 202, answer.get_json()
    done = wait_for_job(client, world["investor"].headers, answer.get_json()["job_id"])
    assert done["status"] == "succeeded", done
    return done


def start_run(app: Flask, portfolio_id: int, user_id: int | None = None) -> PortfolioRun:
    with db.session_scope(app) as session:
        portfolio = session.get(Portfolio, portfolio_id)
        run = runs.start(session=session, portfolio=portfolio, requested_by_id=user_id)
        session.commit()
        session.refresh(run)
        return run


def run_count(app: Flask, portfolio_id: int) -> int:
    with db.session_scope(app) as session:
        return session.execute(
            sa.select(sa.func.count())
            .select_from(PortfolioRun)
            .where(PortfolioRun.portfolio_id == portfolio_id)
        ).scalar_one()
