"""What incidents are screened against: organisations, with the suppliers and sites of their
current datasets, as the engine's `Entity` dataclasses.

Companies and financial institutions are screened (NGOs and the certifier are not assessed).
Suppliers and sites come from the current version of each dataset: for each organisation and
kind, the newest assessment that has one. Their ids are stable across versions (identifier,
site id, or folded name and country), so a reviewer's decision on a pair survives a new upload.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from compliance import matching
from compliance.accounts.models import Organisation, OrganisationKind
from compliance.assessments.models import Assessment, AssessmentStatus
from compliance.datasets.kinds import DatasetKind
from compliance.datasets.models import DatasetRow, DatasetVersion
from compliance.datasets.risk import HIGH_RISK_SECTOR_OF_SITE_TYPE
from compliance.matching.names import fold

log = logging.getLogger(__name__)

SCREENED_KINDS = (OrganisationKind.company, OrganisationKind.financial_institution)
_ROWS_CHUNK = 500
_KEY_TEXT = 240


@dataclass(frozen=True)
class CurrentDataset:
    """The current version of one assessment's suppliers or sites, with its rows."""

    assessment_id: int
    organisation_id: int
    version: int
    rows: list[dict[str, Any]]


def current_datasets(
    *, session: Session, kind: DatasetKind, statuses: Iterable[AssessmentStatus] | None = None
) -> list[CurrentDataset]:
    """The current version of each assessment's dataset of `kind` (of assessments in one of
    `statuses`, if given), newest assessment first."""
    latest = (
        sa.select(DatasetVersion.assessment_id, sa.func.max(DatasetVersion.version).label("v"))
        .where(DatasetVersion.kind == kind)
        .group_by(DatasetVersion.assessment_id)
        .subquery()
    )
    statement = (
        sa.select(
            DatasetVersion.id,
            DatasetVersion.assessment_id,
            Assessment.organisation_id,
            DatasetVersion.version,
        )
        .join(
            latest,
            sa.and_(
                latest.c.assessment_id == DatasetVersion.assessment_id,
                latest.c.v == DatasetVersion.version,
            ),
        )
        .join(Assessment, Assessment.id == DatasetVersion.assessment_id)
        .where(DatasetVersion.kind == kind)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
    )
    if statuses is not None:
        statement = statement.where(Assessment.status.in_(list(statuses)))
    versions = session.execute(statement).all()
    rows: dict[int, list[dict[str, Any]]] = {version_id: [] for version_id, *_ in versions}
    ids = list(rows)
    for start in range(0, len(ids), _ROWS_CHUNK):
        found = session.execute(
            sa.select(DatasetRow.version_id, DatasetRow.data)
            .where(DatasetRow.version_id.in_(ids[start : start + _ROWS_CHUNK]))
            .order_by(DatasetRow.version_id, DatasetRow.position)
        )
        for version_id, data in found:
            rows[version_id].append(data)
    return [
        CurrentDataset(assessment_id, organisation_id, version, rows[version_id])
        for version_id, assessment_id, organisation_id, version in versions
    ]


def row_key(kind: DatasetKind, row: Mapping[str, Any]) -> str:
    """A supplier's or site's identity across versions: identifier first, then name and country."""
    if kind is DatasetKind.SUPPLIERS:
        if row.get("lei"):
            return f"lei:{matching.normalise_identifier(str(row['lei']))}"
        if row.get("os_hub_id"):
            return f"os:{row['os_hub_id']}"[:_KEY_TEXT]
    elif row.get("site_id"):
        return f"id:{fold(str(row['site_id']))}"[:_KEY_TEXT]
    return f"name:{fold(str(row.get('name') or ''))[:_KEY_TEXT]}|{row.get('country') or ''}"


def site_sector(site_type: str | None) -> str | None:
    """A site type ('dam', 'oil_gas_field') as a sector label the engine understands."""
    if not site_type:
        return None
    return HIGH_RISK_SECTOR_OF_SITE_TYPE.get(site_type, site_type.replace("_", " "))


