"""The xlsx round trip of an assessment: a prefilled template out, a filled workbook in.

A filled workbook is screened as a whole in the request (not a workbook, macros, zip bomb:
422 at once), stored, and imported by the job "assessments.import_answers": all its answers
or none, with every problem marked in a copy of the user's file.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlmodel import Session

from compliance.accounts.actor import Actor
from compliance.api import PREFIX
from compliance.assessments import service as assessment_service
from compliance.assessments.models import Assessment
from compliance.audit import service as audit
from compliance.errors import InvalidInput, ProblemDetail
from compliance.jobs import service as job_service
from compliance.jobs.models import Job
from compliance.phrases import Phrase
from compliance.storage import FileStore
from questionnaires.answers import apply_patch
from questionnaires.errors import CellProblem, SpreadsheetInvalid, WrongQuestionnaire
from questionnaires.model import AnswerType, Questionnaire
from questionnaires.workbook_reader import WorkbookLimits, WorkbookRefused, screen_untrusted_xlsx
from questionnaires.xlsx_highlight import highlight_problems
from questionnaires.xlsx_import import read_answers_workbook
from questionnaires.xlsx_template import build_template

IMPORT_JOB_KIND = "assessments.import_answers"


class WorkbookInvalid(InvalidInput):
    """Every problem in an uploaded workbook; the highlighted copy can be downloaded."""


def receive_workbook(
    *,
    session: Session,
    store: FileStore,
    actor: Actor,
    assessment: Assessment,
    data: bytes,
    filename: str,
    limits: WorkbookLimits,
) -> Job:
    """Screen the workbook, store it and queue its import (dispatched when the caller commits).

    Raises `InvalidInput` for a file refused as a whole (nothing is kept: roll back).
    """
    assessment_service.require_changeable(actor, assessment)
    try:
        screen_untrusted_xlsx(data, limits=limits)
    except WorkbookRefused as exc:
        raise InvalidInput(exc.args[0]) from exc
    digest = hashlib.sha256(data).hexdigest()
    store.write(digest, data)
    job = job_service.enqueue(
        session=session,
        kind=IMPORT_JOB_KIND,
        params={"assessment_id": assessment.id, "file_sha256": digest, "filename": filename},
        organisation_id=assessment.organisation_id,
        created_by_id=actor.id,
    )
    assessment.import_job_id = job.id
    session.add(assessment)
    return job


def import_job(*, session: Session, assessment: Assessment) -> Job | None:
    """The job of the last workbook sent for this assessment (running or finished)."""
    return session.get(Job, assessment.import_job_id) if assessment.import_job_id else None


def import_stored(
    *,
    session: Session,
    store: FileStore,
    actor: Actor,
    assessment: Assessment,
    file_sha256: str,
    limits: WorkbookLimits,
    now: datetime,
) -> dict[str, Any]:
    """The job's part: import a stored workbook. The result says what happened: `imported`
    (how many answers), `invalid` (every cell problem and the highlighted copy) or `refused`
    (why nothing could be imported); only `imported` changes the answers."""
    try:
        data = store.read(file_sha256)
    except FileNotFoundError:
        return {
            "outcome": "refused",
            "detail": Phrase("The uploaded workbook is no longer on the server; upload it again."),
            "errors": [],
        }
    try:
        count = import_answers(
            session=session,
            store=store,
            actor=actor,
            assessment=assessment,
            data=data,
            limits=limits,
            now=now,
        )
    except WorkbookInvalid as exc:
        return {
            "outcome": "invalid",
            "detail": exc.detail,
            "errors": [error.as_json() for error in exc.errors],
            "report_url": f"{PREFIX}/assessments/{assessment.id}/answers-report.xlsx",
        }
    return {"outcome": "imported", "imported_answers": count}


def prefilled_template(*, session: Session, assessment: Assessment, language: str) -> bytes:
    answers, evidence, _progress, _missing = assessment_service.standing(
        session=session, assessment=assessment
    )
    return build_template(
        assessment_service.questionnaire_of(assessment),
        language=language,
        answers=answers,
        evidence=assessment_service.evidence_by_question(evidence),
    )


def _details(problems: list[CellProblem]) -> list[ProblemDetail]:
    return [
        ProblemDetail(
            sheet=p.sheet,
            row=p.row,
            column=p.column,
            value=p.value or None,
            pointer=p.cell,
            detail=p.message,
        )
        for p in problems
    ]


def import_answers(
    *,
    session: Session,
    store: FileStore,
    actor: Actor,
    assessment: Assessment,
    data: bytes,
    limits: WorkbookLimits,
    now: datetime,
) -> int:
    """Import every answer of a filled workbook, or none; return how many answers it holds.

    On problems the user's workbook, highlighted and commented, is kept for download and the
    error lists each problem with its sheet and cell.
    """
    definition = assessment_service.questionnaire_of(assessment)
    current = assessment_service.answers_of(session=session, assessment=assessment)
    try:
        read = read_answers_workbook(data, definition, current_answers=current, limits=limits)
    except WrongQuestionnaire as exc:
        raise InvalidInput(exc.args[0]) from exc
    except SpreadsheetInvalid as exc:
        _keep_report(
            session=session,
            store=store,
            actor=actor,
            assessment=assessment,
            data=data,
            problems=exc.problems,
            limits=limits,
        )
        raise WorkbookInvalid(
            Phrase(
                "%(count)s problem(s) in the workbook; nothing was imported. Download the "
                "highlighted copy at /api/v1/assessments/%(assessment)s/answers-report.xlsx.",
                count=len(exc.problems),
                assessment=assessment.id,
            ),
            errors=_details(exc.problems),
        ) from exc
    merged = apply_patch(definition, current, read.answers)
    if merged.problems:
        raise assessment_service.answer_problems(merged.problems)
    evidence = assessment_service.evidence_of(session=session, assessment=assessment)
    _check_evidence_references(definition, merged.answers, read.evidence, {e.ref for e in evidence})
    assessment_service.replace_answers(
        session=session,
        actor=actor,
        assessment=assessment,
        answers=merged.answers,
        now=now,
        source="xlsx",
    )
    linked = {(e.question_id, e.url) for e in evidence if e.kind == "link"}
    for question_id, items in read.evidence.items():
        for url in [i for i in items if _is_link(i) and (question_id, i) not in linked]:
            assessment_service.attach_link(
                session=session,
                actor=actor,
                assessment=assessment,
                url=url,
                question_id=question_id,
                description="Linked in the answers workbook",
                now=now,
            )
    assessment.import_report_sha256 = None
    return len(read.answers)


def _is_link(item: str) -> bool:
    return item.lower().startswith(("https://", "http://"))


def _check_evidence_references(
    definition: Questionnaire, answers: dict, evidence: dict[str, list[str]], known: set[str]
) -> None:
    """Evidence ids typed in the workbook must be items already attached to this assessment."""
    problems = [
        ProblemDetail(
            pointer=f"/evidence/{question_id}",
            detail=Phrase(
                "Question %(question)s: evidence %(item)s is not attached to this assessment. "
                "Upload it first, or give a web link instead.",
                question=question_id,
                item=item,
            ),
        )
        for question_id, items in evidence.items()
        for item in items
        if not _is_link(item) and item not in known
    ]
    problems += [
        ProblemDetail(
            pointer=f"/answers/{q.id}",
            detail=Phrase(
                "Question %(question)s: %(answer)s is not an evidence item of this assessment. "
                "Upload the file first and use its reference.",
                question=q.id,
                answer=answers[q.id],
            ),
        )
        for q in definition.questions
        if q.type is AnswerType.FILE and q.id in answers and answers[q.id] not in known
    ]
    if problems:
        raise InvalidInput(
            Phrase(
                "%(count)s evidence reference(s) are unknown; nothing was imported.",
                count=len(problems),
            ),
            errors=problems,
        )


def _keep_report(
    *,
    session: Session,
    store: FileStore,
    actor: Actor,
    assessment: Assessment,
    data: bytes,
    problems: list[CellProblem],
    limits: WorkbookLimits,
) -> None:
    """Keep the highlighted workbook and point the assessment at it; answers stay untouched."""
    report = highlight_problems(data, problems, limits=limits)
    digest = hashlib.sha256(report).hexdigest()
    store.write(digest, report)
    assessment.import_report_sha256 = digest
    session.add(assessment)
    audit.record(
        session=session,
        actor=actor,
        action="assessment.import_refused",
        subject=assessment,
        details={"problems": len(problems)},
    )
