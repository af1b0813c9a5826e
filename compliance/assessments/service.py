"""Starting, answering, evidencing, submitting and deciding assessments."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

import sqlalchemy as sa
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from compliance import policy
from compliance.accounts.actor import Actor
from compliance.accounts.models import OrganisationKind
from compliance.assessments.models import (
    EDITABLE,
    OPEN,
    STATUS_WORDS,
    Answer,
    Assessment,
    AssessmentCreate,
    AssessmentStatus,
    Decision,
    Evidence,
    EvidenceReview,
)
from compliance.audit import service as audit
from compliance.datasets.models import DatasetUpload, UploadStatus
from compliance.errors import Conflict, InvalidInput, NotFound, PermissionDenied, ProblemDetail
from compliance.jobs.models import Job, JobStatus
from compliance.outbound import PublicLink
from compliance.pagination import Page, paginate
from compliance.phrases import Phrase, joined
from compliance.storage import FileStore
from questionnaires.answers import AnswerProblem, apply_patch
from questionnaires.completeness import MissingItem, Progress, missing_before_submit, progress
from questionnaires.errors import UnknownQuestionnaire
from questionnaires.model import AnswerType, Questionnaire
from questionnaires.registry import QuestionnaireRegistry, default_registry

QUESTIONNAIRE_FOR_KIND = {
    OrganisationKind.company: "company",
    OrganisationKind.financial_institution: "financial_institution",
}


class AssessmentLocked(Conflict):
    """Answers and evidence change only while the assessment is with the organisation."""


def registry() -> QuestionnaireRegistry:
    return default_registry()


def questionnaire_of(assessment: Assessment) -> Questionnaire:
    return registry().get(assessment.questionnaire_key, assessment.questionnaire_version)


def create(
    *, session: Session, actor: Actor, assessment_in: AssessmentCreate, now: datetime
) -> Assessment:
    """Start an assessment of the actor's organisation against its kind's questionnaire."""
    expected = QUESTIONNAIRE_FOR_KIND.get(actor.kind)
    if assessment_in.questionnaire_key != expected:
        raise InvalidInput(
            Phrase(
                "A %(kind)s answers the '%(expected)s' questionnaire, not '%(given)s'.",
                kind=actor.kind,
                expected=expected,
                given=assessment_in.questionnaire_key,
            )
        )
    try:
        definition = registry().get(
            assessment_in.questionnaire_key, assessment_in.questionnaire_version
        )
    except UnknownQuestionnaire as exc:
        raise NotFound(exc.args[0]) from exc
    open_one = session.exec(
        select(Assessment).where(
            Assessment.organisation_id == actor.organisation_id,
            Assessment.questionnaire_key == definition.key,
            Assessment.status.in_(OPEN),
        )
    ).first()
    if open_one is not None:
        raise Conflict(
            Phrase(
                "Your organisation already has an open assessment (#%(assessment)s, "
                "%(status)s): continue that one.",
                assessment=open_one.id,
                status=open_one.status.value,
            )
        )
    assessment = Assessment(
        organisation_id=actor.organisation_id,
        questionnaire_key=definition.key,
        questionnaire_version=definition.version,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(assessment)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="assessment.created",
        subject=assessment,
        details={"questionnaire": f"{definition.key}/{definition.version}"},
        now=now,
    )
    return assessment


def get_visible(*, session: Session, actor: Actor | None, assessment_id: int) -> Assessment:
    """The assessment if the actor's organisation owns it or the actor is a reviewer."""
    assessment = session.exec(
        select(Assessment).where(Assessment.id == assessment_id, policy.scope(actor, Assessment))
    ).first()
    if assessment is None:
        raise NotFound(
            Phrase(
                "There is no assessment %(assessment)s that you can see.", assessment=assessment_id
            )
        )
    return assessment


def get_allowed(
    *, session: Session, actor: Actor | None, assessment_id: int, action: str
) -> Assessment:
    """The assessment if the actor may see it (else 404) and may `action` it (else 401/403):
    the one check every view of an assessment, its answers and its datasets starts with."""
    assessment = get_visible(session=session, actor=actor, assessment_id=assessment_id)
    policy.require(actor, action, assessment)
    return assessment


