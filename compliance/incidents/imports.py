"""The one import path for files, feeds and the CLI: read, check every row, then write all or
nothing.

A file with any rejected row writes no incident; its report lists every problem (up to a
limit) with row, column, value and what to change. The raw file is kept only until it is read:
it may hold names, so it is dropped from `incident_import` as soon as the import has run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import Session

from compliance.accounts.models import User
from compliance.audit import service as audit
from compliance.errors import InvalidInput, ProblemDetail
from compliance.incidents import service as incident_service
from compliance.incidents.mapping import GLOBAL_WITNESS, ColumnMapping
from compliance.incidents.models import (
    ImportReport,
    ImportStatus,
    IncidentImport,
    RowProblem,
)
from compliance.incidents.reading import FileFormat, ImportRefused, read_table
from compliance.incidents.rows import build_drafts
from compliance.phrases import Phrase


@dataclass(frozen=True)
class ImportLimits:
    max_rows: int = 200_000
    max_problems: int = 1_000


@dataclass
class ImportResult:
    report: ImportReport
    changed_incident_ids: list[int] = field(default_factory=list)


def resolve_mapping(
    file_format: FileFormat, mapping: ColumnMapping | dict[str, Any] | None
) -> ColumnMapping:
    """The built-in mapping for Global Witness files, the caller's mapping otherwise."""
    if file_format is FileFormat.global_witness:
        if mapping is not None:
            raise InvalidInput(
                Phrase(
                    "The global-witness format has a built-in mapping; send no mapping with it, "
                    "or use the csv format with your own mapping."
                )
            )
        return GLOBAL_WITNESS
    if mapping is None:
        raise InvalidInput(
            Phrase(
                "A %(file_format)s import needs a column mapping: which column feeds which field.",
                file_format=str(file_format),
            )
        )
    if isinstance(mapping, ColumnMapping):
        return mapping
    try:
        return ColumnMapping.model_validate(mapping)
    except ValidationError as exc:
        raise InvalidInput(
            Phrase("The column mapping is not valid; see `errors`."),
            errors=[
                ProblemDetail(
                    pointer="/mapping/" + "/".join(str(p) for p in error["loc"]),
                    detail=error["msg"],
                )
                for error in exc.errors(include_input=False, include_url=False)
            ],
        ) from exc


def queue_import(
    *,
    session: Session,
    data: bytes,
    file_format: FileFormat,
    mapping: ColumnMapping,
    created_by: User | None,
    feed_id: int | None = None,
    now: datetime,
) -> IncidentImport:
    """Keep the file until a job (or the caller) runs the import."""
    incident_import = IncidentImport(
        source=mapping.source,
        file_format=str(file_format),
        file_sha256=hashlib.sha256(data).hexdigest(),
        payload=data,
        mapping=mapping.model_dump(mode="json"),
        feed_id=feed_id,
        organisation_id=getattr(created_by, "organisation_id", None),
        created_by_id=getattr(created_by, "id", None),
        created_at=now,
    )
    session.add(incident_import)
    session.flush()
    return incident_import


def run_import(
    *,
    session: Session,
    incident_import: IncidentImport,
    limits: ImportLimits,
    now: datetime,
) -> ImportResult:
    """Run a queued import in the caller's transaction; the caller commits."""
    mapping = ColumnMapping.model_validate(incident_import.mapping)
    file_format = FileFormat(incident_import.file_format)
    report = ImportReport(
        import_id=incident_import.id, source=mapping.source, status=ImportStatus.rejected
    )
    result = ImportResult(report)
    try:
        table = read_table(
            incident_import.payload or b"", file_format, mapping, max_rows=limits.max_rows
        )
    except ImportRefused as refused:
        report.problems = [RowProblem(problem=refused.detail)]
        report.problems_total = 1
    else:
        batch = build_drafts(table, mapping, today=now.date())
        report.rows = len(table.rows)
        report.warnings = batch.warnings[: limits.max_problems]
        report.warnings_total = len(batch.warnings)
        if batch.problems:
            report.rejected = batch.rejected_rows
            report.problems = batch.problems[: limits.max_problems]
            report.problems_total = len(batch.problems)
        else:
            outcome = incident_service.apply_drafts(
                session=session,
                source=mapping.source,
                drafts=batch.drafts,
                import_id=incident_import.id,
                created_by_id=incident_import.created_by_id,
                now=now,
            )
            report.status = ImportStatus.imported
            report.created, report.updated = outcome.created, outcome.updated
            report.unchanged, report.withdrawn = outcome.unchanged, outcome.withdrawn
            result.changed_incident_ids = outcome.changed_incident_ids
    incident_import.status = report.status
    incident_import.rows, incident_import.rejected = report.rows, report.rejected
    incident_import.created, incident_import.updated = report.created, report.updated
    incident_import.unchanged = report.unchanged
    incident_import.report = report.model_dump(mode="json")
    incident_import.payload = None
    incident_import.finished_at = now
    session.add(incident_import)
    actor = (
        session.get(User, incident_import.created_by_id) if incident_import.created_by_id else None
    )
    audit.record(
        session=session,
        actor=actor,
        action="incidents.imported"
        if report.status is ImportStatus.imported
        else "incidents.import_rejected",
        subject=incident_import,
        details={
            "source": report.source,
            "format": str(file_format),
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "rejected": report.rejected,
        },
        now=now,
    )
    return result


def abandon(*, session: Session, import_id: int, now: datetime) -> None:
    """After a crash: mark the import failed and drop the file, which may hold names."""
    session.execute(
        sa.update(IncidentImport)
        .where(IncidentImport.id == import_id)
        .values(status=ImportStatus.failed, payload=None, finished_at=now)
    )


def import_file(
    *,
    session: Session,
    data: bytes,
    file_format: FileFormat,
    mapping: ColumnMapping,
    created_by: User | None,
    limits: ImportLimits,
    now: datetime,
    feed_id: int | None = None,
) -> ImportResult:
    """Queue and run an import at once (CLI, feeds): the same path as the API's jobs."""
    incident_import = queue_import(
        session=session,
        data=data,
        file_format=file_format,
        mapping=mapping,
        created_by=created_by,
        feed_id=feed_id,
        now=now,
    )
    return run_import(session=session, incident_import=incident_import, limits=limits, now=now)


def limits_from(config: Any) -> ImportLimits:
    return ImportLimits(
        max_rows=int(config["INCIDENT_IMPORT_MAX_ROWS"]),
        max_problems=int(config["INCIDENT_IMPORT_MAX_PROBLEMS"]),
    )
