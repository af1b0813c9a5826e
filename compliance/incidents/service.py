"""Storing incident records as versions, reading them back per viewer, reviewer decisions.

Protected fields are read from `incident_protected` in exactly two places: `record_for` (only
when the viewer is entitled) and `iter_matching_facts` (precise coordinates for server-side
screening, never for display). Nothing here commits; callers do.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from compliance.accounts.actor import Actor
from compliance.audit import service as audit
from compliance.errors import InvalidInput, NotFound, ProblemDetail
from compliance.incidents.content import (
    IncidentContent,
    IncidentDraft,
    ProtectedContent,
    Victim,
    clean_region,
    split_location,
)
from compliance.incidents.mapping import SUBMISSION_SOURCE
from compliance.incidents.models import (
    Incident,
    IncidentCreate,
    IncidentProtected,
    IncidentRecord,
    IncidentReview,
    IncidentVersion,
    ReviewDecision,
    VerificationRequest,
    may_read_protected,
)
from compliance.incidents.vocabulary import (
    AttackType,
    CoordinatePrecision,
    DatePrecision,
    Sector,
    VerificationStatus,
)
from compliance.pagination import Page, paginate
from compliance.phrases import Phrase
from compliance.screening import triggers as screening_triggers

_LOOKUP_CHUNK = 500
_REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U


def new_ref() -> str:
    """A pseudonymous reference such as 'INC-7F3A2C9K1M': random, so it cannot be derived
    from the source's own id (which could lead back to a named record elsewhere)."""
    return "INC-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(10))


@dataclass
class ApplyOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    changed_incident_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Current:
    incident_id: int
    version: int
    content_hash: str
    withdrawn: bool


def _current_by_source_id(
    session: Session, source: str, source_ids: Sequence[str]
) -> dict[str, _Current]:
    found: dict[str, _Current] = {}
    for start in range(0, len(source_ids), _LOOKUP_CHUNK):
        chunk = source_ids[start : start + _LOOKUP_CHUNK]
        rows = session.execute(
            sa.select(
                Incident.source_id,
                Incident.id,
                Incident.current_version,
                IncidentVersion.content_hash,
                Incident.withdrawn,
            )
            .join(
                IncidentVersion,
                sa.and_(
                    IncidentVersion.incident_id == Incident.id,
                    IncidentVersion.version == Incident.current_version,
                ),
            )
            .where(Incident.source == source, Incident.source_id.in_(chunk))
        )
        for source_id, *rest in rows:
            found[source_id] = _Current(*rest)
    return found


def _version_row(
    draft: IncidentDraft,
    *,
    incident_id: int,
    version: int,
    content_hash: str,
    import_id: int | None,
    created_by_id: int | None,
    now: datetime,
) -> dict:
    content = draft.content.model_dump(mode="json")
    return {
        **content,
        "occurred_on": draft.content.occurred_on,
        "incident_id": incident_id,
        "version": version,
        "content_hash": content_hash,
        "import_id": import_id,
        "created_by_id": created_by_id,
        "created_at": now,
    }


def _protected_row(draft: IncidentDraft, version_id: int) -> dict:
    return {**draft.protected.model_dump(mode="json"), "version_id": version_id}


