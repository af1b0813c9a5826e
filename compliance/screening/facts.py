"""Confirmed matches as the methodology's incident facts, and how a response is read.

Only matches a reviewer confirmed are scored (suggested ones are allegations of a link, not
yet a link). Each incident counts once per organisation: linked to its own operations when a
confirmed match is on the organisation itself, a subsidiary or one of its sites, to its value
chain when every confirmed path runs through a supplier. Withdrawn records do not count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from compliance.incidents.models import Incident, IncidentVersion
from compliance.incidents.redaction import public_date_precision
from compliance.incidents.vocabulary import DatePrecision
from compliance.screening.models import Match, MatchResponse, MatchStatus, ResponseStep
from scoring import IncidentFacts, IncidentResponse, Link, ResponseLevel, Verification

_ORDER = {ResponseLevel.NONE: 0, ResponseLevel.STATED: 1, ResponseLevel.EVIDENCED: 2}


def _level(given: bool, evidenced: bool) -> ResponseLevel:
    if not given:
        return ResponseLevel.NONE
    return ResponseLevel.EVIDENCED if evidenced else ResponseLevel.STATED


def response_levels(response: MatchResponse | None) -> IncidentResponse:
    """Each step is stated when the answer gives it, evidenced when a link or an evidence item
    supports it too (the methodology counts a step fully only with evidence)."""
    if response is None:
        return IncidentResponse()
    supported = {ResponseStep(item["supports"]) for item in response.evidence or ()}
    return IncidentResponse(
        public_answer=_level(
            response.public_response is not None, ResponseStep.public_response in supported
        ),
        investigation=_level(
            response.investigation_opened, ResponseStep.investigation in supported
        ),
        remedy=_level(response.remedy_offered is not None, ResponseStep.remedy in supported),
    )


def _best(a: IncidentResponse, b: IncidentResponse) -> IncidentResponse:
    def top(x: ResponseLevel, y: ResponseLevel) -> ResponseLevel:
        return x if _ORDER[x] >= _ORDER[y] else y

    return IncidentResponse(
        public_answer=top(a.public_answer, b.public_answer),
        investigation=top(a.investigation, b.investigation),
        remedy=top(a.remedy, b.remedy),
    )


def link_of(path: Iterable[Mapping[str, Any]]) -> Link:
    """Value chain when the path runs through a supplier, own operations otherwise."""
    if any(step.get("kind") == "supplier" for step in path):
        return Link.VALUE_CHAIN
    return Link.OWN_OPERATIONS


def scoring_date(occurred_on: date, precision: DatePrecision) -> date:
    """The date as precise as the organisation may see it (the month): scores are shown to
    the organisation, and an exact day can point to a person."""
    if public_date_precision(precision) is DatePrecision.year:
        return date(occurred_on.year, 1, 1)
    return occurred_on.replace(day=1)


def incident_facts_for(*, session: Session, organisation_id: int) -> list[IncidentFacts]:
    """One fact per incident with a confirmed match on the organisation, best link and best
    response across its matches, ordered by incident reference."""
    rows = session.execute(
        sa.select(Match.path, Incident, IncidentVersion, MatchResponse)
        .join(Incident, Incident.id == Match.incident_id)
        .join(
            IncidentVersion,
            sa.and_(
                IncidentVersion.incident_id == Incident.id,
                IncidentVersion.version == Incident.current_version,
            ),
        )
        .outerjoin(MatchResponse, MatchResponse.match_id == Match.id)
        .where(
            Match.organisation_id == organisation_id,
            Match.status == MatchStatus.confirmed,
            Incident.withdrawn.is_(False),
        )
    ).all()
    facts: dict[str, IncidentFacts] = {}
    for path, incident, version, response in rows:
        link = link_of(path)
        answer = response_levels(response)
        known = facts.get(incident.ref)
        if known is not None:
            if known.link is Link.OWN_OPERATIONS:
                link = known.link
            answer = _best(known.response, answer)
        facts[incident.ref] = IncidentFacts(
            ref=incident.ref,
            occurred_on=scoring_date(version.occurred_on, DatePrecision(version.date_precision)),
            attack_types=tuple(version.attack_types),
            verification=Verification(incident.verification_status),
            link=link,
            perpetrator=str(version.perpetrator_type),
            collective_targeted=version.collective_targeted,
            response=answer,
        )
    return [facts[ref] for ref in sorted(facts)]
