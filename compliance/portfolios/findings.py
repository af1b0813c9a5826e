"""Screen a portfolio's holdings: what is known of each holding's organisation, loaded in bulk.

For every holding: its certificate (status, tier, score, expiry, under challenge), confirmed and
suggested incident matches of the last five years (public view only), red flags, context risk
of its sites, data gaps and the questions to put to the company (`engagement`). The facts are
read in bulk (`holding_data`), then put together by pure functions; the portfolio's totals are
in `aggregates`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from compliance import matching
from compliance.assessments.models import AssessmentStatus
from compliance.certificates.credential import certificate_url
from compliance.certificates.models import CertificateStatus
from compliance.datasets import risk as dataset_risk
from compliance.incidents.models import IncidentPublic, IncidentRecord
from compliance.portfolios import aggregates, engagement, holding_data
from compliance.portfolios.briefing import (
    CertificateFinding,
    ContextFactor,
    ContextFinding,
    DataGap,
    EngagementQuestion,
    HoldingFinding,
    IncidentFinding,
    RedFlag,
)
from compliance.portfolios.models import PortfolioHolding, Resolution
from compliance.scores import service as score_service
from compliance.screening import context as screening_context
from compliance.screening.entities import site_sector
from reports import briefing_texts
from scoring import Rules, Tier

LOOKBACK_YEARS = 5
SEVERE_FROM = 20.0  # severity points (methodology) from which an attack counts as severe


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


def incident_finding(matched: holding_data.Matched, rules: Rules) -> IncidentFinding:
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


def recorded_factors(
    report: matching.ContextRiskReport,
    *,
    country: str | None,
    region: str | None = None,
    sector: str | None = None,
) -> list[ContextFactor]:
    """The reasons `report.assess` gives for a place and sector, as data: each country, region
    and sector whose incident record is above low, in the same order."""
    return [
        ContextFactor(code=factor.code, params=factor.params)
        for factor in report.factors(country=country, region=region, sector=sector)
        if factor.risk.level != "low"
    ]


def _context(factors: Sequence[ContextFactor], **finding: Any) -> ContextFinding:
    reasons = [briefing_texts.context_reason(f.code, f.params) or f.code for f in factors]
    return ContextFinding(**finding, reasons=reasons, factors=list(factors))


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
        factors: list[ContextFactor] = []
        if listed.countries:
            factors.append(
                ContextFactor(code="fixed_countries", params={"countries": list(listed.countries)})
            )
        if listed.sectors:
            factors.append(
                ContextFactor(code="fixed_sectors", params={"sectors": list(listed.sectors)})
            )
        level, high = "low", 0
        for site in sites:
            where = {
                "country": site.get("country"),
                "region": site.get("admin_region"),
                "sector": site_sector(site.get("site_type")),
            }
            verdict = report.assess(**where)
            fixed = dataset_risk.site_risk([site]).high
            if verdict.heightened_due_diligence or fixed:
                high += 1
            site_level = "high" if (verdict.heightened_due_diligence or fixed) else verdict.level
            level = max(level, site_level, key=order.__getitem__)
            for factor in recorded_factors(report, **where):
                if factor not in factors and len(factors) < 6:
                    factors.append(factor)
        return _context(
            factors,
            level=level,
            heightened_due_diligence=high > 0,
            basis="sites",
            sites=len(sites),
            sites_high=high,
        )
    verdict = report.assess(country=country, sector=sector)
    factors = recorded_factors(report, country=country, sector=sector)
    level = verdict.level
    heightened = verdict.heightened_due_diligence
    if country and country.upper() in dataset_risk.HIGH_RISK_COUNTRIES:
        factors.insert(0, ContextFactor(code="fixed_country", params={"country": country.upper()}))
        level, heightened = "high", True
    return _context(
        factors[:6],
        level=level,
        heightened_due_diligence=heightened,
        basis="home",
        sites=0,
        sites_high=0,
    )


def high_risk_home(country: str | None, sector: str | None, context: ContextFinding) -> bool:
    return (
        context.heightened_due_diligence
        or (country or "").upper() in dataset_risk.HIGH_RISK_COUNTRIES
        or matching.normalise_sector(sector) in matching.INFORMATIVE_SECTORS
    )


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
    organisations = holding_data.organisations(session, org_ids)
    certificates = holding_data.certificates(session, org_ids)
    challenged = holding_data.under_challenge(session, [c.id for c in certificates.values()])
    matched = holding_data.matches(session, org_ids, since=lookback_start(scan.as_of))
    assessments = holding_data.assessments(session, org_ids)
    approved: dict[int, sa.Row] = {}
    for organisation_id, items in assessments.items():
        decided = [a for a in items if a.status == AssessmentStatus.approved]
        if decided:
            approved[organisation_id] = max(
                decided, key=lambda a: (a.decided_at or a.updated_at, a.id)
            )
    approved_ids = [a.id for a in approved.values()]
    answers = holding_data.answers(session, approved_ids)
    evidence = holding_data.evidence(session, approved_ids)
    sites = holding_data.sites(session, approved_ids)
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
            gaps.append(_gap("unresolved", ambiguous=holding.resolution is Resolution.ambiguous))
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
                    questions_of[organisation.id] = engagement.engagement_from_score(
                        assessment=assessment,
                        answers=answers.get(assessment.id, {}),
                        evidence=evidence.get(assessment.id, []),
                        rules=scan.rules,
                        memo=memo,
                    )
                questions = list(questions_of[organisation.id])
            else:
                questions = engagement.generic_questions("no_approved_assessment")
            questions = engagement.incident_questions(incident_findings, certificate) + questions
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
            else aggregates.NO_TIER,
            incidents=incident_findings,
            confirmed_incidents=confirmed,
            suggested_incidents=len(incident_findings) - confirmed,
            severe_incidents=sum(
                1 for i in incident_findings if i.match_status == "confirmed" and i.severe
            ),
            red_flags=red_flags,
            context=context,
            data_gaps=gaps,
            questions=questions[: engagement.QUESTIONS_PER_HOLDING],
            priority=0.0,
        )
        finding.priority = priority_of(finding)
        findings.append(finding)
    return findings


def _flag(code: str, **params: Any) -> RedFlag:
    """A red flag as data, with its English label (the PDF and xlsx word it in the run's
    language from the same code and parameters)."""
    return RedFlag(code=code, label=briefing_texts.red_flag(code, params) or code, params=params)


def _gap(code: str, **params: Any) -> DataGap:
    return DataGap(code=code, label=briefing_texts.data_gap(code, params) or code, params=params)


def _red_flags(
    *,
    certificate: CertificateFinding | None,
    incidents: Sequence[IncidentFinding],
    high_risk: bool,
) -> list[RedFlag]:
    flags = []
    severe = [i for i in incidents if i.match_status == "confirmed" and i.severe]
    if severe:
        flags.append(
            _flag(
                "severe_incident",
                count=len(severe),
                years=LOOKBACK_YEARS,
                attack_types=sorted({i.most_severe for i in severe}),
            )
        )
    alleged = [i for i in incidents if i.match_status == "suggested" and i.severe]
    if alleged:
        flags.append(_flag("severe_allegation", count=len(alleged)))
    if certificate is not None:
        if certificate.status in ("suspended", "revoked", "expired"):
            flags.append(_flag(f"certificate_{certificate.status}", cert_id=certificate.cert_id))
        if certificate.under_challenge:
            flags.append(_flag("under_challenge", cert_id=certificate.cert_id))
    if (certificate is None or certificate.status != "active") and high_risk:
        flags.append(_flag("uncertified_high_risk"))
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
        gaps.append(_gap("no_assessment", in_progress=any_assessment))
    elif not has_sites:
        gaps.append(_gap("no_sites"))
    if certificate is not None and certificate.status == "expired":
        gaps.append(_gap("certificate_expired"))
    return gaps
