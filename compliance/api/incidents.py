"""Incident records: list and read (redacted per viewer), NGO submissions, reviewer decisions,
file imports and feeds."""

from __future__ import annotations

from datetime import date
from http import HTTPStatus
from typing import Any

from flask import current_app
from flask_openapi3 import FileStorage
from pydantic import BaseModel, Field

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api import FormModel, accepted, blueprint, respond
from compliance.clock import now
from compliance.errors import InvalidInput, ProblemDetail
from compliance.incidents import feed_service, imports
from compliance.incidents import service as incident_service
from compliance.incidents.feeds import FeedPolicy
from compliance.incidents.models import (
    FeedCreate,
    FeedList,
    FeedPublic,
    FetchQueued,
    ImportQueued,
    IncidentCreate,
    IncidentPage,
    IncidentProtectedView,
    IncidentPublic,
    IncidentVersions,
    VerificationRequest,
)
from compliance.incidents.reading import FileFormat
from compliance.incidents.vocabulary import AttackType, Sector
from compliance.jobs import service as job_service
from compliance.pagination import PageQuery, page_size
from compliance.phrases import Phrase

bp = blueprint(
    "api_incidents",
    __name__,
    tag="Incidents",
    description="Attacks on defenders linked to business: records, imports and feeds",
)

REF_PATTERN = r"^INC-[0-9A-Z]{10}$"


class IncidentPath(BaseModel):
    ref: str = Field(pattern=REF_PATTERN, description="The incident's pseudonymous reference")


class FeedPath(BaseModel):
    feed_id: int = Field(ge=1, le=2**63 - 1)


class IncidentListQuery(PageQuery):
    country: str | None = Field(default=None, min_length=2, max_length=2)
    sector: Sector | None = None
    attack_type: AttackType | None = None
    since: date | None = Field(default=None, description="Incidents on or after this date")
    include_withdrawn: bool = False


class ImportForm(FormModel):
    file: FileStorage
    format: FileFormat = Field(description="global-witness, csv, xlsx or json")
    mapping: dict[str, Any] | None = Field(
        default=None,
        description="The column mapping (a JSON object); required unless the format is "
        "global-witness.",
    )


@bp.get("/incidents", summary="List incidents (redacted)", responses={200: IncidentPage})
def list_incidents(query: IncidentListQuery):
    actor = current_actor()
    policy.require(actor, "incident.read")
    page = incident_service.list_page(
        session=db.session(),
        filters=incident_service.IncidentFilters(
            country=query.country,
            sector=query.sector,
            attack_type=query.attack_type,
            since=query.since,
            include_withdrawn=query.include_withdrawn,
        ),
        limit=page_size(query.limit, current_app.config),
        cursor=query.cursor,
    )
    items = [IncidentPublic.for_viewer(record, actor) for record in page.items]
    return respond(IncidentPage, {"items": items, "next_cursor": page.next_cursor})


@bp.post(
    "/incidents",
    summary="Submit an incident (NGOs and reviewers)",
    responses={201: IncidentProtectedView},
)
def submit_incident(body: IncidentCreate):
    actor = current_actor()
    policy.require(actor, "incident.submit")
    session = db.session()
    record = incident_service.submit(session=session, incident_in=body, actor=actor, now=now())
    session.commit()
    view = IncidentPublic.for_viewer(record, actor)
    return respond(type(view), view, HTTPStatus.CREATED)


@bp.get(
    "/incidents/<ref>",
    summary="One incident: protected fields for reviewers and the submitting NGO only",
    responses={200: IncidentPublic},
)
def get_incident(path: IncidentPath):
    actor = current_actor()
    policy.require(actor, "incident.read")
    session = db.session()
    incident = incident_service.get_visible(session=session, ref=path.ref, actor=actor)
    view = IncidentPublic.for_viewer(
        incident_service.record_for(session=session, incident=incident, actor=actor), actor
    )
    return respond(type(view), view)


@bp.get(
    "/incidents/<ref>/versions",
    summary="Every version of an incident, newest first (redacted per viewer)",
    responses={200: IncidentVersions},
)
def incident_versions(path: IncidentPath):
    actor = current_actor()
    policy.require(actor, "incident.read")
    session = db.session()
    incident = incident_service.get_visible(session=session, ref=path.ref, actor=actor)
    records = incident_service.versions_for(session=session, incident=incident, actor=actor)
    return respond(
        IncidentVersions, {"items": [IncidentPublic.for_viewer(r, actor) for r in records]}
    )


@bp.post(
    "/incidents/<ref>/verification",
    summary="Corroborate, verify or withdraw an incident (reviewers)",
    responses={200: IncidentProtectedView},
)
def verify_incident(path: IncidentPath, body: VerificationRequest):
    actor = current_actor()
    policy.require(actor, "incident.verify")
    session = db.session()
    incident = incident_service.get_visible(session=session, ref=path.ref, actor=actor)
    incident_service.decide(
        session=session, incident=incident, decision=body, actor=actor, now=now()
    )
    session.commit()
    record = incident_service.record_for(session=session, incident=incident, actor=actor)
    return respond(IncidentProtectedView, IncidentPublic.for_viewer(record, actor))


@bp.post(
    "/incidents/import",
    summary="Import incidents from a file (reviewers); runs as a job",
    responses={202: ImportQueued},
)
def import_incidents(form: ImportForm):
    actor = current_actor()
    policy.require(actor, "incident.import")
    column_mapping = imports.resolve_mapping(form.format, form.mapping)
    data = form.file.read()
    if not data:
        raise InvalidInput(
            Phrase("The uploaded file is empty."),
            errors=[ProblemDetail(pointer="/file", detail=Phrase("empty file"))],
        )
    session = db.session()
    incident_import = imports.queue_import(
        session=session,
        data=data,
        file_format=form.format,
        mapping=column_mapping,
        created_by=actor.user,
        now=now(),
    )
    job = job_service.enqueue(
        session=session,
        kind="incidents.import",
        params={"import_id": incident_import.id},
        organisation_id=actor.organisation_id,
        created_by_id=actor.id,
    )
    session.commit()
    return accepted(ImportQueued, job.id, import_id=incident_import.id)


@bp.post(
    "/incident-feeds", summary="Register an incident feed (reviewers)", responses={201: FeedPublic}
)
def register_feed(body: FeedCreate):
    actor = current_actor()
    policy.require(actor, "incident_feed.manage")
    session = db.session()
    feed = feed_service.register(
        session=session,
        feed_in=body,
        actor=actor,
        feed_policy=FeedPolicy.from_config(current_app.config),
        now=now(),
    )
    session.commit()
    return respond(FeedPublic, feed, HTTPStatus.CREATED)


@bp.get("/incident-feeds", summary="List incident feeds (reviewers)", responses={200: FeedList})
def list_feeds():
    actor = current_actor()
    policy.require(actor, "incident_feed.manage")
    return respond(FeedList, {"items": feed_service.list_all(session=db.session())})


@bp.post(
    "/incident-feeds/<int:feed_id>/fetch",
    summary="Fetch a feed now (reviewers); runs as a job",
    responses={202: FetchQueued},
)
def fetch_feed(path: FeedPath):
    actor = current_actor()
    policy.require(actor, "incident_feed.manage")
    session = db.session()
    feed = feed_service.get(session=session, feed_id=path.feed_id)
    job = job_service.enqueue(
        session=session,
        kind="incidents.fetch_feed",
        params={"feed_id": feed.id},
        organisation_id=actor.organisation_id,
        created_by_id=actor.id,
    )
    session.commit()
    return accepted(FetchQueued, job.id, feed_id=feed.id)