def apply_drafts(
    *,
    session: Session,
    source: str,
    drafts: Sequence[IncidentDraft],
    import_id: int | None,
    created_by_id: int | None,
    submitted_by_organisation_id: int | None = None,
    now: datetime,
) -> ApplyOutcome:
    """Store drafts of one source: new records, new versions of changed ones, nothing for
    unchanged ones (same content hash). Old versions are kept; nothing is deleted.

    Inserts are batched (one statement per table), so a file of thousands of records is
    stored in a few round trips. A record the source marks withdrawn is marked withdrawn.
    """
    outcome = ApplyOutcome()
    current = _current_by_source_id(session, source, [d.source_id for d in drafts])
    fresh: list[tuple[IncidentDraft, str]] = []
    revised: list[tuple[IncidentDraft, str, _Current]] = []
    newly_withdrawn: list[int] = []
    for draft in drafts:
        content_hash = draft.content_hash()
        known = current.get(draft.source_id)
        if known is None:
            fresh.append((draft, content_hash))
            continue
        if draft.withdrawn and not known.withdrawn:
            newly_withdrawn.append(known.incident_id)
        if known.content_hash == content_hash:
            outcome.unchanged += 1
        else:
            revised.append((draft, content_hash, known))

    new_versions: list[tuple[IncidentDraft, dict]] = []
    if fresh:
        identities = [
            {
                "ref": new_ref(),
                "source": source,
                "source_id": draft.source_id,
                "current_version": 1,
                "verification_status": VerificationStatus.alleged,
                "withdrawn": draft.withdrawn,
                "withdrawn_at": now if draft.withdrawn else None,
                "submitted_by_organisation_id": submitted_by_organisation_id,
                "created_by_id": created_by_id,
                "created_at": now,
                "updated_at": now,
            }
            for draft, _hash in fresh
        ]
        ids = session.scalars(
            sa.insert(Incident).returning(Incident.id, sort_by_parameter_order=True), identities
        ).all()
        outcome.created = len(ids)
        outcome.withdrawn += sum(draft.withdrawn for draft, _hash in fresh)
        outcome.changed_incident_ids += ids
        for (draft, content_hash), incident_id in zip(fresh, ids, strict=True):
            new_versions.append(
                (
                    draft,
                    _version_row(
                        draft,
                        incident_id=incident_id,
                        version=1,
                        content_hash=content_hash,
                        import_id=import_id,
                        created_by_id=created_by_id,
                        now=now,
                    ),
                )
            )
    for draft, content_hash, known in revised:
        new_versions.append(
            (
                draft,
                _version_row(
                    draft,
                    incident_id=known.incident_id,
                    version=known.version + 1,
                    content_hash=content_hash,
                    import_id=import_id,
                    created_by_id=created_by_id,
                    now=now,
                ),
            )
        )
    if revised:
        session.execute(
            sa.update(Incident),
            [
                {"id": known.incident_id, "current_version": known.version + 1, "updated_at": now}
                for _draft, _hash, known in revised
            ],
        )
        outcome.updated = len(revised)
        outcome.changed_incident_ids += [known.incident_id for _d, _h, known in revised]
    if newly_withdrawn:
        session.execute(
            sa.update(Incident),
            [{"id": i, "withdrawn": True, "withdrawn_at": now} for i in newly_withdrawn],
        )
        outcome.withdrawn += len(newly_withdrawn)
    if new_versions:
        version_ids = session.scalars(
            sa.insert(IncidentVersion).returning(IncidentVersion.id, sort_by_parameter_order=True),
            [row for _draft, row in new_versions],
        ).all()
        protected = [
            _protected_row(draft, version_id)
            for (draft, _row), version_id in zip(new_versions, version_ids, strict=True)
            if not draft.protected.is_empty
        ]
        if protected:
            session.execute(sa.insert(IncidentProtected), protected)
    screening_triggers.incidents_changed(
        session=session, incident_ids=outcome.changed_incident_ids, recorded_at=now
    )
    return outcome


def draft_from_submission(incident_in: IncidentCreate, *, source_id: str) -> IncidentDraft:
    """The draft an NGO's submission stands for; precise coordinates go to protected fields."""
    region, region_detail = clean_region(incident_in.region)
    public_place, protected_place = split_location(
        incident_in.latitude, incident_in.longitude, incident_in.coordinate_precision
    )
    details = [d for d in (incident_in.location_detail, region_detail) if d]
    return IncidentDraft(
        source_id=source_id,
        content=IncidentContent(
            occurred_on=incident_in.occurred_on,
            date_precision=incident_in.date_precision,
            country=incident_in.country,
            region=region,
            sector=incident_in.sector,
            attack_types=tuple(incident_in.attack_types),
            defender_groups=tuple(incident_in.defender_groups),
            collective_targeted=incident_in.collective_targeted,
            people_affected=incident_in.people_affected,
            perpetrator_type=incident_in.perpetrator_type,
            companies_alleged=tuple(incident_in.companies_alleged),
            consent_basis=incident_in.consent_basis,
            **public_place,
        ),
        protected=ProtectedContent(
            victims=tuple(Victim(name=name) for name in incident_in.victim_names),
            reporter_name=incident_in.reporter_name,
            reporter_contact=incident_in.reporter_contact,
            location_detail="; ".join(details) or None,
            narrative=incident_in.narrative,
            **protected_place,
        ),
    )


