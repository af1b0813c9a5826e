"""Receiving supplier and site uploads: check them, keep a new version or the refusal.

The request only screens the file as a whole (type, size, zip bomb, encoding: a 422 at once)
and stores it; the job `datasets.validate` reads and checks every row, so an import never holds
a web worker. The outcome is a new version with its diff, or a refused upload whose problems
and fix-it workbook are kept while the previous version stays exactly as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from compliance.accounts.actor import Actor, actor_of_user
from compliance.api import PREFIX
from compliance.assessments.models import EDITABLE, STATUS_WORDS, Assessment
from compliance.assessments.service import AssessmentLocked
from compliance.audit import service as audit
from compliance.datasets import (
    CleanDataset,
    DatasetDiff,
    DatasetInvalid,
    DatasetKind,
    DatasetRefused,
    UploadLimits,
    dataset_from_records,
    diff_datasets,
    fixit_workbook,
    screen_file,
    validate_upload,
)
from compliance.datasets.models import (
    FINISHED,
    DatasetProblemPage,
    DatasetProblemPublic,
    DatasetRow,
    DatasetRowPage,
    DatasetRowPublic,
    DatasetState,
    DatasetUpload,
    DatasetUploadPublic,
    DatasetVersion,
    DatasetVersionPublic,
    UploadStatus,
)
from compliance.datasets.risk import site_risk
from compliance.errors import InvalidInput, NotFound, PermissionDenied
from compliance.jobs import service as job_service
from compliance.pagination import decode_cursor, encode_cursor, paginate
from compliance.phrases import Phrase, restored, terms_of, worded
from compliance.storage import FileStore
from questionnaires.workbook_reader import WorkbookLimits

JOB_KIND = "datasets.validate"
DIFF_DETAIL_LIMIT = 200
_INSERT_BATCH = 5_000
Progress = Callable[[int], None]
# A kind as a sentence names it: "its sites data".
KIND_WORDS = {DatasetKind.SUPPLIERS: Phrase("suppliers"), DatasetKind.SITES: Phrase("sites")}


class DatasetFileRefused(InvalidInput):
    """The file as a whole cannot be used (not a workbook, wrong encoding, too many rows...)."""


class DatasetRowsInvalid(Exception):
    """Some rows are wrong; the problems and the fix-it workbook are kept on the upload, and
    the job's result points to them (`outcome`)."""


@dataclass(frozen=True)
class DatasetSettings:
    """Size and row ceilings of one upload."""

    max_bytes: int = 64 * 2**20
    limits: UploadLimits = field(default_factory=UploadLimits)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DatasetSettings:
        max_bytes = int(config["DATASET_MAX_BYTES"])
        return cls(
            max_bytes=max_bytes,
            limits=UploadLimits(
                max_rows=int(config["DATASET_MAX_ROWS"]),
                max_csv_bytes=max_bytes,
                workbook=WorkbookLimits(max_bytes=max_bytes),
            ),
        )


def dataset_url(assessment_id: int, kind: DatasetKind) -> str:
    return f"{PREFIX}/assessments/{assessment_id}/datasets/{kind.value}"


# --- reading ------------------------------------------------------------------------------


def current_version(
    *, session: Session, assessment_id: int, kind: DatasetKind
) -> DatasetVersion | None:
    return session.exec(
        select(DatasetVersion)
        .where(DatasetVersion.assessment_id == assessment_id, DatasetVersion.kind == kind)
        .order_by(DatasetVersion.version.desc())
        .limit(1)
    ).first()


def get_version(
    *, session: Session, assessment_id: int, kind: DatasetKind, version: int
) -> DatasetVersion:
    found = session.exec(
        select(DatasetVersion).where(
            DatasetVersion.assessment_id == assessment_id,
            DatasetVersion.kind == kind,
            DatasetVersion.version == version,
        )
    ).first()
    if found is None:
        raise NotFound(
            Phrase(
                "Assessment %(assessment)s has no version %(version)s of its %(kind)s data.",
                assessment=assessment_id,
                version=version,
                kind=KIND_WORDS[kind],
            )
        )
    return found


def last_finished_upload(
    *, session: Session, assessment_id: int, kind: DatasetKind
) -> DatasetUpload | None:
    return session.exec(
        select(DatasetUpload)
        .where(
            DatasetUpload.assessment_id == assessment_id,
            DatasetUpload.kind == kind,
            DatasetUpload.status.in_(FINISHED),
        )
        .order_by(DatasetUpload.finished_at.desc(), DatasetUpload.id.desc())
        .limit(1)
    ).first()