def page_visible(
    *, session: Session, actor: Actor, limit: int, cursor: str | None
) -> Page[Assessment]:
    """The assessments `actor` may see, newest first, a page at a time."""
    page = paginate(
        session,
        select(Assessment).where(policy.scope(actor, Assessment)),
        key=Assessment.id,
        key_of=lambda row: row[0].id,
        limit=limit,
        cursor=cursor,
    )
    return Page([row[0] for row in page.items], page.next_cursor)


def answers_of(*, session: Session, assessment: Assessment) -> dict[str, Any]:
    rows = session.exec(select(Answer).where(Answer.assessment_id == assessment.id)).all()
    stored = {row.question_id: row.value for row in rows}
    definition = questionnaire_of(assessment)
    return {q.id: stored[q.id] for q in definition.questions if q.id in stored}


def evidence_of(*, session: Session, assessment: Assessment) -> list[Evidence]:
    return list(
        session.exec(
            select(Evidence).where(Evidence.assessment_id == assessment.id).order_by(Evidence.id)
        )
    )


def evidence_by_question(evidence: list[Evidence]) -> dict[str, list[str]]:
    """Evidence references per question, ignoring items a reviewer rejected."""
    refs: dict[str, list[str]] = {}
    for item in evidence:
        if item.question_id and item.review != EvidenceReview.rejected:
            refs.setdefault(item.question_id, []).append(item.ref)
    return refs


def standing(
    *, session: Session, assessment: Assessment
) -> tuple[dict[str, Any], list[Evidence], Progress, list[MissingItem]]:
    """Answers, evidence, progress and what is missing: everything a page or answer shows."""
    definition = questionnaire_of(assessment)
    answers = answers_of(session=session, assessment=assessment)
    evidence = evidence_of(session=session, assessment=assessment)
    shown = progress(definition, answers, high_risk=assessment.high_risk_context)
    missing = missing_before_submit(
        definition,
        answers,
        high_risk=assessment.high_risk_context,
        evidence=evidence_by_question(evidence),
    )
    return answers, evidence, shown, missing


def _require_editable(assessment: Assessment) -> None:
    if assessment.status not in EDITABLE:
        raise AssessmentLocked(
            Phrase(
                "Assessment %(assessment)s is %(status)s; it cannot be changed until the reviewer "
                "asks for changes.",
                assessment=assessment.id,
                status=STATUS_WORDS[assessment.status],
            )
        )


def require_changeable(actor: Actor, assessment: Assessment) -> None:
    """Refuse a change (`PermissionDenied`, `AssessmentLocked`) before any work is queued."""
    _require_owner(actor, assessment)
    _require_editable(assessment)


def _require_owner(actor: Actor, assessment: Assessment) -> None:
    if actor.organisation_id != assessment.organisation_id:
        raise PermissionDenied(
            Phrase("Only the organisation being assessed can change its answers.")
        )


ECHO_MAX_CHARS = 200


def _echo(value: Any) -> Any:
    """A refused value as shown back: long text is cut (a 10 MB answer is not sent back)."""
    if isinstance(value, str) and len(value) > ECHO_MAX_CHARS:
        return value[:ECHO_MAX_CHARS] + "…"
    return value


def answer_problems(problems: list[AnswerProblem]) -> InvalidInput:
    return InvalidInput(
        Phrase(
            "%(count)s answer(s) cannot be saved; nothing was saved. See `errors`.",
            count=len(problems),
        ),
        errors=[
            ProblemDetail(
                pointer=f"/answers/{p.question_id}", detail=p.message, value=_echo(p.value)
            )
            for p in problems
        ],
    )


def _write_answers(
    *,
    session: Session,
    assessment: Assessment,
    answers: Mapping[str, Any],
    actor: Actor,
    now: datetime,
) -> None:
    rows = {
        row.question_id: row
        for row in session.exec(select(Answer).where(Answer.assessment_id == assessment.id)).all()
    }
    for question_id, row in rows.items():
        if question_id not in answers:
            session.delete(row)
    for question_id, value in answers.items():
        row = rows.get(question_id)
        if row is None:
            session.add(
                Answer(
                    assessment_id=assessment.id,
                    question_id=question_id,
                    value=value,
                    updated_by_id=actor.id,
                    updated_at=now,
                )
            )
        elif row.value != value:
            row.value, row.updated_by_id, row.updated_at = value, actor.id, now
            session.add(row)
    assessment.updated_at = now
    session.add(assessment)