def submit(
    *, session: Session, incident_in: IncidentCreate, actor: Actor, now: datetime
) -> IncidentRecord:
    """Record an NGO's (or a reviewer's) submission; it starts as alleged.

    Submitting again with the same `source_reference` records a new version of the same
    incident. The submitting organisation is kept but is itself protected: it is never shown
    outside the trusted tier.
    """
    if incident_in.occurred_on > now.date():
        raise InvalidInput(
            Phrase("The incident date is in the future; give the date it happened."),
            errors=[ProblemDetail(pointer="/occurred_on", detail=Phrase("date in the future"))],
        )
    reference = incident_in.source_reference or secrets.token_hex(8)
    draft = draft_from_submission(incident_in, source_id=f"{actor.organisation_id}:{reference}")
    outcome = apply_drafts(
        session=session,
        source=SUBMISSION_SOURCE,
        drafts=[draft],
        import_id=None,
        created_by_id=actor.id,
        submitted_by_organisation_id=actor.organisation_id,
        now=now,
    )
    incident = session.exec(
        select(Incident).where(
            Incident.source == SUBMISSION_SOURCE, Incident.source_id == draft.source_id
        )
    ).one()
    action = "incident.submitted" if outcome.created else "incident.revised"
    audit.record(
        session=session,
        actor=actor,
        action=action,
        subject=incident,
        details={
            "version": incident.current_version,
            "changed": bool(outcome.changed_incident_ids),
        },
        now=now,
    )
    return record_for(session=session, incident=incident, actor=actor)


def get_visible(*, session: Session, ref: str, actor: Actor | None) -> Incident:
    """The incident with this ref (every signed-in user may see an incident's public view)."""
    incident = session.exec(select(Incident).where(Incident.ref == ref)).first()
    if incident is None or actor is None:
        raise NotFound(Phrase("There is no incident %(ref)s that you can see.", ref=ref))
    return incident


def _protected_of(session: Session, version_id: int) -> ProtectedContent:
    row = session.exec(
        select(IncidentProtected).where(IncidentProtected.version_id == version_id)
    ).first()
    if row is None:
        return ProtectedContent()
    return ProtectedContent.model_validate(row.model_dump(exclude={"id", "version_id"}))


def record_for(
    *, session: Session, incident: Incident, actor: Actor | None, version: int | None = None
) -> IncidentRecord:
    """The incident at `version` (default: current), with protected fields only when `actor`
    is entitled to them."""
    number = version or incident.current_version
    row = session.exec(
        select(IncidentVersion).where(
            IncidentVersion.incident_id == incident.id, IncidentVersion.version == number
        )
    ).first()
    if row is None:
        raise NotFound(
            Phrase("Incident %(ref)s has no version %(number)s.", ref=incident.ref, number=number)
        )
    protected = _protected_of(session, row.id) if may_read_protected(actor, incident) else None
    return IncidentRecord(incident=incident, version=row, protected=protected)