def last_refused(
    *, session: Session, assessment_id: int, kind: DatasetKind
) -> DatasetUpload | None:
    """The last finished upload if it was refused: what the user still has to fix."""
    upload = last_finished_upload(session=session, assessment_id=assessment_id, kind=kind)
    if upload is None or upload.status is UploadStatus.stored:
        return None
    return upload


def pending_uploads(
    *, session: Session, assessment_id: int, kind: DatasetKind
) -> list[DatasetUpload]:
    return list(
        session.exec(
            select(DatasetUpload)
            .where(
                DatasetUpload.assessment_id == assessment_id,
                DatasetUpload.kind == kind,
                DatasetUpload.status == UploadStatus.queued,
            )
            .order_by(DatasetUpload.id)
        )
    )


def version_public(version: DatasetVersion) -> DatasetVersionPublic:
    return DatasetVersionPublic.model_validate(
        {
            **version.model_dump(),
            "rows_url": f"{dataset_url(version.assessment_id, version.kind)}/rows",
        }
    )


def upload_public(upload: DatasetUpload) -> DatasetUploadPublic:
    has_report = upload.status is UploadStatus.invalid and upload.report_sha256 is not None
    report = f"{dataset_url(upload.assessment_id, upload.kind)}/report.xlsx"
    return DatasetUploadPublic.model_validate(
        {
            **upload.model_dump(exclude={"problems", "detail_terms"}),
            "detail": worded(upload.detail, upload.detail_terms),
            "report_url": report if has_report else None,
        }
    )


def state_of(*, session: Session, assessment: Assessment, kind: DatasetKind) -> DatasetState:
    """The current version, the last refusal if it is newer, and the uploads being checked."""
    version = current_version(session=session, assessment_id=assessment.id, kind=kind)
    refused = last_refused(session=session, assessment_id=assessment.id, kind=kind)
    pending = pending_uploads(session=session, assessment_id=assessment.id, kind=kind)
    return DatasetState(
        assessment_id=assessment.id,
        kind=kind,
        current=version_public(version) if version else None,
        last_refused=upload_public(refused) if refused else None,
        pending=[upload_public(upload) for upload in pending],
    )


def problems_of(upload: DatasetUpload) -> list[DatasetProblemPublic]:
    """The kept problems, their texts as phrases again (a page words them in its language)."""
    return [
        DatasetProblemPublic(
            **{
                **problem,
                "problem": restored(problem["problem"]),
                "fix": restored(problem["fix"]),
            },
            cell=f"{problem['column_letter']}{problem['row']}",
        )
        for problem in upload.problems or []
    ]


def problems_page(
    *,
    session: Session,
    assessment: Assessment,
    kind: DatasetKind,
    limit: int,
    cursor: str | None,
) -> DatasetProblemPage:
    """One page of the problems of the last refused upload (empty when the last upload of
    this kind was stored)."""
    refused = last_refused(session=session, assessment_id=assessment.id, kind=kind)
    if refused is None:
        return DatasetProblemPage(upload_id=None, total=0, items=[], next_cursor=None)
    problems = problems_of(refused)
    start = decode_cursor(cursor) or 0
    end = start + limit
    return DatasetProblemPage(
        upload_id=refused.id,
        total=refused.problem_total,
        items=problems[start:end],
        next_cursor=encode_cursor(end) if end < len(problems) else None,
    )


def fixit_report(
    *, session: Session, store: FileStore, assessment: Assessment, kind: DatasetKind
) -> bytes:
    """The fix-it workbook of the last refused upload, or a 404 saying why there is none."""
    upload = last_finished_upload(session=session, assessment_id=assessment.id, kind=kind)
    if upload is None or upload.status is not UploadStatus.invalid or not upload.report_sha256:
        reason = {
            None: Phrase("no upload has been checked yet"),
            UploadStatus.stored: Phrase("the last upload was accepted"),
            UploadStatus.refused: Phrase(
                "the last upload was refused as a whole, with nothing to mark in it"
            ),
        }[upload.status if upload else None]
        raise NotFound(
            Phrase(
                "There is no fix-it workbook for the %(kind)s data of assessment "
                "%(assessment)s: %(reason)s.",
                kind=KIND_WORDS[kind],
                assessment=assessment.id,
                reason=reason,
            )
        )
    return store.read(upload.report_sha256)


