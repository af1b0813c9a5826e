"""Screen a portfolio's holdings: what is known of each holding's organisation, loaded in bulk.

For every holding: its certificate (status, tier, score, expiry, under challenge), confirmed and
suggested incident matches of the last five years (public view only), red flags, context risk
of its sites, data gaps and the questions to put to the company; then the portfolio's
aggregates. Everything is read with a few queries per kind of fact, whatever the number of
holdings (`_chunks` keeps each IN list within what every database accepts), then put together
by pure functions.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from compliance import matching
from compliance.accounts.models import Organisation
from compliance.assessments.models import Answer, Assessment, AssessmentStatus, Evidence
from compliance.certificates.credential import certificate_url
from compliance.certificates.models import Certificate, CertificateStatus
from compliance.challenges.models import ADMITTED, Challenge
from compliance.datasets import risk as dataset_risk
from compliance.datasets.kinds import DatasetKind
from compliance.datasets.models import DatasetRow, DatasetVersion
from compliance.incidents.models import Incident, IncidentPublic, IncidentRecord, IncidentVersion
from compliance.portfolios.briefing import (
    Aggregates,
    CertificateFinding,
    ContextFinding,
    DataGap,
    EngageItem,
    EngagementQuestion,
    HoldingFinding,
    IncidentFinding,
    RedFlag,
    Share,
    YearCount,
)
from compliance.portfolios.models import PortfolioHolding, Resolution
from compliance.scores import service as score_service
from compliance.screening import context as screening_context
from compliance.screening.entities import site_sector
from compliance.screening.facts import link_of
from compliance.screening.models import Match, MatchStatus
from questionnaires.model import translate
from questionnaires.registry import default_registry
from questionnaires.visibility import visible_question_ids
from scoring import AssessmentFacts, EvidenceFacts, QuestionFacts, Rules, Tier, canonical_json
from scoring.engine import questionnaire_rules
from scoring.indicators import score_indicator
from scoring.result import IndicatorStatus

LOOKBACK_YEARS = 5
SEVERE_FROM = 20.0  # severity points (methodology) from which an attack counts as severe
QUESTIONS_PER_HOLDING = 6
TOP_ENGAGE = 10
FAILING_SHARE = 0.5  # an indicator earning less than this share of its points "fails"
_CHUNK = 900
NO_TIER = "none"

GENERIC_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "generic:policy",
        "Policy",
        "Have you published a policy commitment that recognises the legitimate role of human "
        "rights defenders and says you will not tolerate attacks against them?",
    ),
    (
        "generic:due_diligence",
        "Due diligence",
        "How do you identify and assess risks to defenders in your operations and value chain, "
        "and where do you apply heightened due diligence?",
    ),
    (
        "generic:grievance",
        "Grievance and remedy",
        "Which grievance mechanism can defenders and communities use safely, and how do you "
        "provide remedy when harm occurs?",
    ),
    (
        "generic:assessment",
        "Certification",
        "Will you complete an HRD Sentinel self-assessment so that your practice can be "
        "reviewed and certified?",
    ),
)


@dataclasses.dataclass(frozen=True)
class ScreeningInputs:
    """What findings need besides the holdings: the date, the methodology and the base URL."""

    as_of: date
    base_url: str
    rules: Rules
    context: matching.ContextRiskReport


def inputs(*, session: Session, as_of: date, base_url: str) -> ScreeningInputs:
    return ScreeningInputs(
        as_of=as_of,
        base_url=base_url,
        rules=score_service.rules(),
        context=screening_context.context_report(session=session, as_of=as_of),
    )


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = sorted(set(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


# --- Bulk loading -------------------------------------------------------------------------


def _organisations(session: Session, ids: Sequence[int]) -> dict[int, sa.Row]:
    found: dict[int, sa.Row] = {}
    for chunk in _chunks(ids):
        for row in session.execute(
            sa.select(
                Organisation.id, Organisation.name, Organisation.country, Organisation.sector
            ).where(Organisation.id.in_(chunk))
        ):
            found[row.id] = row
    return found


def _certificates(session: Session, ids: Sequence[int]) -> dict[int, sa.Row]:
    """Each organisation's certificate in force: the newest that is not superseded."""
    found: dict[int, sa.Row] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            sa.select(
                Certificate.id,
                Certificate.cert_id,
                Certificate.organisation_id,
                Certificate.status,
                Certificate.tier,
                Certificate.score,
                Certificate.issued_at,
                Certificate.expires_at,
            )
            .where(
                Certificate.organisation_id.in_(chunk),
                Certificate.status != CertificateStatus.superseded,
            )
            .order_by(Certificate.id)
        )
        for certificate in rows:
            found[certificate.organisation_id] = certificate
    return found


