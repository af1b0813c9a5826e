"""Everything screening needs to know of many organisations, read in bulk: a few queries per
kind of fact, whatever the number of holdings (`chunks` keeps each IN list within what every
database accepts)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from compliance.accounts.models import Organisation
from compliance.assessments.models import Answer, Assessment, Evidence
from compliance.certificates.models import Certificate, CertificateStatus
from compliance.challenges.models import ADMITTED, Challenge
from compliance.datasets.kinds import DatasetKind
from compliance.datasets.models import DatasetRow, DatasetVersion
from compliance.incidents.models import Incident, IncidentVersion
from compliance.scores import service as score_service
from compliance.screening.facts import link_of
from compliance.screening.models import Match, MatchStatus
from scoring import EvidenceFacts

_CHUNK = 900


def chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = sorted(set(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def organisations(session: Session, ids: Sequence[int]) -> dict[int, sa.Row]:
    found: dict[int, sa.Row] = {}
    for chunk in chunks(ids):
        for row in session.execute(
            sa.select(
                Organisation.id, Organisation.name, Organisation.country, Organisation.sector
            ).where(Organisation.id.in_(chunk))
        ):
            found[row.id] = row
    return found


def certificates(session: Session, ids: Sequence[int]) -> dict[int, sa.Row]:
    """Each organisation's certificate in force: the newest that is not superseded."""
    found: dict[int, sa.Row] = {}
    for chunk in chunks(ids):
        rows = session.execute(
            sa.select(
                Certificate.id,
                Certificate.cert_id,
                Certificate.organisation_id,
                Certificate.status,
                Certificate.tier,
                Certificate.score,
                Certificate.issued_at,
                Certificate.expires_at,
            )
            .where(
                Certificate.organisation_id.in_(chunk),
                Certificate.status != CertificateStatus.superseded,
            )
            .order_by(Certificate.id)
        )
        for certificate in rows:
            found[certificate.organisation_id] = certificate
    return found


def under_challenge(session: Session, certificate_ids: Sequence[int]) -> set[int]:
    """Certificates an admitted challenge stands against (as `is_under_challenge` decides)."""
    found: set[int] = set()
    for chunk in chunks(certificate_ids):
        found.update(
            session.execute(
                sa.select(Challenge.certificate_id)
                .where(Challenge.certificate_id.in_(chunk), Challenge.state.in_(ADMITTED))
                .distinct()
            ).scalars()
        )
    return found


@dataclasses.dataclass
class Matched:
    incident: Incident
    version: IncidentVersion
    confirmed: bool
    own_operations: bool


def matches(session: Session, ids: Sequence[int], *, since: date) -> dict[int, dict[int, Matched]]:
    """Per organisation, per incident: confirmed matches, and suggested ones screening still
    finds, of current versions since `since`; withdrawn records left out."""
    found: dict[int, dict[int, Matched]] = defaultdict(dict)
    for chunk in chunks(ids):
        rows = session.execute(
            sa.select(Match.organisation_id, Match.status, Match.path, Incident, IncidentVersion)
            .join(Incident, Incident.id == Match.incident_id)
            .join(
                IncidentVersion,
                sa.and_(
                    IncidentVersion.incident_id == Incident.id,
                    IncidentVersion.version == Incident.current_version,
                ),
            )
            .where(
                Match.organisation_id.in_(chunk),
                Incident.withdrawn.is_(False),
                IncidentVersion.occurred_on >= since,
                sa.or_(
                    Match.status == MatchStatus.confirmed,
                    sa.and_(
                        Match.status == MatchStatus.suggested,
                        Match.active.is_(True),
                        Match.suggested.is_(True),
                    ),
                ),
            )
        )
        for organisation_id, status, path, incident, version in rows:
            confirmed = status == MatchStatus.confirmed
            own = str(link_of(path or ())) == "own_operations"
            known = found[organisation_id].get(incident.id)
            if known is None:
                found[organisation_id][incident.id] = Matched(incident, version, confirmed, own)
            else:
                known.confirmed = known.confirmed or confirmed
                known.own_operations = known.own_operations or own
    return found


def assessments(session: Session, ids: Sequence[int]) -> dict[int, list[sa.Row]]:
    found: dict[int, list[sa.Row]] = defaultdict(list)
    for chunk in chunks(ids):
        for assessment in session.execute(
            sa.select(
                Assessment.id,
                Assessment.organisation_id,
                Assessment.status,
                Assessment.questionnaire_key,
                Assessment.questionnaire_version,
                Assessment.high_risk_context,
                Assessment.decided_at,
                Assessment.updated_at,
            )
            .where(Assessment.organisation_id.in_(chunk))
            .order_by(Assessment.id)
        ):
            found[assessment.organisation_id].append(assessment)
    return found


def answers(session: Session, assessment_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    for chunk in chunks(assessment_ids):
        for assessment_id, question_id, value in session.execute(
            sa.select(Answer.assessment_id, Answer.question_id, Answer.value).where(
                Answer.assessment_id.in_(chunk)
            )
        ):
            found[assessment_id][question_id] = value
    return found


def evidence(session: Session, assessment_ids: Sequence[int]) -> dict[int, list[EvidenceFacts]]:
    found: dict[int, list[EvidenceFacts]] = defaultdict(list)
    for chunk in chunks(assessment_ids):
        for assessment_id, evidence_id, question_id, review in session.execute(
            sa.select(Evidence.assessment_id, Evidence.id, Evidence.question_id, Evidence.review)
            .where(Evidence.assessment_id.in_(chunk))
            .order_by(Evidence.id)
        ):
            level = score_service.EVIDENCE_LEVELS[review]
            if level is not None:
                found[assessment_id].append(
                    EvidenceFacts(ref=f"EV{evidence_id}", question_id=question_id, level=level)
                )
    return found


def sites(session: Session, assessment_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The current site list of each assessment."""
    versions: dict[int, int] = {}
    for chunk in chunks(assessment_ids):
        for version_id, assessment_id, _version in session.execute(
            sa.select(DatasetVersion.id, DatasetVersion.assessment_id, DatasetVersion.version)
            .where(
                DatasetVersion.assessment_id.in_(chunk),
                DatasetVersion.kind == DatasetKind.SITES,
            )
            .order_by(DatasetVersion.version)
        ):
            versions[assessment_id] = version_id
    by_version: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for chunk in chunks(versions.values()):
        for version_id, data in session.execute(
            sa.select(DatasetRow.version_id, DatasetRow.data)
            .where(DatasetRow.version_id.in_(chunk))
            .order_by(DatasetRow.version_id, DatasetRow.position)
        ):
            by_version[version_id].append(data)
    return {assessment_id: by_version[v] for assessment_id, v in versions.items()}