def rows_page(
    *,
    session: Session,
    assessment: Assessment,
    kind: DatasetKind,
    version: int | None,
    limit: int,
    cursor: str | None,
) -> DatasetRowPage:
    """One page of a version's rows (the current one unless `version` is given)."""
    if version is None:
        chosen = current_version(session=session, assessment_id=assessment.id, kind=kind)
    else:
        chosen = get_version(
            session=session, assessment_id=assessment.id, kind=kind, version=version
        )
    if chosen is None:
        return DatasetRowPage(version=None, items=[], next_cursor=None)
    page = paginate(
        session,
        sa.select(DatasetRow.position, DatasetRow.data).where(DatasetRow.version_id == chosen.id),
        key=DatasetRow.position,
        key_of=lambda row: row.position,
        limit=limit,
        cursor=cursor,
        descending=False,
    )
    return DatasetRowPage(
        version=chosen.version,
        items=[DatasetRowPublic(position=row.position, data=row.data) for row in page.items],
        next_cursor=page.next_cursor,
    )


# --- receiving ----------------------------------------------------------------------------


def require_editable(*, actor: Actor, assessment: Assessment) -> None:
    """The assessed organisation changes its data while the assessment is with it."""
    if actor.organisation_id != assessment.organisation_id:
        raise PermissionDenied(Phrase("Only the organisation being assessed can upload its data."))
    if assessment.status not in EDITABLE:
        raise AssessmentLocked(
            Phrase(
                "Assessment %(assessment)s is %(status)s; its supplier and site data cannot "
                "change until the reviewer asks for changes.",
                assessment=assessment.id,
                status=STATUS_WORDS[assessment.status],
            )
        )


def receive(
    *,
    session: Session,
    store: FileStore,
    actor: Actor,
    assessment: Assessment,
    kind: DatasetKind,
    data: bytes,
    filename: str,
    settings: DatasetSettings,
    now: datetime,
) -> DatasetUpload:
    """Screen the file, store it and queue its check (dispatched when the caller commits).

    Raises `DatasetFileRefused` for a file refused as a whole (nothing is kept: roll back).
    """
    require_editable(actor=actor, assessment=assessment)
    try:
        screen_file(data, filename=filename, limits=settings.limits)
    except DatasetRefused as exc:
        raise DatasetFileRefused(exc.detail) from exc
    upload = DatasetUpload(
        assessment_id=assessment.id,
        kind=kind,
        filename=filename,
        size_bytes=len(data),
        file_sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=actor.id,
        created_at=now,
    )
    session.add(upload)
    return _queue(session=session, store=store, actor=actor, upload=upload, data=data, now=now)


def _queue(
    *,
    session: Session,
    store: FileStore,
    actor: Actor,
    upload: DatasetUpload,
    data: bytes,
    now: datetime,
) -> DatasetUpload:
    store.write(upload.file_sha256, data)
    session.flush()
    job = job_service.enqueue(
        session=session,
        kind=JOB_KIND,
        params={"upload_id": upload.id},
        organisation_id=actor.organisation_id,
        created_by_id=actor.id,
    )
    upload.job_id = job.id
    session.add(upload)
    audit.record(
        session=session,
        actor=actor,
        action="dataset.upload_queued",
        subject=upload,
        details=_upload_details(upload),
        now=now,
    )
    return upload


def check_queued(
    *,
    session: Session,
    store: FileStore,
    upload: DatasetUpload,
    settings: DatasetSettings,
    progress: Progress,
    now: datetime,
) -> DatasetVersion:
    """The job's part: read and check every row of a stored upload."""
    assessment = session.get(Assessment, upload.assessment_id)
    actor = actor_of_user(session, upload.uploaded_by_id)
    try:
        require_editable(actor=actor, assessment=assessment)
        data = store.read(upload.file_sha256)
    except AssessmentLocked as exc:
        _refuse(session=session, actor=actor, upload=upload, detail=exc.detail, now=now)
        raise
    except FileNotFoundError as exc:
        detail = Phrase("The uploaded file is no longer on the server; upload it again.")
        _refuse(session=session, actor=actor, upload=upload, detail=detail, now=now)
        raise DatasetFileRefused(detail) from exc
    progress(5)
    return _check(
        session=session,
        store=store,
        actor=actor,
        assessment=assessment,
        upload=upload,
        data=data,
        settings=settings,
        progress=progress,
        now=now,
    )