def _under_challenge(session: Session, certificate_ids: Sequence[int]) -> set[int]:
    """Certificates an admitted challenge stands against (as `is_under_challenge` decides)."""
    found: set[int] = set()
    for chunk in _chunks(certificate_ids):
        found.update(
            session.execute(
                sa.select(Challenge.certificate_id)
                .where(Challenge.certificate_id.in_(chunk), Challenge.state.in_(ADMITTED))
                .distinct()
            ).scalars()
        )
    return found


@dataclasses.dataclass
class _Matched:
    incident: Incident
    version: IncidentVersion
    confirmed: bool
    own_operations: bool


def _matches(
    session: Session, ids: Sequence[int], *, since: date
) -> dict[int, dict[int, _Matched]]:
    """Per organisation, per incident: confirmed matches, and suggested ones screening still
    finds, of current versions since `since`; withdrawn records left out."""
    found: dict[int, dict[int, _Matched]] = defaultdict(dict)
    for chunk in _chunks(ids):
        rows = session.execute(
            sa.select(Match.organisation_id, Match.status, Match.path, Incident, IncidentVersion)
            .join(Incident, Incident.id == Match.incident_id)
            .join(
                IncidentVersion,
                sa.and_(
                    IncidentVersion.incident_id == Incident.id,
                    IncidentVersion.version == Incident.current_version,
                ),
            )
            .where(
                Match.organisation_id.in_(chunk),
                Incident.withdrawn.is_(False),
                IncidentVersion.occurred_on >= since,
                sa.or_(
                    Match.status == MatchStatus.confirmed,
                    sa.and_(
                        Match.status == MatchStatus.suggested,
                        Match.active.is_(True),
                        Match.suggested.is_(True),
                    ),
                ),
            )
        )
        for organisation_id, status, path, incident, version in rows:
            confirmed = status == MatchStatus.confirmed
            own = str(link_of(path or ())) == "own_operations"
            known = found[organisation_id].get(incident.id)
            if known is None:
                found[organisation_id][incident.id] = _Matched(incident, version, confirmed, own)
            else:
                known.confirmed = known.confirmed or confirmed
                known.own_operations = known.own_operations or own
    return found


def _assessments(session: Session, ids: Sequence[int]) -> dict[int, list[sa.Row]]:
    found: dict[int, list[sa.Row]] = defaultdict(list)
    for chunk in _chunks(ids):
        for assessment in session.execute(
            sa.select(
                Assessment.id,
                Assessment.organisation_id,
                Assessment.status,
                Assessment.questionnaire_key,
                Assessment.questionnaire_version,
                Assessment.high_risk_context,
                Assessment.decided_at,
                Assessment.updated_at,
            )
            .where(Assessment.organisation_id.in_(chunk))
            .order_by(Assessment.id)
        ):
            found[assessment.organisation_id].append(assessment)
    return found


