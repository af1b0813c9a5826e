"""Stored matches: who sees which, reviewer decisions, the right of reply, and what a
confirmation sets off. Nothing here commits; callers do.

Who sees a match:
- reviewers: every match;
- the organisation it is shown on: its confirmed matches, and the suggested ones at or above
  the threshold that the latest screening still finds (weak and dismissed ones are for
  reviewers);
- financial institutions and NGOs: confirmed matches of every organisation, with the
  organisation's response (investors watch holdings, NGOs follow cases);
- matches of withdrawn incident records are shown to reviewers only.
Incidents always appear through their public view; protected fields never enter a match.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation, OrganisationKind, User
from compliance.assessments.models import Assessment, Evidence
from compliance.audit import service as audit
from compliance.certificates import service as certificate_service
from compliance.errors import InvalidInput, NotFound, ProblemDetail
from compliance.incidents.models import Incident, IncidentPublic, IncidentRecord, IncidentVersion
from compliance.pagination import Page, paginate
from compliance.phrases import Phrase
from compliance.screening.entities import SCREENED_KINDS
from compliance.screening.facts import response_levels
from compliance.screening.models import (
    EntityKind,
    Match,
    MatchCard,
    MatchDecision,
    MatchPublic,
    MatchResponse,
    MatchResponseIn,
    MatchResponsePublic,
    MatchStatus,
    PairDecision,
    PathStepPublic,
    ResponseEvidencePublic,
    ResponseLevelsPublic,
    ReviewAction,
    ReviewRequest,
)
from compliance.watchlist import service as watchlist

_SEE_CONFIRMED = (OrganisationKind.financial_institution, OrganisationKind.ngo)


@dataclass(frozen=True)
class MatchRow:
    """A match with what its public view needs."""

    match: Match
    incident: Incident
    version: IncidentVersion
    organisation_name: str
    response: MatchResponse | None


@dataclass(frozen=True)
class MatchFilters:
    organisation_id: int | None = None
    status: MatchStatus | None = None
    min_score: int | None = None


def visible_to(actor: Actor | None) -> ColumnElement[bool]:
    """The matches `actor` may see (see the module doc); needs `Incident` joined."""
    if actor is None:
        return sa.false()
    if actor.is_reviewer:
        return sa.true()
    clauses = []
    if actor.kind in SCREENED_KINDS:
        clauses.append(
            sa.and_(
                Match.organisation_id == actor.organisation_id,
                sa.or_(
                    Match.status == MatchStatus.confirmed,
                    sa.and_(
                        Match.status == MatchStatus.suggested,
                        Match.suggested.is_(True),
                        Match.active.is_(True),
                    ),
                ),
            )
        )
    if actor.kind in _SEE_CONFIRMED:
        clauses.append(Match.status == MatchStatus.confirmed)
    if not clauses:
        return sa.false()
    return sa.and_(sa.or_(*clauses), Incident.withdrawn.is_(False))


def _rows():
    return (
        sa.select(Match, Incident, IncidentVersion, Organisation.name, MatchResponse)
        .join(Incident, Incident.id == Match.incident_id)
        .join(
            IncidentVersion,
            sa.and_(
                IncidentVersion.incident_id == Incident.id,
                IncidentVersion.version == Incident.current_version,
            ),
        )
        .join(Organisation, Organisation.id == Match.organisation_id)
        .outerjoin(MatchResponse, MatchResponse.match_id == Match.id)
    )


def list_page(
    *,
    session: Session,
    actor: Actor,
    filters: MatchFilters,
    limit: int,
    cursor: str | None,
) -> Page[MatchRow]:
    """A page of the matches `actor` may see, newest first."""
    statement = _rows().where(visible_to(actor))
    if filters.organisation_id is not None:
        statement = statement.where(Match.organisation_id == filters.organisation_id)
    if filters.status is not None:
        statement = statement.where(Match.status == filters.status)
    if filters.min_score is not None:
        statement = statement.where(Match.score >= filters.min_score)
    page = paginate(
        session, statement, key=Match.id, key_of=lambda row: row[0].id, limit=limit, cursor=cursor
    )
    return Page([MatchRow(*row) for row in page.items], page.next_cursor)


def get_visible(*, session: Session, actor: Actor | None, match_id: int) -> MatchRow:
    row = session.execute(_rows().where(Match.id == match_id, visible_to(actor))).first()
    if row is None:
        raise NotFound(
            Phrase("There is no match %(match_id)s that you can see.", match_id=match_id)
        )
    return MatchRow(*row)


def path_public(path: Iterable[dict]) -> list[PathStepPublic]:
    """The path without internal keys: kinds and names, and organisations' ids."""
    return [
        PathStepPublic(
            kind=EntityKind(step["kind"]),
            name=step["name"],
            organisation_id=step["id"] if step["kind"] == EntityKind.organisation else None,
        )
        for step in path
    ]