def save_answers(
    *,
    session: Session,
    actor: Actor,
    assessment: Assessment,
    patch: Mapping[str, Any],
    now: datetime,
) -> list[str]:
    """Merge a partial save; all answers or none. Returns answers cleared by new conditions."""
    _require_owner(actor, assessment)
    _require_editable(assessment)
    current = answers_of(session=session, assessment=assessment)
    result = apply_patch(questionnaire_of(assessment), current, patch)
    if result.problems:
        raise answer_problems(result.problems)
    _write_answers(
        session=session, assessment=assessment, answers=result.answers, actor=actor, now=now
    )
    audit.record(
        session=session,
        actor=actor,
        action="assessment.answers_saved",
        subject=assessment,
        details={"questions": sorted(patch), "cleared": result.cleared},
        now=now,
    )
    return result.cleared


def replace_answers(
    *,
    session: Session,
    actor: Actor,
    assessment: Assessment,
    answers: Mapping[str, Any],
    now: datetime,
    source: str,
) -> None:
    """Store a complete, already validated set of answers (an imported workbook)."""
    _require_owner(actor, assessment)
    _require_editable(assessment)
    _write_answers(session=session, assessment=assessment, answers=answers, actor=actor, now=now)
    audit.record(
        session=session,
        actor=actor,
        action="assessment.answers_imported",
        subject=assessment,
        details={"source": source, "answers": len(answers)},
        now=now,
    )


def _question_for_evidence(
    assessment: Assessment, question_id: str | None, description: str | None = None
) -> None:
    if question_id is not None and questionnaire_of(assessment).question(question_id) is None:
        raise InvalidInput(
            Phrase(
                "Question %(question)s does not exist in this questionnaire.",
                question=question_id,
            )
        )
    if description is not None and "\x00" in description:
        raise InvalidInput(
            Phrase("The description contains a NUL character (U+0000); remove it and try again."),
            errors=[
                ProblemDetail(pointer="/description", detail=Phrase("contains a NUL character"))
            ],
        )


