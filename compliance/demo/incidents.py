"""Incident records for the demo world: the Global Witness list of land and environmental
defenders killed in 2012-2021 (imported as `hrd-sentinel incidents import` does), a few
attacks NGOs report against demo companies, and the reviewers' decisions on the matches the
screening finds: one confirmed, the others left for review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlmodel import Session, select

from compliance.demo.organisations import REVIEWER_LOGIN, actor
from compliance.incidents import imports
from compliance.incidents import service as incident_service
from compliance.incidents.mapping import GLOBAL_WITNESS, SUBMISSION_SOURCE
from compliance.incidents.models import (
    Incident,
    IncidentCreate,
    ReviewDecision,
    VerificationRequest,
)
from compliance.incidents.reading import FileFormat
from compliance.incidents.vocabulary import (
    AttackType,
    ConsentBasis,
    DefenderGroup,
    PerpetratorType,
    Sector,
)
from compliance.screening import service as screening_service
from compliance.screening.models import (
    EntityKind,
    Match,
    MatchStatus,
    ReviewAction,
    ReviewRequest,
)

GLOBAL_WITNESS_CSV = Path(__file__).parent / "data" / "global_witness_led_2012_2021.csv"


@dataclass(frozen=True)
class Report:
    """An attack an NGO reports, naming a demo company, `days_ago`; `confirm` says whether the
    reviewers confirm the screening's match to the company. `incident` holds the fields of
    the submission (`IncidentCreate`) besides its date and reference."""

    reporter_login: str
    reference: str
    days_ago: int
    incident: dict[str, Any]
    confirm: bool

    def submission(self, now: datetime) -> IncidentCreate:
        return IncidentCreate(
            occurred_on=(now - timedelta(days=self.days_ago)).date(),
            source_reference=self.reference,
            **self.incident,
        )


REPORTS: tuple[Report, ...] = (
    Report(
        "casos@defensoresenred.example",
        "DR-2026-014",
        265,
        dict(
            country="HN",
            region="Intibucá",
            sector=Sector.hydropower,
            attack_types=[AttackType.death_threat, AttackType.judicial_harassment],
            defender_groups=[DefenderGroup.indigenous, DefenderGroup.land_environmental],
            collective_targeted=True,
            people_affected=14,
            perpetrator_type=PerpetratorType.private_security,
            companies_alleged=["Hidroeléctrica Río Claro S.A. de C.V."],
            consent_basis=ConsentBasis.informed_consent,
            narrative=(
                "Members of the Lenca council opposing the dam received written death threats "
                "after a community assembly; three of them now face trespass charges filed by "
                "the company."
            ),
        ),
        confirm=True,
    ),
    Report(
        "casos@defensoresenred.example",
        "DR-2026-031",
        130,
        dict(
            country="GT",
            region="Petén",
            sector=Sector.agribusiness,
            attack_types=[AttackType.intimidation, AttackType.surveillance],
            defender_groups=[DefenderGroup.indigenous, DefenderGroup.community],
            collective_targeted=True,
            perpetrator_type=PerpetratorType.private_security,
            companies_alleged=["Palmas del Norte Agroindustrial S.A."],
            consent_basis=ConsentBasis.informed_consent,
            narrative=(
                "Plantation guards photographed and followed Q'eqchi' community members "
                "returning from a meeting about the Río Pasión expansion."
            ),
        ),
        confirm=False,
    ),
    Report(
        "cases@landwater.example",
        "LWD-2026-007",
        210,
        dict(
            country="ID",
            region="Maluku Utara",
            sector=Sector.mining,
            attack_types=[AttackType.arbitrary_detention],
            defender_groups=[DefenderGroup.indigenous, DefenderGroup.land_environmental],
            people_affected=6,
            perpetrator_type=PerpetratorType.police,
            companies_alleged=["PT Nusantara Nikel Tbk"],
            consent_basis=ConsentBasis.public_source,
        ),
        confirm=False,
    ),
)


def seed_incidents(*, session: Session, now: datetime) -> None:
    """Import the Global Witness list and record the NGOs' reports, each once; the screening
    jobs they queue run after the commit."""
    if not _exists(session, GLOBAL_WITNESS.source, None):
        imports.import_file(
            session=session,
            data=GLOBAL_WITNESS_CSV.read_bytes(),
            file_format=FileFormat.global_witness,
            mapping=GLOBAL_WITNESS,
            created_by=None,
            limits=imports.limits_from(current_app.config),
            now=now,
        )
    for report in REPORTS:
        reporter = actor(session, report.reporter_login)
        source_id = f"{reporter.organisation_id}:{report.reference}"
        if _exists(session, SUBMISSION_SOURCE, source_id):
            continue
        incident_service.submit(
            session=session,
            incident_in=report.submission(now),
            actor=reporter,
            now=now,
        )


def _exists(session: Session, source: str, source_id: str | None) -> bool:
    statement = select(Incident.id).where(Incident.source == source)
    if source_id is not None:
        statement = statement.where(Incident.source_id == source_id)
    return session.exec(statement.limit(1)).first() is not None


def review_matches(*, session: Session, now: datetime) -> None:
    """Confirm the screening's match of each report marked `confirm` to the company it names,
    and corroborate that incident; a match reviewed already is left as it is."""
    reviewer = actor(session, REVIEWER_LOGIN)
    for report in REPORTS:
        if not report.confirm:
            continue
        reporter = actor(session, report.reporter_login)
        incident = session.exec(
            select(Incident).where(
                Incident.source == SUBMISSION_SOURCE,
                Incident.source_id == f"{reporter.organisation_id}:{report.reference}",
            )
        ).one()
        match = session.exec(
            select(Match).where(
                Match.incident_id == incident.id,
                Match.entity_kind == EntityKind.organisation,
                Match.status == MatchStatus.suggested,
            )
        ).first()
        if match is None:
            continue
        screening_service.review(
            session=session,
            match=match,
            request=ReviewRequest(
                decision=ReviewAction.confirm,
                reason="The company is named by two independent sources and owns the site.",
            ),
            actor=reviewer,
            now=now,
        )
        incident_service.decide(
            session=session,
            incident=incident,
            decision=VerificationRequest(
                status=ReviewDecision.corroborated,
                reason="Corroborated by the council's statement and the court filing.",
            ),
            actor=reviewer,
            now=now,
        )