def _organisation_entity(organisation: Organisation, parent_id: int | None) -> matching.Entity:
    return matching.Entity(
        kind="organisation",
        id=organisation.id,
        name=organisation.name,
        aliases=tuple(a for a in organisation.aliases or () if a and a.strip()),
        parent_id=parent_id,
        lei=organisation.lei,
        isins=tuple(organisation.isins or ()),
        country=organisation.country,
        sector=organisation.sector,
    )


def _row_entity(kind: DatasetKind, owner_id: int, row: Mapping[str, Any]) -> matching.Entity:
    entity_id = f"{owner_id}:{row_key(kind, row)}"
    if kind is DatasetKind.SUPPLIERS:
        return matching.Entity(
            kind="supplier",
            id=entity_id,
            name=str(row["name"]),
            owner_id=owner_id,
            lei=row.get("lei"),
            country=row.get("country"),
            sector=row.get("sector"),
        )
    return matching.Entity(
        kind="site",
        id=entity_id,
        name=str(row["name"]),
        owner_id=owner_id,
        country=row.get("country"),
        admin_region=row.get("admin_region"),
        lat=row.get("latitude"),
        lon=row.get("longitude"),
        sector=site_sector(row.get("site_type")),
    )


def _parents(organisations: Sequence[Organisation]) -> dict[int, int | None]:
    """Each organisation's parent among the screened ones; a link that would loop is cut."""
    known = {o.id for o in organisations}
    parent = {o.id: o.parent_id if o.parent_id in known else None for o in organisations}
    for start in parent:
        seen = {start}
        current = parent[start]
        while current is not None:
            if current in seen:
                log.warning("organisation %s: parent chain loops; screened without parent", start)
                parent[start] = None
                break
            seen.add(current)
            current = parent[current]
    return parent


def organisation_entities(organisations: Iterable[Organisation]) -> list[matching.Entity]:
    """Organisations as entities; one with unusable data (say a malformed country) is left
    out with a warning rather than stopping every screening."""
    listed = list(organisations)
    parents = _parents(listed)
    entities = []
    for organisation in listed:
        try:
            entities.append(_organisation_entity(organisation, parents[organisation.id]))
        except matching.InvalidScreeningInput as exc:
            log.warning("organisation %s left out of screening: %s", organisation.id, exc)
    return entities


def build_entities(*, session: Session) -> list[matching.Entity]:
    """Every screened organisation and its current suppliers and sites."""
    organisations = session.exec(
        select(Organisation).where(Organisation.kind.in_(SCREENED_KINDS)).order_by(Organisation.id)
    ).all()
    entities = organisation_entities(organisations)
    screened = {entity.id for entity in entities}
    seen: set[tuple[str, matching.EntityId]] = set()
    for kind in (DatasetKind.SUPPLIERS, DatasetKind.SITES):
        done: set[int] = set()
        for dataset in current_datasets(session=session, kind=kind):
            if dataset.organisation_id in done or dataset.organisation_id not in screened:
                continue
            done.add(dataset.organisation_id)
            for row in dataset.rows:
                try:
                    entity = _row_entity(kind, dataset.organisation_id, row)
                except (matching.InvalidScreeningInput, KeyError) as exc:
                    log.warning(
                        "a %s row of assessment %s left out: %s", kind, dataset.assessment_id, exc
                    )
                    continue
                if entity.key not in seen:
                    seen.add(entity.key)
                    entities.append(entity)
    return entities


def fingerprint(entities: Iterable[matching.Entity], settings: matching.ScreeningSettings) -> str:
    """A hash of everything screened against and how: a change calls for a full re-screening."""
    digest = hashlib.sha256(repr(settings).encode())
    for entity in sorted(entities, key=lambda e: (e.kind, str(e.id))):
        digest.update(repr(entity).encode())
    return digest.hexdigest()