def safe_filename(name: str | None) -> str:
    """The last path component only, without control characters, at most 255 characters."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    cleaned = "".join(c for c in base if c.isprintable() and c not in '<>:"/\\|?*').strip(" .")
    return (cleaned or "evidence")[:255]


def attach_file(
    *,
    session: Session,
    store: FileStore,
    actor: Actor,
    assessment: Assessment,
    data: bytes,
    filename: str | None,
    question_id: str | None,
    description: str | None,
    max_bytes: int,
    now: datetime,
) -> Evidence:
    """Keep an evidence file; a file question's answer becomes the new item's reference."""
    _require_owner(actor, assessment)
    _require_editable(assessment)
    _question_for_evidence(assessment, question_id, description)
    stored = store.put(data, max_bytes=max_bytes, what=Phrase("evidence file"))
    evidence = Evidence(
        assessment_id=assessment.id,
        question_id=question_id,
        kind="file",
        description=description,
        filename=safe_filename(filename),
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
        uploaded_by_id=actor.id,
        created_at=now,
    )
    return _add_evidence(
        session=session, actor=actor, assessment=assessment, evidence=evidence, now=now
    )


def attach_link(
    *,
    session: Session,
    actor: Actor,
    assessment: Assessment,
    url: str,
    question_id: str | None,
    description: str | None,
    now: datetime,
) -> Evidence:
    _require_owner(actor, assessment)
    _require_editable(assessment)
    _question_for_evidence(assessment, question_id, description)
    evidence = Evidence(
        assessment_id=assessment.id,
        question_id=question_id,
        kind="link",
        url=_public_link(url),
        description=description,
        uploaded_by_id=actor.id,
        created_at=now,
    )
    return _add_evidence(
        session=session, actor=actor, assessment=assessment, evidence=evidence, now=now
    )


_LINK: TypeAdapter = TypeAdapter(PublicLink)


def _public_link(url: str) -> str:
    """The link as it will be shown, or a 422: web forms send any text, the API a checked URL."""
    try:
        return str(_LINK.validate_python(url))
    except ValidationError as exc:
        reason = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
        raise InvalidInput(
            Phrase(
                "The evidence link is not a public http(s) web address: %(reason)s.",
                reason=reason,
            ),
            errors=[ProblemDetail(pointer="/url", detail=reason)],
        ) from exc


def _add_evidence(
    *, session: Session, actor: Actor, assessment: Assessment, evidence: Evidence, now: datetime
) -> Evidence:
    session.add(evidence)
    session.flush()
    question = (
        questionnaire_of(assessment).question(evidence.question_id)
        if evidence.question_id
        else None
    )
    if question is not None and question.type is AnswerType.FILE:
        save_answers(
            session=session,
            actor=actor,
            assessment=assessment,
            patch={question.id: evidence.ref},
            now=now,
        )
    audit.record(
        session=session,
        actor=actor,
        action="assessment.evidence_added",
        subject=evidence,
        details={"assessment_id": assessment.id, "kind": evidence.kind, "sha256": evidence.sha256},
        now=now,
    )
    return evidence


def get_evidence(*, session: Session, assessment: Assessment, evidence_id: int) -> Evidence:
    evidence = session.get(Evidence, evidence_id)
    if evidence is None or evidence.assessment_id != assessment.id:
        raise NotFound(
            Phrase(
                "Assessment %(assessment)s has no evidence item %(evidence)s.",
                assessment=assessment.id,
                evidence=evidence_id,
            )
        )
    return evidence


def submit(*, session: Session, actor: Actor, assessment: Assessment, now: datetime) -> Assessment:
    """Hand the assessment to the reviewers; refused with the full list of what is missing."""
    require_changeable(actor, assessment)
    _require_no_pending_upload(session, assessment)
    _answers, _evidence, _progress, missing = standing(session=session, assessment=assessment)
    if missing:
        raise InvalidInput(
            Phrase(
                "%(count)s item(s) are missing before you can submit; see `errors`.",
                count=len(missing),
            ),
            errors=[
                ProblemDetail(pointer=f"/answers/{m.question_id}", detail=m.message)
                for m in missing
            ],
        )
    assessment.status, assessment.submitted_at, assessment.updated_at = (
        AssessmentStatus.submitted,
        now,
        now,
    )
    session.add(assessment)
    audit.record(
        session=session, actor=actor, action="assessment.submitted", subject=assessment, now=now
    )
    return assessment


def _require_no_pending_upload(session: Session, assessment: Assessment) -> None:
    """What the reviewer sees is what was sent: no submission while an answers workbook or a
    list of sites or suppliers is still being imported (its job would find the assessment
    locked and drop it)."""
    waiting = list(
        session.exec(
            select(DatasetUpload.filename).where(
                DatasetUpload.assessment_id == assessment.id,
                DatasetUpload.status == UploadStatus.queued,
            )
        ).all()
    )
    if assessment.import_job_id is not None:
        job = session.get(Job, assessment.import_job_id)
        if job is not None and job.status in (JobStatus.queued, JobStatus.running):
            waiting.append(str(job.params.get("filename") or "the answers workbook"))
    if waiting:
        raise Conflict(
            Phrase(
                "%(files)s is still being checked. Submit once the check is done (the page shows "
                "its progress), so the reviewers see the data you sent.",
                files=", ".join(sorted(waiting)),
            )
        )


_REVIEWABLE = frozenset({AssessmentStatus.submitted, AssessmentStatus.under_review})
_DECISIONS: dict[str, tuple[frozenset[AssessmentStatus], AssessmentStatus]] = {
    "start_review": (frozenset({AssessmentStatus.submitted}), AssessmentStatus.under_review),
    "request_changes": (
        frozenset({AssessmentStatus.submitted, AssessmentStatus.under_review}),
        AssessmentStatus.changes_requested,
    ),
    "approve": (
        frozenset({AssessmentStatus.submitted, AssessmentStatus.under_review}),
        AssessmentStatus.approved,
    ),
    "reject": (
        frozenset({AssessmentStatus.submitted, AssessmentStatus.under_review}),
        AssessmentStatus.rejected,
    ),
}


def decide(
    *, session: Session, actor: Actor, assessment: Assessment, decision: Decision, now: datetime
) -> Assessment:
    """A reviewer's move: start the review, ask for changes, approve or reject."""
    allowed_from, target = _DECISIONS[decision.decision]
    if assessment.status not in allowed_from:
        raise Conflict(
            Phrase(
                "Assessment %(assessment)s is %(status)s; '%(decision)s' is only possible when it "
                "is %(allowed)s.",
                assessment=assessment.id,
                status=STATUS_WORDS[assessment.status],
                decision=decision.decision,
                allowed=_either(sorted(allowed_from)),
            )
        )
    if decision.decision == "request_changes" and not (decision.comments or decision.note):
        raise InvalidInput(Phrase("Say what must change: give a note or comments per question."))
    definition = questionnaire_of(assessment)
    unknown = sorted(qid for qid in decision.comments if definition.question(qid) is None)
    if unknown:
        raise InvalidInput(
            Phrase(
                "Comments name questions that do not exist: %(questions)s.",
                questions=", ".join(unknown),
            )
        )
    if decision.decision == "approve":
        # Certificates build on assessments, so this module imports them only when approving.
        from compliance.certificates import issuing as certificate_issuing
        from compliance.certificates.issuer import Issuer

        score = certificate_issuing.certifiable_score(
            session=session, assessment=assessment, as_of=now.date()
        )
    _claim_transition(session=session, assessment=assessment, allowed_from=allowed_from, to=target)
    assessment.decision_note = decision.note
    if decision.decision == "request_changes":
        assessment.review_comments = dict(decision.comments)
    if target in (
        AssessmentStatus.approved,
        AssessmentStatus.rejected,
        AssessmentStatus.changes_requested,
    ):
        assessment.decided_at = now
    assessment.updated_at = now
    session.add(assessment)
    audit.record(
        session=session,
        actor=actor,
        action=f"assessment.{decision.decision}",
        subject=assessment,
        now=now,
    )
    if decision.decision == "approve":
        certificate_issuing.issue(
            session=session,
            actor=actor,
            assessment=assessment,
            questionnaire=definition,
            score=score,
            issuer=Issuer.current(),
            now=now,
        )
    return assessment