def abandon(*, session: Session, upload_id: int, now: datetime) -> None:
    """Close an upload whose check failed unexpectedly, so it no longer shows as pending."""
    upload = session.get(DatasetUpload, upload_id)
    if upload is not None and upload.status is UploadStatus.queued:
        _finish(upload, UploadStatus.refused, now)
        _explain(
            upload,
            Phrase(
                "The file could not be checked because of an error on our side; upload it "
                "again, and tell the operators if it happens again."
            ),
        )
        session.add(upload)


def get_upload(*, session: Session, upload_id: int) -> DatasetUpload:
    upload = session.get(DatasetUpload, upload_id)
    if upload is None:
        raise NotFound(
            Phrase("Dataset upload %(upload)s does not exist any more.", upload=upload_id)
        )
    return upload


def outcome(upload: DatasetUpload, version: DatasetVersion | None = None) -> dict[str, Any]:
    """A finished upload as a job result: the new version, or the problems and their report."""
    base = dataset_url(upload.assessment_id, upload.kind)
    result: dict[str, Any] = {
        "outcome": upload.status.value,
        "upload_id": upload.id,
        "dataset_url": base,
    }
    if upload.status is UploadStatus.stored and version is not None:
        counts = {key: version.diff[key] for key in ("added", "removed", "modified", "unchanged")}
        result.update(
            version=version.version,
            rows=version.row_count,
            summary=version.summary,
            diff=counts,
        )
    elif upload.status is UploadStatus.invalid:
        result.update(
            problems=upload.problem_total,
            rows_with_problems=upload.problem_rows,
            problems_url=f"{base}/problems",
            report_url=f"{base}/report.xlsx",
            detail=upload.detail,
        )
    elif upload.status is UploadStatus.refused:
        result.update(detail=upload.detail)
    return result


def _check(
    *,
    session: Session,
    store: FileStore,
    actor: Actor,
    assessment: Assessment,
    upload: DatasetUpload,
    data: bytes,
    settings: DatasetSettings,
    progress: Progress,
    now: datetime,
) -> DatasetVersion:
    kind = DatasetKind(upload.kind)
    try:
        clean = validate_upload(kind, data, filename=upload.filename, limits=settings.limits)
    except DatasetRefused as exc:
        _refuse(session=session, actor=actor, upload=upload, detail=exc.detail, now=now)
        raise DatasetFileRefused(exc.detail) from exc
    except DatasetInvalid as exc:
        progress(60)
        _keep_problems(
            session=session, store=store, actor=actor, upload=upload, data=data, exc=exc, now=now
        )
        raise DatasetRowsInvalid from exc
    progress(50)
    return _store_version(
        session=session,
        actor=actor,
        assessment=assessment,
        upload=upload,
        clean=clean,
        progress=progress,
        now=now,
    )


def _finish(upload: DatasetUpload, status: UploadStatus, now: datetime) -> None:
    upload.status, upload.finished_at = status, now


def _upload_details(upload: DatasetUpload) -> dict[str, Any]:
    return {
        "kind": upload.kind.value,
        "sha256": upload.file_sha256,
        "size_bytes": upload.size_bytes,
        "status": upload.status.value,
    }


def _refuse(
    *, session: Session, actor: Actor, upload: DatasetUpload, detail: str, now: datetime
) -> None:
    _finish(upload, UploadStatus.refused, now)
    _explain(upload, detail)
    session.add(upload)
    audit.record(
        session=session,
        actor=actor,
        action="dataset.upload_refused",
        subject=upload,
        details=_upload_details(upload),
        now=now,
    )


def _explain(upload: DatasetUpload, detail: str) -> None:
    """Why the upload was not stored: English for the API, its terms for the pages."""
    upload.detail, upload.detail_terms = detail[:2000], terms_of(detail)


def _keep_problems(
    *,
    session: Session,
    store: FileStore,
    actor: Actor,
    upload: DatasetUpload,
    data: bytes,
    exc: DatasetInvalid,
    now: datetime,
) -> None:
    """Keep the problems and the user's file with each one marked, for download."""
    report = fixit_workbook(
        DatasetKind(upload.kind), data, filename=upload.filename, problems=exc.problems
    )
    report_sha256 = hashlib.sha256(report).hexdigest()
    store.write(report_sha256, report)
    _finish(upload, UploadStatus.invalid, now)
    upload.problems = [problem.as_json() for problem in exc.problems]
    upload.problem_total, upload.problem_rows = exc.total, exc.rows
    upload.report_sha256 = report_sha256
    _explain(upload, exc.detail)
    session.add(upload)
    audit.record(
        session=session,
        actor=actor,
        action="dataset.upload_invalid",
        subject=upload,
        details={**_upload_details(upload), "problems": exc.total, "rows": exc.rows},
        now=now,
    )