def versions_for(
    *, session: Session, incident: Incident, actor: Actor | None
) -> list[IncidentRecord]:
    """Every version of an incident, newest first, redacted as `record_for` would."""
    rows = session.exec(
        select(IncidentVersion)
        .where(IncidentVersion.incident_id == incident.id)
        .order_by(IncidentVersion.version.desc())
    ).all()
    entitled = may_read_protected(actor, incident)
    return [
        IncidentRecord(
            incident=incident,
            version=row,
            protected=_protected_of(session, row.id) if entitled else None,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class IncidentFilters:
    country: str | None = None
    sector: Sector | None = None
    attack_type: AttackType | None = None
    since: date | None = None
    include_withdrawn: bool = False


def list_page(
    *,
    session: Session,
    filters: IncidentFilters,
    limit: int,
    cursor: str | None,
) -> Page[IncidentRecord]:
    """A page of current versions, newest record first. Never loads protected fields."""
    statement = sa.select(Incident, IncidentVersion).join(
        IncidentVersion,
        sa.and_(
            IncidentVersion.incident_id == Incident.id,
            IncidentVersion.version == Incident.current_version,
        ),
    )
    if filters.country:
        statement = statement.where(IncidentVersion.country == filters.country.upper())
    if filters.sector:
        statement = statement.where(IncidentVersion.sector == filters.sector)
    if filters.attack_type:
        token = f'%"{AttackType(filters.attack_type).value}"%'
        statement = statement.where(sa.cast(IncidentVersion.attack_types, sa.String).like(token))
    if filters.since:
        statement = statement.where(IncidentVersion.occurred_on >= filters.since)
    if not filters.include_withdrawn:
        statement = statement.where(Incident.withdrawn.is_(False))
    page = paginate(
        session,
        statement,
        key=Incident.id,
        key_of=lambda row: row[0].id,
        limit=limit,
        cursor=cursor,
    )
    return Page([IncidentRecord(incident=i, version=v) for i, v in page.items], page.next_cursor)


def decide(
    *,
    session: Session,
    incident: Incident,
    decision: VerificationRequest,
    actor: Actor,
    now: datetime,
) -> Incident:
    """A reviewer corroborates, verifies, returns to alleged or withdraws an incident.

    The reason is kept in `incident_review` (reviewers only), not in the audit details, as
    it is free text that could name someone.
    """
    previous = "withdrawn" if incident.withdrawn else str(incident.verification_status)
    if decision.status is ReviewDecision.withdrawn:
        incident.withdrawn = True
        incident.withdrawn_at = incident.withdrawn_at or now
    else:
        incident.verification_status = VerificationStatus(decision.status.value)
        incident.withdrawn = False
        incident.withdrawn_at = None
    incident.updated_at = now
    review = IncidentReview(
        incident_id=incident.id,
        decision=decision.status,
        reason=decision.reason,
        decided_by_id=actor.id,
        decided_at=now,
    )
    session.add(incident)
    session.add(review)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="incident.reviewed",
        subject=incident,
        details={"decision": str(decision.status), "previous": previous, "review_id": review.id},
        now=now,
    )
    return incident


@dataclass(frozen=True)
class IncidentMatchingFacts:
    """What screening needs of a current incident version, for server-side matching only.

    Coordinates here may be precise (read from the protected table): use them to compute
    distances, never show them; explain matches by region or distance band instead.
    """

    incident_id: int
    ref: str
    version: int
    companies_alleged: tuple[str, ...]
    country: str
    region: str | None
    latitude: float | None
    longitude: float | None
    coordinate_precision: CoordinatePrecision | None
    sector: Sector
    occurred_on: date
    date_precision: DatePrecision
    attack_types: tuple[AttackType, ...]
    verification_status: VerificationStatus
    recorded_at: datetime


def iter_matching_facts(
    *,
    session: Session,
    changed_since: datetime | None = None,
    incident_ids: Iterable[int] | None = None,
    batch_size: int = 2_000,
) -> Iterator[IncidentMatchingFacts]:
    """Current versions of every incident that is not withdrawn, in id order, in batches.

    `changed_since` keeps only versions recorded at or after it (new or revised records);
    `incident_ids` keeps only those incidents (e.g. `ApplyOutcome.changed_incident_ids`).
    """
    wanted = sorted(set(incident_ids)) if incident_ids is not None else None
    columns = (
        Incident.id,
        Incident.ref,
        Incident.verification_status,
        IncidentVersion.version,
        IncidentVersion.companies_alleged,
        IncidentVersion.country,
        IncidentVersion.region,
        IncidentVersion.latitude,
        IncidentVersion.longitude,
        IncidentProtected.latitude,
        IncidentProtected.longitude,
        IncidentVersion.coordinate_precision,
        IncidentVersion.sector,
        IncidentVersion.occurred_on,
        IncidentVersion.date_precision,
        IncidentVersion.attack_types,
        IncidentVersion.created_at,
    )
    last_id = 0
    while True:
        statement = (
            sa.select(*columns)
            .join(
                IncidentVersion,
                sa.and_(
                    IncidentVersion.incident_id == Incident.id,
                    IncidentVersion.version == Incident.current_version,
                ),
            )
            .outerjoin(IncidentProtected, IncidentProtected.version_id == IncidentVersion.id)
            .where(Incident.withdrawn.is_(False), Incident.id > last_id)
            .order_by(Incident.id)
            .limit(batch_size)
        )
        if changed_since is not None:
            statement = statement.where(IncidentVersion.created_at >= changed_since)
        if wanted is not None:
            chunk = [i for i in wanted if i > last_id][:batch_size]
            if not chunk:
                return
            statement = statement.where(Incident.id.in_(chunk))
        rows = session.execute(statement).all()
        if not rows:
            return
        for row in rows:
            (
                incident_id,
                ref,
                status,
                version,
                companies,
                country,
                region,
                lat,
                lon,
                precise_lat,
                precise_lon,
                precision,
                sector,
                occurred_on,
                date_precision,
                attack_types,
                recorded_at,
            ) = row
            precise = precise_lat is not None
            yield IncidentMatchingFacts(
                incident_id=incident_id,
                ref=ref,
                version=version,
                companies_alleged=tuple(companies),
                country=country,
                region=region,
                latitude=precise_lat if precise else lat,
                longitude=precise_lon if precise else lon,
                coordinate_precision=precision,
                sector=Sector(sector),
                occurred_on=occurred_on,
                date_precision=DatePrecision(date_precision),
                attack_types=tuple(AttackType(a) for a in attack_types),
                verification_status=VerificationStatus(status),
                recorded_at=recorded_at,
            )
        last_id = rows[-1][0]