def _either(statuses: list[AssessmentStatus]) -> str:
    """'submitted or under review': the statuses in words, joined the way a sentence lists
    alternatives."""
    return joined([STATUS_WORDS[status] for status in statuses], " or ")


def _claim_transition(
    *,
    session: Session,
    assessment: Assessment,
    allowed_from: frozenset[AssessmentStatus],
    to: AssessmentStatus,
) -> None:
    """Move the status with a conditional UPDATE, so that of two reviewers deciding at once
    (or one clicking twice) exactly one succeeds and the other gets a conflict."""
    moved = session.execute(
        sa.update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.status.in_(allowed_from))
        .values(status=to)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        session.refresh(assessment, ["status"])
        raise Conflict(
            Phrase(
                "Assessment %(assessment)s was just decided by someone else: it is now "
                "%(status)s. Reload it.",
                assessment=assessment.id,
                status=STATUS_WORDS[assessment.status],
            )
        )
    set_committed_value(assessment, "status", to)


def review_evidence(
    *,
    session: Session,
    actor: Actor,
    assessment: Assessment,
    evidence: Evidence,
    review: EvidenceReview,
    note: str | None,
    now: datetime,
) -> Evidence:
    """A reviewer's judgement of one evidence item; rejected items no longer count in the score
    and the company sees the note."""
    if assessment.status not in _REVIEWABLE:
        raise Conflict(
            Phrase(
                "Assessment %(assessment)s is %(status)s; evidence is reviewed while the "
                "assessment is submitted or under review.",
                assessment=assessment.id,
                status=STATUS_WORDS[assessment.status],
            )
        )
    if review is EvidenceReview.rejected and not (note and note.strip()):
        raise InvalidInput(
            Phrase("Say why the evidence is rejected: the company reads the note to fix it."),
            errors=[ProblemDetail(pointer="/note", detail=Phrase("required when rejecting"))],
        )
    evidence.review = review
    evidence.review_note = note.strip() if note else None
    session.add(evidence)
    audit.record(
        session=session,
        actor=actor,
        action="assessment.evidence_reviewed",
        subject=evidence,
        details={"assessment_id": assessment.id, "review": review.value},
        now=now,
    )
    return evidence