def _lock_assessment(*, session: Session, assessment: Assessment, now: datetime) -> None:
    """Serialise version numbering per assessment: a row lock (PostgreSQL) and a write (SQLite)."""
    session.exec(select(Assessment.id).where(Assessment.id == assessment.id).with_for_update())
    assessment.updated_at = now
    session.add(assessment)
    session.flush()


def _previous_frame(session: Session, version: DatasetVersion | None):
    if version is None:
        return None
    records = session.exec(
        select(DatasetRow.data)
        .where(DatasetRow.version_id == version.id)
        .order_by(DatasetRow.position)
    ).all()
    return dataset_from_records(DatasetKind(version.kind), records).frame


def diff_json(diff: DatasetDiff, *, limit: int = DIFF_DETAIL_LIMIT) -> dict[str, Any]:
    """Counts of every change, details of the first `limit` rows of each kind."""
    shown = DatasetDiff(
        added=diff.added[:limit],
        removed=diff.removed[:limit],
        modified=diff.modified[:limit],
        unchanged=diff.unchanged,
    ).model_dump(mode="json")
    return {
        "added": len(diff.added),
        "removed": len(diff.removed),
        "modified": len(diff.modified),
        "unchanged": diff.unchanged,
        "details": {key: shown[key] for key in ("added", "removed", "modified")},
        "details_truncated": max(len(diff.added), len(diff.removed), len(diff.modified)) > limit,
    }


def _store_version(
    *,
    session: Session,
    actor: Actor,
    assessment: Assessment,
    upload: DatasetUpload,
    clean: CleanDataset,
    progress: Progress,
    now: datetime,
) -> DatasetVersion:
    kind = clean.kind
    _lock_assessment(session=session, assessment=assessment, now=now)
    previous = current_version(session=session, assessment_id=assessment.id, kind=kind)
    diff = diff_datasets(kind, _previous_frame(session, previous), clean.frame)
    progress(70)
    records = clean.records()
    version = DatasetVersion(
        assessment_id=assessment.id,
        kind=kind,
        version=(previous.version if previous else 0) + 1,
        row_count=len(records),
        summary=clean.summary.model_dump(mode="json"),
        diff=diff_json(diff),
        file_sha256=upload.file_sha256,
        filename=upload.filename,
        file_format=clean.summary.file_format,
        uploaded_by_id=actor.id,
        created_at=now,
    )
    session.add(version)
    session.flush()
    for start in range(0, len(records), _INSERT_BATCH):
        batch = records[start : start + _INSERT_BATCH]
        session.execute(
            sa.insert(DatasetRow),
            [
                {"version_id": version.id, "position": start + offset + 1, "data": record}
                for offset, record in enumerate(batch)
            ],
        )
        progress(70 + 25 * (start + len(batch)) // len(records))
    _finish(upload, UploadStatus.stored, now)
    upload.version_id = version.id
    session.add(upload)
    audit.record(
        session=session,
        actor=actor,
        action="dataset.version_stored",
        subject=version,
        details={
            "kind": kind.value,
            "version": version.version,
            "rows": version.row_count,
            "sha256": upload.file_sha256,
            **{key: version.diff[key] for key in ("added", "removed", "modified")},
        },
        now=now,
    )
    if kind is DatasetKind.SITES:
        _apply_site_risk(
            session=session,
            actor=actor,
            assessment=assessment,
            version=version,
            records=records,
            now=now,
        )
    return version


def _apply_site_risk(
    *,
    session: Session,
    actor: Actor,
    assessment: Assessment,
    version: DatasetVersion,
    records: list[dict[str, Any]],
    now: datetime,
) -> None:
    """The assessment's high-risk context follows its current sites (see `datasets.risk`)."""
    risk = site_risk(records)
    if assessment.high_risk_context == risk.high:
        return
    assessment.high_risk_context = risk.high
    session.add(assessment)
    audit.record(
        session=session,
        actor=actor,
        action="assessment.high_risk_context_changed",
        subject=assessment,
        details={
            "high_risk_context": risk.high,
            "source": f"sites version {version.version}",
            "countries": list(risk.countries),
            "sectors": list(risk.sectors),
        },
        now=now,
    )
