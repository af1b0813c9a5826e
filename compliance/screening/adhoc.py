"""Screening entities posted by a user (a portfolio, a list of suppliers) against every current
incident record, without storing anything.

Posted entities carry names and identifiers, not places, so only incidents that name a company
can match them; the others are counted as screened but not given to the engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from compliance import matching
from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation
from compliance.errors import InvalidInput, ProblemDetail
from compliance.incidents import service as incident_service
from compliance.phrases import Phrase
from compliance.screening.entities import SCREENED_KINDS
from compliance.screening.models import (
    EntityKind,
    Match,
    MatchDecision,
    MatchStatus,
    PathStepPublic,
    ScreenedEntityPublic,
    ScreeningMatchPublic,
    ScreeningRequest,
    ScreeningResult,
)
from compliance.screening.rescreen import BATCH, engine_facts
from compliance.screening.service import incident_views

MATCHES_SHOWN = 100


@dataclass(frozen=True)
class PostedEntity:
    """An entity of the request, as the engine sees it, and the organisation it stands for."""

    entity: matching.Entity
    organisation_id: int | None


def resolve(*, session: Session, request: ScreeningRequest) -> list[PostedEntity]:
    """The posted entities as engine entities (id = position in the request); every entity
    that cannot be screened is reported at once."""
    posted: list[PostedEntity] = []
    problems: list[ProblemDetail] = []
    for position, item in enumerate(request.entities):
        organisation = None
        if item.organisation_id is not None:
            organisation = session.get(Organisation, item.organisation_id)
            if organisation is None or organisation.kind not in SCREENED_KINDS:
                problems.append(
                    ProblemDetail(
                        pointer=f"/entities/{position}/organisation_id",
                        detail=Phrase("no company or financial institution has this id"),
                    )
                )
                continue
        source = organisation or item
        try:
            entity = matching.Entity(
                kind="organisation",
                id=position,
                name=source.name,
                aliases=tuple(source.aliases or ()),
                lei=source.lei,
                isins=tuple(source.isins or ()),
                country=source.country,
                sector=source.sector,
            )
        except matching.InvalidScreeningInput as exc:
            reason = exc.args[0] if exc.args else str(exc)  # str(exc) would drop the Phrase
            problems.append(ProblemDetail(pointer=f"/entities/{position}", detail=reason))
            continue
        posted.append(PostedEntity(entity, organisation.id if organisation else None))
    if problems:
        raise InvalidInput(
            Phrase("Some entities cannot be screened as given; see `errors`."), errors=problems
        )
    return posted


def _screen_all(
    session: Session, index: matching.ScreeningIndex
) -> tuple[int, list[matching.Match]]:
    screened, found = 0, []
    batch: list[matching.IncidentFacts] = []
    for facts in incident_service.iter_matching_facts(session=session, batch_size=BATCH):
        screened += 1
        if not facts.companies_alleged:
            continue
        try:
            batch.append(engine_facts(facts))
        except matching.InvalidScreeningInput:
            continue
        if len(batch) >= BATCH:
            found += index.screen(batch)
            batch = []
    if batch:
        found += index.screen(batch)
    return screened, found


def _decisions(
    session: Session, posted: Sequence[PostedEntity], found: Sequence[matching.Match]
) -> dict[tuple[int, str], MatchDecision]:
    """Reviewers' decisions on (incident, known organisation) pairs among the results."""
    keys = {str(p.organisation_id) for p in posted if p.organisation_id is not None}
    incidents = {int(m.incident_id) for m in found}
    if not keys or not incidents:
        return {}
    rows = session.execute(
        sa.select(Match.incident_id, Match.entity_key, Match.status).where(
            Match.entity_kind == EntityKind.organisation,
            Match.entity_key.in_(keys),
            Match.incident_id.in_(incidents),
            Match.status != MatchStatus.suggested,
        )
    )
    return {(i, key): MatchDecision(status.value) for i, key, status in rows}


def screen(
    *, session: Session, posted: Sequence[PostedEntity], actor: Actor | None
) -> ScreeningResult:
    """Every current incident against the posted entities; at most `MATCHES_SHOWN` matches per
    entity, best first, each with the incident's public view."""
    index = matching.ScreeningIndex([p.entity for p in posted])
    screened, found = _screen_all(session, index)
    by_entity: dict[int, list[matching.Match]] = defaultdict(list)
    for match in found:
        by_entity[int(match.entity_id)].append(match)
    shown = {
        position: sorted(matches, key=lambda m: (-m.score, str(m.incident_id)))[:MATCHES_SHOWN]
        for position, matches in by_entity.items()
    }
    views = incident_views(
        session=session,
        incident_ids=sorted({int(m.incident_id) for ms in shown.values() for m in ms}),
        actor=actor,
    )
    decisions = _decisions(session, posted, found)
    entities = []
    for position, item in enumerate(posted):
        key = str(item.organisation_id) if item.organisation_id is not None else None
        entities.append(
            ScreenedEntityPublic(
                index=position,
                name=item.entity.name,
                organisation_id=item.organisation_id,
                matches_total=len(by_entity.get(position, ())),
                matches=[
                    ScreeningMatchPublic(
                        method=m.method,
                        score=m.score,
                        suggested=m.suggested,
                        explanation=m.explanation,
                        path=[
                            PathStepPublic(
                                kind=EntityKind.organisation,
                                name=item.entity.name,
                                organisation_id=item.organisation_id,
                            )
                        ],
                        incident=views[int(m.incident_id)],
                        reviewed=decisions.get((int(m.incident_id), key)) if key else None,
                    )
                    for m in shown.get(position, ())
                ],
            )
        )
    return ScreeningResult(incidents_screened=screened, entities=entities)
