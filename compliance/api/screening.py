"""Screening: posted entities against the incident records, stored matches, reviewer
decisions and the matched organisation's right of reply."""

from __future__ import annotations

from flask import current_app
from pydantic import BaseModel, Field

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api import accepted, blueprint, respond
from compliance.clock import now
from compliance.jobs import service as job_service
from compliance.pagination import PageQuery, page_size
from compliance.screening import adhoc
from compliance.screening import service as screening_service
from compliance.screening.models import (
    EntityScreeningQueued,
    MatchPage,
    MatchPublic,
    MatchResponseIn,
    MatchStatus,
    ReviewRequest,
    ScreeningRequest,
)

bp = blueprint(
    "api_screening",
    __name__,
    tag="Screening",
    description="Incidents matched to organisations, suppliers and sites; review and reply",
)


class MatchPath(BaseModel):
    match_id: int = Field(ge=1, le=2**63 - 1)


class MatchListQuery(PageQuery):
    organisation_id: int | None = Field(
        default=None, ge=1, le=2**63 - 1, description="Matches shown on this organisation"
    )
    status: MatchStatus | None = None
    min_score: int | None = Field(default=None, ge=0, le=100)


@bp.post(
    "/screenings",
    summary="Screen entities against every incident record",
    description="The entities are checked at once (422 listing those that cannot be screened), "
    "then screened by a job (202: poll the job at `Location`; its result is the screening).",
    responses={202: EntityScreeningQueued},
)
def screen(body: ScreeningRequest):
    actor = current_actor()
    policy.require(actor, "screening.run")
    session = db.session()
    adhoc.resolve(session=session, request=body)
    job = job_service.enqueue(
        session=session,
        kind="screening.screen",
        params={"request": body.model_dump(mode="json")},
        organisation_id=actor.organisation_id,
        created_by_id=actor.id,
    )
    session.commit()
    return accepted(EntityScreeningQueued, job.id)


@bp.get("/matches", summary="Matches you may see", responses={200: MatchPage})
def list_matches(query: MatchListQuery):
    """Organisations see the matches on themselves; investors and NGOs also every confirmed
    match with its response; reviewers see all."""
    actor = current_actor()
    policy.require(actor, "match.list")
    page = screening_service.list_page(
        session=db.session(),
        actor=actor,
        filters=screening_service.MatchFilters(
            organisation_id=query.organisation_id, status=query.status, min_score=query.min_score
        ),
        limit=page_size(query.limit, current_app.config),
        cursor=query.cursor,
    )
    items = [screening_service.match_public(row, actor) for row in page.items]
    return respond(MatchPage, {"items": items, "next_cursor": page.next_cursor})


@bp.get("/matches/<int:match_id>", summary="One match", responses={200: MatchPublic})
def get_match(path: MatchPath):
    actor = current_actor()
    policy.require(actor, "match.list")
    row = screening_service.get_visible(session=db.session(), actor=actor, match_id=path.match_id)
    return respond(MatchPublic, screening_service.match_public(row, actor))


@bp.post(
    "/matches/<int:match_id>/review",
    summary="Confirm or dismiss a match (reviewers)",
    responses={200: MatchPublic},
)
def review_match(path: MatchPath, body: ReviewRequest):
    actor = current_actor()
    policy.require(actor, "match.review")
    session = db.session()
    row = screening_service.get_visible(session=session, actor=actor, match_id=path.match_id)
    screening_service.review(session=session, match=row.match, request=body, actor=actor, now=now())
    session.commit()
    row = screening_service.get_visible(session=session, actor=actor, match_id=path.match_id)
    return respond(MatchPublic, screening_service.match_public(row, actor))


@bp.post(
    "/matches/<int:match_id>/response",
    summary="Answer a matched incident (the matched organisation)",
    responses={200: MatchPublic},
)
def respond_to_match(path: MatchPath, body: MatchResponseIn):
    """Your public response, the investigation you opened and the remedy offered, with
    evidence; shown with the match to reviewers, investors and NGOs, and scored."""
    actor = current_actor()
    session = db.session()
    row = screening_service.get_visible(session=session, actor=actor, match_id=path.match_id)
    policy.require(actor, "match.respond", row.match)
    screening_service.respond(
        session=session, match=row.match, response_in=body, actor=actor, now=now()
    )
    session.commit()
    row = screening_service.get_visible(session=session, actor=actor, match_id=path.match_id)
    return respond(MatchPublic, screening_service.match_public(row, actor))