def _answers(session: Session, assessment_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    for chunk in _chunks(assessment_ids):
        for assessment_id, question_id, value in session.execute(
            sa.select(Answer.assessment_id, Answer.question_id, Answer.value).where(
                Answer.assessment_id.in_(chunk)
            )
        ):
            found[assessment_id][question_id] = value
    return found


def _evidence(session: Session, assessment_ids: Sequence[int]) -> dict[int, list[EvidenceFacts]]:
    found: dict[int, list[EvidenceFacts]] = defaultdict(list)
    for chunk in _chunks(assessment_ids):
        for assessment_id, evidence_id, question_id, review in session.execute(
            sa.select(Evidence.assessment_id, Evidence.id, Evidence.question_id, Evidence.review)
            .where(Evidence.assessment_id.in_(chunk))
            .order_by(Evidence.id)
        ):
            level = score_service.EVIDENCE_LEVELS[review]
            if level is not None:
                found[assessment_id].append(
                    EvidenceFacts(ref=f"EV{evidence_id}", question_id=question_id, level=level)
                )
    return found


def _sites(session: Session, assessment_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The current site list of each assessment."""
    versions: dict[int, int] = {}
    for chunk in _chunks(assessment_ids):
        for version_id, assessment_id, _version in session.execute(
            sa.select(DatasetVersion.id, DatasetVersion.assessment_id, DatasetVersion.version)
            .where(
                DatasetVersion.assessment_id.in_(chunk),
                DatasetVersion.kind == DatasetKind.SITES,
            )
            .order_by(DatasetVersion.version)
        ):
            versions[assessment_id] = version_id
    by_version: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for chunk in _chunks(versions.values()):
        for version_id, data in session.execute(
            sa.select(DatasetRow.version_id, DatasetRow.data)
            .where(DatasetRow.version_id.in_(chunk))
            .order_by(DatasetRow.version_id, DatasetRow.position)
        ):
            by_version[version_id].append(data)
    return {assessment_id: by_version[v] for assessment_id, v in versions.items()}


# --- Pure parts -----------------------------------------------------------------------------


def effective_weights(holdings: Sequence[PortfolioHolding]) -> list[float]:
    """Percent of the portfolio per holding: the weights as given, else market values' shares,
    else equal shares."""
    if any(h.weight is not None for h in holdings):
        return [float(h.weight or 0.0) for h in holdings]
    values = [float(h.market_value or 0.0) for h in holdings]
    total = sum(values)
    if total > 0:
        return [100.0 * v / total for v in values]
    return [100.0 / len(holdings) if holdings else 0.0 for _ in holdings]


def lookback_start(as_of: date) -> date:
    try:
        return as_of.replace(year=as_of.year - LOOKBACK_YEARS)
    except ValueError:  # 29 February
        return as_of.replace(year=as_of.year - LOOKBACK_YEARS, day=28)


def _severity(attack_types: Sequence[str], rules: Rules) -> tuple[str, float]:
    severity = rules.incidents.severity
    types = list(attack_types) or ["other"]
    scored = sorted((-severity.get(t, severity["other"]), t) for t in types)
    return scored[0][1], -scored[0][0]


def incident_finding(matched: _Matched, rules: Rules) -> IncidentFinding:
    public = IncidentPublic.of(IncidentRecord(incident=matched.incident, version=matched.version))
    most_severe, severity = _severity(public.attack_types, rules)
    return IncidentFinding(
        ref=public.ref,
        match_status="confirmed" if matched.confirmed else "suggested",
        link="own_operations" if matched.own_operations else "value_chain",
        occurred_on=public.occurred_on,
        year=matched.version.occurred_on.year,
        country=public.country,
        region=public.region,
        sector=str(public.sector),
        attack_types=[str(t) for t in public.attack_types],
        most_severe=most_severe,
        severity=severity,
        severe=severity >= SEVERE_FROM,
        verification_status=str(public.verification_status),
        collective_targeted=public.collective_targeted,
        people_affected_band=public.people_affected_band,
        perpetrator_type=str(public.perpetrator_type),
    )


def _certificate_finding(
    certificate: sa.Row, *, under_challenge: bool, scan: ScreeningInputs
) -> CertificateFinding:
    status = CertificateStatus(certificate.status)
    expires_on = certificate.expires_at.date()
    if status is CertificateStatus.active and expires_on < scan.as_of:
        status = CertificateStatus.expired
    return CertificateFinding(
        cert_id=certificate.cert_id,
        status=str(status),
        tier=str(certificate.tier),
        tier_label=scan.rules.tier(Tier(certificate.tier)).label,
        score=round(float(certificate.score), 1),
        issued_on=certificate.issued_at.date(),
        expires_on=expires_on,
        under_challenge=under_challenge,
        verify_url=certificate_url(scan.base_url, certificate.cert_id),
    )


def context_finding(
    *,
    sites: Sequence[Mapping[str, Any]] | None,
    country: str | None,
    sector: str | None,
    report: matching.ContextRiskReport,
) -> ContextFinding:
    """Context risk of the listed sites, or of the home country and sector without a list."""
    order = {"low": 0, "elevated": 1, "high": 2}
    if sites:
        listed = dataset_risk.site_risk(sites)
        reasons: list[str] = []
        if listed.countries:
            reasons.append("high-risk countries (fixed list): " + ", ".join(listed.countries))
        if listed.sectors:
            reasons.append("high-risk sectors (fixed list): " + ", ".join(listed.sectors))
        level, high = "low", 0
        for site in sites:
            verdict = report.assess(
                country=site.get("country"),
                region=site.get("admin_region"),
                sector=site_sector(site.get("site_type")),
            )
            fixed = dataset_risk.site_risk([site]).high
            if verdict.heightened_due_diligence or fixed:
                high += 1
            site_level = "high" if (verdict.heightened_due_diligence or fixed) else verdict.level
            level = max(level, site_level, key=order.__getitem__)
            for reason in verdict.reasons:
                if reason not in reasons and len(reasons) < 6:
                    reasons.append(reason)
        return ContextFinding(
            level=level,
            heightened_due_diligence=high > 0,
            basis="sites",
            sites=len(sites),
            sites_high=high,
            reasons=reasons,
        )
    verdict = report.assess(country=country, sector=sector)
    reasons = list(verdict.reasons)
    level = verdict.level
    heightened = verdict.heightened_due_diligence
    if country and country.upper() in dataset_risk.HIGH_RISK_COUNTRIES:
        reasons.insert(0, f"high-risk country (fixed list): {country.upper()}")
        level, heightened = "high", True
    return ContextFinding(
        level=level,
        heightened_due_diligence=heightened,
        basis="home",
        sites=0,
        sites_high=0,
        reasons=reasons[:6],
    )


def high_risk_home(country: str | None, sector: str | None, context: ContextFinding) -> bool:
    return (
        context.heightened_due_diligence
        or (country or "").upper() in dataset_risk.HIGH_RISK_COUNTRIES
        or matching.normalise_sector(sector) in matching.INFORMATIVE_SECTORS
    )


def _facts_of(
    assessment: sa.Row, answers: Mapping[str, Any], evidence: Sequence[EvidenceFacts]
) -> AssessmentFacts:
    definition = default_registry().get(
        assessment.questionnaire_key, assessment.questionnaire_version
    )
    visible = visible_question_ids(definition, answers)
    return AssessmentFacts(
        questionnaire_key=definition.key,
        questionnaire_version=definition.version,
        high_risk_context=assessment.high_risk_context,
        questions=tuple(
            QuestionFacts(
                question_id=q.id,
                section_id=q.section,
                required=q.required,
                high_risk_mandatory=q.high_risk_mandatory,
                visible=q.id in visible,
                answer=answers.get(q.id) if q.id in visible else None,
            )
            for q in definition.questions
        ),
        evidence=tuple(evidence),
        incidents=(),
    )


@dataclasses.dataclass(frozen=True)
class WeakIndicator:
    question_id: str
    section_id: str
    lacking: bool  # unanswered or not asked
    share: float  # of the indicator's points earned
    gain: float  # points of the total (0-100) full credit would add


def weak_indicators(facts: AssessmentFacts, rules: Rules, as_of: date) -> list[WeakIndicator]:
    """The indicators an assessment fails (earns under half their points) or lacks, with what
    full credit would add to the total, most first. The indicator points come from the
    methodology (`score_indicator`); a point of a section is worth the section's effective
    weight over its counted maximum, as in `scoring.score` (only the indicators are needed
    here, so the rest of a score is not computed)."""
    qrules = questionnaire_rules(facts, rules)
    by_id = {q.question_id: q for q in facts.questions}
    scored = [
        score_indicator(
            rule,
            by_id[rule.question_id],
            facts.evidence,
            rules=rules,
            high_risk=facts.high_risk_context,
            as_of=as_of,
        )
        for rule in qrules.indicators
    ]
    maximum: dict[str, float] = defaultdict(float)
    for indicator in scored:
        if indicator.counted:
            maximum[indicator.section_id] += indicator.max_points
    in_play = sum(s.weight for s in qrules.sections if maximum[s.section_id] > 0)
    point_value = {
        s.section_id: (100 * s.weight / in_play) / maximum[s.section_id]
        if maximum[s.section_id] and in_play
        else 0.0
        for s in qrules.sections
    }
    weak = []
    for indicator in scored:
        if not indicator.counted or indicator.status is IndicatorStatus.NOT_APPLICABLE:
            continue
        gain = (indicator.max_points - indicator.earned) * point_value[indicator.section_id]
        if gain <= 0:
            continue
        lacking = indicator.status in (IndicatorStatus.UNANSWERED, IndicatorStatus.NOT_ASKED)
        share = indicator.earned / indicator.max_points if indicator.max_points else 1.0
        if lacking or share < FAILING_SHARE:
            weak.append(
                WeakIndicator(indicator.question_id, indicator.section_id, lacking, share, gain)
            )
    weak.sort(key=lambda w: (-w.gain, w.question_id))
    return weak


def engagement_from_score(
    *,
    assessment: sa.Row,
    answers: Mapping[str, Any],
    evidence: Sequence[EvidenceFacts],
    rules: Rules,
    memo: dict[str, list[EngagementQuestion]] | None = None,
) -> list[EngagementQuestion]:
    """Questions on the indicators the approved assessment fails or lacks, most points first.
    `memo` shares the answer between assessments with the very same inputs."""
    as_of = (assessment.decided_at or assessment.updated_at).date()
    key = canonical_json(
        {
            "q": [assessment.questionnaire_key, assessment.questionnaire_version],
            "h": assessment.high_risk_context,
            "a": dict(answers),
            "e": [[e.ref, e.question_id, str(e.level)] for e in evidence],
            "d": as_of.isoformat(),
        }
    )
    if memo is not None and key in memo:
        return memo[key]
    definition = default_registry().get(
        assessment.questionnaire_key, assessment.questionnaire_version
    )
    questions = []
    for weak in weak_indicators(_facts_of(assessment, answers, evidence), rules, as_of):
        question = definition.question(weak.question_id)
        section = definition.section(weak.section_id)
        if question is None:
            continue
        why = (
            "Not answered in the approved assessment."
            if weak.lacking
            else f"Earns {100 * weak.share:.0f}% of the indicator's points "
            f"(up to {weak.gain:.1f} points of the total with full credit)."
        )
        questions.append(
            EngagementQuestion(
                ref=weak.question_id,
                topic=translate(section.title, "en") if section else weak.section_id,
                text=translate(question.text, "en"),
                why=why,
            )
        )
        if len(questions) >= QUESTIONS_PER_HOLDING:
            break
    if memo is not None:
        memo[key] = questions
    return questions


def generic_questions(reason: str) -> list[EngagementQuestion]:
    return [
        EngagementQuestion(ref=ref, topic=topic, text=text, why=reason)
        for ref, topic, text in GENERIC_QUESTIONS
    ]


def priority_of(finding: HoldingFinding) -> float:
    """Severe confirmed incidents weigh most, then red flags, suggested incidents and gaps;
    scaled by the holding's weight so large positions come first."""
    points = (
        40.0 * finding.severe_incidents
        + 15.0 * len(finding.red_flags)
        + 5.0 * sum(1 for i in finding.incidents if i.match_status == "suggested")
        + 3.0 * finding.confirmed_incidents
        + 2.0 * len(finding.data_gaps)
    )
    return round(points * max(finding.weight, 0.01), 3)


# --- Putting it together ---------------------------------------------------------------------


def screen_holdings(
    *, session: Session, holdings: Sequence[PortfolioHolding], scan: ScreeningInputs
) -> list[HoldingFinding]:
    """The finding of every holding, in file order."""
    org_ids = [h.organisation_id for h in holdings if h.organisation_id is not None]
    organisations = _organisations(session, org_ids)
    certificates = _certificates(session, org_ids)
    challenged = _under_challenge(session, [c.id for c in certificates.values()])
    matched = _matches(session, org_ids, since=lookback_start(scan.as_of))
    assessments = _assessments(session, org_ids)
    approved: dict[int, sa.Row] = {}
    for organisation_id, items in assessments.items():
        decided = [a for a in items if a.status == AssessmentStatus.approved]
        if decided:
            approved[organisation_id] = max(
                decided, key=lambda a: (a.decided_at or a.updated_at, a.id)
            )
    approved_ids = [a.id for a in approved.values()]
    answers = _answers(session, approved_ids)
    evidence = _evidence(session, approved_ids)
    sites = _sites(session, approved_ids)
    questions_of: dict[int, list[EngagementQuestion]] = {}
    memo: dict[str, list[EngagementQuestion]] = {}
    weights = effective_weights(holdings)
    findings = []
    for holding, weight in zip(holdings, weights, strict=True):
        organisation = organisations.get(holding.organisation_id or 0)
        resolved = organisation is not None and holding.resolution not in (
            Resolution.ambiguous,
            Resolution.unresolved,
        )
        country = holding.country or (organisation.country if organisation else None)
        sector = holding.sector or (organisation.sector if organisation else None)
        certificate: CertificateFinding | None = None
        red_flags: list[RedFlag] = []
        gaps: list[DataGap] = []
        questions: list[EngagementQuestion] = []
        context = None
        incident_findings: list[IncidentFinding] = []
        if not resolved:
            gaps.append(
                DataGap(
                    code="unresolved",
                    label="Not matched to a known organisation: map it by hand to screen it."
                    if holding.resolution is not Resolution.ambiguous
                    else "Several organisations could be meant: choose one to screen it.",
                )
            )
        else:
            stored = certificates.get(organisation.id)
            if stored is not None:
                certificate = _certificate_finding(
                    stored, under_challenge=stored.id in challenged, scan=scan
                )
            incidents = matched.get(organisation.id, {})
            # confirmed before suggested, the most severe first, then the newest first
            incident_findings = sorted(
                (incident_finding(item, scan.rules) for item in incidents.values()),
                key=lambda i: (i.occurred_on, i.ref),
                reverse=True,
            )
            incident_findings.sort(key=lambda i: (i.match_status != "confirmed", -i.severity))
            assessment = approved.get(organisation.id)
            context = context_finding(
                sites=sites.get(assessment.id) if assessment else None,
                country=country,
                sector=sector,
                report=scan.context,
            )
            red_flags = _red_flags(
                certificate=certificate,
                incidents=incident_findings,
                high_risk=high_risk_home(country, sector, context),
            )
            gaps = _gaps(
                certificate=certificate,
                assessment=assessment,
                any_assessment=bool(assessments.get(organisation.id)),
                has_sites=bool(assessment and sites.get(assessment.id)),
            )
            if assessment is not None:
                if organisation.id not in questions_of:
                    questions_of[organisation.id] = engagement_from_score(
                        assessment=assessment,
                        answers=answers.get(assessment.id, {}),
                        evidence=evidence.get(assessment.id, []),
                        rules=scan.rules,
                        memo=memo,
                    )
                questions = list(questions_of[organisation.id])
            else:
                questions = generic_questions("No approved assessment to draw questions from.")
            questions = _incident_questions(incident_findings, certificate) + questions
        confirmed = sum(1 for i in incident_findings if i.match_status == "confirmed")
        finding = HoldingFinding(
            position=holding.position,
            name=holding.name,
            isin=holding.isin,
            lei=holding.lei,
            country=country,
            sector=sector,
            weight=round(weight, 6),
            market_value=holding.market_value,
            resolution=str(holding.resolution),
            organisation_id=organisation.id if resolved else None,
            organisation_name=organisation.name if resolved else None,
            certificate=certificate,
            tier=certificate.tier
            if certificate is not None and certificate.status == "active"
            else NO_TIER,
            incidents=incident_findings,
            confirmed_incidents=confirmed,
            suggested_incidents=len(incident_findings) - confirmed,
            severe_incidents=sum(
                1 for i in incident_findings if i.match_status == "confirmed" and i.severe
            ),
            red_flags=red_flags,
            context=context,
            data_gaps=gaps,
            questions=questions[:QUESTIONS_PER_HOLDING],
            priority=0.0,
        )
        finding.priority = priority_of(finding)
        findings.append(finding)
    return findings


def _red_flags(
    *,
    certificate: CertificateFinding | None,
    incidents: Sequence[IncidentFinding],
    high_risk: bool,
) -> list[RedFlag]:
    flags = []
    severe = [i for i in incidents if i.match_status == "confirmed" and i.severe]
    if severe:
        kinds = sorted({i.most_severe.replace("_", " ") for i in severe})
        flags.append(
            RedFlag(
                code="severe_incident",
                label=f"{len(severe)} confirmed severe incident(s) in the last "
                f"{LOOKBACK_YEARS} years: {', '.join(kinds)}",
            )
        )
    alleged = [i for i in incidents if i.match_status == "suggested" and i.severe]
    if alleged:
        flags.append(
            RedFlag(
                code="severe_allegation",
                label=f"{len(alleged)} severe incident(s) matched by screening, awaiting review",
            )
        )
    if certificate is not None:
        if certificate.status in ("suspended", "revoked", "expired"):
            flags.append(
                RedFlag(
                    code=f"certificate_{certificate.status}",
                    label=f"Certificate {certificate.cert_id} is {certificate.status}",
                )
            )
        if certificate.under_challenge:
            flags.append(
                RedFlag(
                    code="under_challenge",
                    label=f"Certificate {certificate.cert_id} is under an admitted challenge",
                )
            )
    if (certificate is None or certificate.status != "active") and high_risk:
        flags.append(
            RedFlag(
                code="uncertified_high_risk",
                label="No certificate in force in a high-risk sector or country",
            )
        )
    return flags


def _gaps(
    *,
    certificate: CertificateFinding | None,
    assessment: sa.Row | None,
    any_assessment: bool,
    has_sites: bool,
) -> list[DataGap]:
    gaps = []
    if assessment is None:
        gaps.append(
            DataGap(
                code="no_assessment",
                label="Assessment in progress, not yet approved"
                if any_assessment
                else "No assessment: the company has not assessed its practice",
            )
        )
    elif not has_sites:
        gaps.append(DataGap(code="no_sites", label="No list of project sites"))
    if certificate is not None and certificate.status == "expired":
        gaps.append(DataGap(code="certificate_expired", label="Certificate expired"))
    return gaps


def _incident_questions(
    incidents: Sequence[IncidentFinding], certificate: CertificateFinding | None
) -> list[EngagementQuestion]:
    questions = []
    for incident in [i for i in incidents if i.severe][:2]:
        questions.append(
            EngagementQuestion(
                ref=f"incident:{incident.ref}",
                topic="Incident response",
                text=f"What did your investigation of incident {incident.ref} "
                f"({incident.most_severe.replace('_', ' ')}, {incident.occurred_on}, "
                f"{incident.country}) find, and what remedy has been provided?",
                why=f"A {incident.match_status} match of a severe incident.",
            )
        )
    if certificate is not None and certificate.under_challenge:
        questions.append(
            EngagementQuestion(
                ref=f"challenge:{certificate.cert_id}",
                topic="Challenge",
                text=f"How are you responding to the challenge admitted against certificate "
                f"{certificate.cert_id}?",
                why="An admitted challenge stands against the certificate.",
            )
        )
    return questions


def _shares(pairs: Iterable[tuple[str, str, float]]) -> list[Share]:
    weight: dict[str, float] = defaultdict(float)
    count: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for key, label, value in pairs:
        weight[key] += value
        count[key] += 1
        labels[key] = label
    return sorted(
        (
            Share(key=k, label=labels[k], weight=round(weight[k], 4), holdings=count[k])
            for k in weight
        ),
        key=lambda s: (-s.weight, s.key),
    )


def aggregates(findings: Sequence[HoldingFinding], *, rules: Rules) -> Aggregates:
    def tier_label(finding: HoldingFinding) -> str:
        if finding.tier == NO_TIER:
            return "No certificate in force"
        return rules.tier(Tier(finding.tier)).label

    by_year: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for finding in findings:
        for incident in finding.incidents:
            by_year[incident.year][0 if incident.match_status == "confirmed" else 1] += 1
    flagged = [f for f in findings if f.red_flags]
    ranked = sorted(
        (f for f in findings if f.priority > 0), key=lambda f: (-f.priority, f.position)
    )
    return Aggregates(
        holdings=len(findings),
        resolved=sum(1 for f in findings if f.organisation_id is not None),
        certified_weight=round(sum(f.weight for f in findings if f.tier != NO_TIER), 4),
        by_tier=_shares((f.tier, tier_label(f), f.weight) for f in findings),
        by_sector=_shares(
            (f.sector or "unknown", f.sector or "Unknown", f.weight) for f in findings
        ),
        by_country=_shares(
            (f.country or "unknown", f.country or "Unknown", f.weight) for f in findings
        ),
        severe_exposure=round(sum(f.weight for f in findings if f.severe_incidents), 4),
        incident_exposure=round(sum(f.weight * f.severe_incidents for f in findings) / 100, 4),
        red_flag_holdings=len(flagged),
        red_flag_weight=round(sum(f.weight for f in flagged), 4),
        incidents_by_year=[
            YearCount(year=year, confirmed=counts[0], suggested=counts[1])
            for year, counts in sorted(by_year.items())
        ],
        top_engage=[
            EngageItem(
                position=f.position,
                name=f.name,
                weight=f.weight,
                priority=f.priority,
                reasons=[flag.label for flag in f.red_flags] or [g.label for g in f.data_gaps],
            )
            for f in ranked[:TOP_ENGAGE]
        ],
    )