def response_public(response: MatchResponse | None) -> MatchResponsePublic | None:
    if response is None:
        return None
    levels = response_levels(response)
    return MatchResponsePublic(
        public_response=response.public_response,
        investigation_opened=response.investigation_opened,
        investigation_description=response.investigation_description,
        remedy_offered=response.remedy_offered,
        evidence=[
            ResponseEvidencePublic(
                supports=item["supports"],
                url=item.get("url"),
                evidence_ref=f"EV{item['evidence_id']}" if item.get("evidence_id") else None,
                description=item.get("description"),
            )
            for item in response.evidence or ()
        ],
        levels=ResponseLevelsPublic(
            public_answer=levels.public_answer,
            investigation=levels.investigation,
            remedy=levels.remedy,
        ),
        responded_at=response.responded_at,
    )


def public_incident(incident: Incident, version: IncidentVersion, actor: Actor | None):
    """The incident's public view: the record is built without protected fields, so even a
    viewer entitled to them gets the public view here."""
    return IncidentPublic.for_viewer(IncidentRecord(incident=incident, version=version), actor)


def match_public(row: MatchRow, actor: Actor | None) -> MatchPublic:
    match = row.match
    return MatchPublic(
        id=match.id,
        organisation_id=match.organisation_id,
        organisation_name=row.organisation_name,
        entity_kind=match.entity_kind,
        method=match.method,
        score=match.score,
        suggested=match.suggested,
        status=match.status,
        active=match.active,
        explanation=match.explanation,
        path=path_public(match.path),
        incident_version=match.incident_version,
        incident=public_incident(row.incident, row.version, actor),
        reviewed_at=match.reviewed_at,
        review_reason=match.review_reason if actor is not None and actor.is_reviewer else None,
        response=response_public(row.response),
        found_at=match.found_at,
        updated_at=match.updated_at,
    )


def match_card(row: MatchRow, actor: Actor | None) -> MatchCard:
    """The match as a web page shows it: its public view and its explanation's terms."""
    return MatchCard(
        **dict(match_public(row, actor)), explanation_terms=row.match.explanation_terms
    )


def incident_views(
    *, session: Session, incident_ids: Sequence[int], actor: Actor | None
) -> dict[int, IncidentPublic]:
    """Public views of the current versions of these incidents."""
    rows = session.execute(
        sa.select(Incident, IncidentVersion)
        .join(
            IncidentVersion,
            sa.and_(
                IncidentVersion.incident_id == Incident.id,
                IncidentVersion.version == Incident.current_version,
            ),
        )
        .where(Incident.id.in_(list(incident_ids)))
    ).all()
    return {incident.id: public_incident(incident, version, actor) for incident, version in rows}


def review(
    *, session: Session, match: Match, request: ReviewRequest, actor: Actor, now: datetime
) -> Match:
    """A reviewer confirms or dismisses a match; the decision is kept for the pair, so later
    re-screenings apply it again (see `rescreen`). The reason stays with reviewers: it is free
    text and may name people, so the audit trail records only the decision."""
    decision = (
        MatchDecision.confirmed
        if request.decision is ReviewAction.confirm
        else MatchDecision.dismissed
    )
    previous = match.status
    match.status = MatchStatus(decision.value)
    match.review_reason = request.reason
    match.reviewed_by_id = actor.id
    match.reviewed_at = now
    match.updated_at = now
    session.add(match)
    session.add(
        PairDecision(
            incident_id=match.incident_id,
            entity_kind=match.entity_kind,
            entity_key=match.entity_key,
            match_id=match.id,
            decision=decision,
            reason=request.reason,
            incident_version=match.incident_version,
            facts_fingerprint=match.facts_fingerprint,
            decided_by_id=actor.id,
            decided_at=now,
        )
    )
    audit.record(
        session=session,
        actor=actor,
        action="match.reviewed",
        subject=match,
        details={
            "decision": decision.value,
            "previous": str(previous),
            "incident_version": match.incident_version,
            "method": str(match.method),
            "score": match.score,
        },
        now=now,
    )
    if decision is MatchDecision.confirmed and previous != MatchStatus.confirmed:
        on_match_confirmed(session=session, match=match, now=now)
    return match


