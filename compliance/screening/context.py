"""Context risk from the incident history, and the high-risk context of an assessment's sites.

`datasets.risk.high_risk_context` marks sites in the countries and sectors with most recorded
killings (a fixed list). The incident history adds places that became dangerous lately: a site
whose country or region the history rates high (or whose sector is high-risk in a place at
least elevated) also calls for heightened due diligence. `high_risk_context` combines both;
re-screening applies it to assessments still being filled in.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from compliance import matching
from compliance.assessments.models import EDITABLE, Assessment
from compliance.audit import service as audit
from compliance.datasets import risk as dataset_risk
from compliance.datasets.kinds import DatasetKind
from compliance.incidents.models import Incident, IncidentVersion
from compliance.screening.entities import current_datasets, site_sector

log = logging.getLogger(__name__)

_HISTORY_BATCH = 5_000


def incident_history(*, session: Session) -> Iterator[matching.IncidentFacts]:
    """Where, when and in which sector each current incident happened (public fields only)."""
    statement = (
        sa.select(
            Incident.id,
            IncidentVersion.country,
            IncidentVersion.region,
            IncidentVersion.sector,
            IncidentVersion.occurred_on,
        )
        .join(
            IncidentVersion,
            sa.and_(
                IncidentVersion.incident_id == Incident.id,
                IncidentVersion.version == Incident.current_version,
            ),
        )
        .where(Incident.withdrawn.is_(False))
        .execution_options(yield_per=_HISTORY_BATCH)
    )
    for incident_id, country, region, sector, occurred_on in session.execute(statement):
        try:
            yield matching.IncidentFacts(
                id=incident_id,
                country=country,
                region=region,
                sector=str(sector),
                occurred_on=occurred_on,
            )
        except matching.InvalidScreeningInput as exc:
            log.warning("incident %s left out of context risk: %s", incident_id, exc)


def context_report(*, session: Session, as_of: date) -> matching.ContextRiskReport:
    return matching.context_risk(incident_history(session=session), as_of=as_of)


def high_risk_context(
    sites: Iterable[Mapping[str, Any]], report: matching.ContextRiskReport
) -> bool:
    """True when the fixed lists or the incident history call for heightened due diligence."""
    listed = list(sites)
    if dataset_risk.high_risk_context(listed):
        return True
    return any(
        report.assess(
            country=site.get("country"),
            region=site.get("admin_region"),
            sector=site_sector(site.get("site_type")),
        ).heightened_due_diligence
        for site in listed
    )


def refresh_assessments(
    *, session: Session, report: matching.ContextRiskReport, now: datetime
) -> int:
    """Set the high-risk context of every assessment still being filled in from its current
    sites; return how many changed. Submitted and decided assessments keep theirs."""
    editable = dict(
        session.execute(
            sa.select(Assessment.id, Assessment.high_risk_context).where(
                Assessment.status.in_(list(EDITABLE))
            )
        ).all()
    )
    datasets = current_datasets(session=session, kind=DatasetKind.SITES, statuses=EDITABLE)
    changed = 0
    for dataset in datasets:
        high = high_risk_context(dataset.rows, report)
        if editable[dataset.assessment_id] == high:
            continue
        assessment = session.get(Assessment, dataset.assessment_id)
        assessment.high_risk_context = high
        session.add(assessment)
        audit.record(
            session=session,
            actor=None,
            action="assessment.high_risk_context_changed",
            subject=assessment,
            details={
                "high_risk_context": high,
                "source": f"incident history as of {report.as_of.isoformat()} and sites "
                f"version {dataset.version}",
            },
            now=now,
        )
        changed += 1
    return changed