def on_match_confirmed(*, session: Session, match: Match, now: datetime) -> None:
    """What a confirmation sets off: the organisation's active certificates are flagged for
    the reviewers, and `match.confirmed` is audited with the certificates it touched."""
    incident = session.get(Incident, match.incident_id)
    flagged = certificate_service.flag_for_review(
        session=session,
        organisation_id=match.organisation_id,
        reason=(
            f"Incident {incident.ref} was confirmed as linked to this organisation "
            f"({match.method}, score {match.score})."
        ),
        now=now,
    )
    reviewer = session.get(User, match.reviewed_by_id) if match.reviewed_by_id else None
    audit.record(
        session=session,
        actor=reviewer,
        action="match.confirmed",
        subject=match,
        details={
            "organisation_id": match.organisation_id,
            "incident_ref": incident.ref,
            "certificates_flagged": [certificate.cert_id for certificate in flagged],
        },
        now=now,
    )
    watchlist.match_confirmed(session=session, match=match, now=now)


def _check_evidence(session: Session, actor: Actor, response_in: MatchResponseIn) -> None:
    """Evidence items named by id must belong to an assessment of the answering organisation."""
    wanted = {item.evidence_id for item in response_in.evidence if item.evidence_id is not None}
    if not wanted:
        return
    own = set(
        session.execute(
            sa.select(Evidence.id)
            .join(Assessment, Assessment.id == Evidence.assessment_id)
            .where(Evidence.id.in_(wanted), Assessment.organisation_id == actor.organisation_id)
        ).scalars()
    )
    problems = [
        ProblemDetail(
            pointer=f"/evidence/{position}/evidence_id",
            detail=Phrase("not an evidence item of your organisation's assessments"),
        )
        for position, item in enumerate(response_in.evidence)
        if item.evidence_id is not None and item.evidence_id not in own
    ]
    if problems:
        raise InvalidInput(
            Phrase(
                "Some evidence ids are not evidence of your assessments; attach the item to your "
                "assessment first, or give a link."
            ),
            errors=problems,
        )


def respond(
    *,
    session: Session,
    match: Match,
    response_in: MatchResponseIn,
    actor: Actor,
    now: datetime,
) -> MatchResponse:
    """Record the organisation's answer to a matched incident; a new answer replaces the
    previous one (the audit trail keeps that there was one)."""
    _check_evidence(session, actor, response_in)
    response = session.exec(select(MatchResponse).where(MatchResponse.match_id == match.id)).first()
    replaced = response is not None
    response = response or MatchResponse(
        match_id=match.id, responded_by_id=actor.id, responded_at=now
    )
    response.public_response = response_in.public_response
    response.investigation_opened = response_in.investigation_opened
    response.investigation_description = response_in.investigation_description
    response.remedy_offered = response_in.remedy_offered
    response.evidence = [
        {
            "supports": item.supports.value,
            "url": str(item.url) if item.url is not None else None,
            "evidence_id": item.evidence_id,
            "description": item.description,
        }
        for item in response_in.evidence
    ]
    response.responded_by_id = actor.id
    response.responded_at = now
    session.add(response)
    levels = response_levels(response)
    audit.record(
        session=session,
        actor=actor,
        action="match.responded",
        subject=match,
        details={
            "replaced": replaced,
            "public_answer": levels.public_answer.value,
            "investigation": levels.investigation.value,
            "remedy": levels.remedy.value,
            "evidence": len(response.evidence),
        },
        now=now,
    )
    return response
