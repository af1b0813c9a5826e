"""Pure parts of the briefing: weights, what changed between runs, context, engagement order."""

from __future__ import annotations

from datetime import date

from compliance import matching
from compliance.portfolios import changes, findings
from compliance.portfolios.briefing import (
    CertificateFinding,
    HoldingFinding,
    IncidentFinding,
    RedFlag,
)
from compliance.portfolios.models import PortfolioHolding
from reports import briefing_texts


def _holding(**fields) -> PortfolioHolding:
    return PortfolioHolding(portfolio_id=1, position=fields.pop("position", 1), name="x", **fields)


def test_weights_as_given_else_market_values_else_equal():
    assert findings.effective_weights([_holding(weight=60), _holding(weight=40)]) == [60, 40]
    assert findings.effective_weights(
        [_holding(market_value=300.0), _holding(market_value=100.0)]
    ) == [75.0, 25.0]
    assert (
        findings.effective_weights([_holding(), _holding(), _holding(), _holding()]) == [25.0] * 4
    )


def _finding(position: int, name: str, **fields) -> HoldingFinding:
    values = {
        "position": position,
        "name": name,
        "isin": None,
        "lei": None,
        "country": "CO",
        "sector": "mining",
        "weight": 10.0,
        "market_value": None,
        "resolution": "identifier",
        "organisation_id": position,
        "organisation_name": name,
        "certificate": None,
        "tier": "none",
        "incidents": [],
        "confirmed_incidents": 0,
        "suggested_incidents": 0,
        "severe_incidents": 0,
        "red_flags": [],
        "context": None,
        "data_gaps": [],
        "questions": [],
        "priority": 0.0,
        **fields,
    }
    return HoldingFinding(**values)


def _incident(ref: str, status: str) -> IncidentFinding:
    return IncidentFinding(
        ref=ref,
        match_status=status,
        link="own_operations",
        occurred_on="2026-01",
        year=2026,
        country="CO",
        region=None,
        sector="mining",
        attack_types=["killing"],
        most_severe="killing",
        severity=40.0,
        severe=True,
        verification_status="verified",
        collective_targeted=False,
        people_affected_band=None,
        perpetrator_type="unknown",
    )


def _certificate(status: str, tier: str) -> CertificateFinding:
    return CertificateFinding(
        cert_id="HRD-2026-000001",
        status=status,
        tier=tier,
        tier_label=tier,
        score=60.0,
        issued_on=date(2026, 1, 1),
        expires_on=date(2027, 1, 1),
        under_challenge=False,
        verify_url="http://x/certificates/HRD-2026-000001",
    )


def test_changes_pair_holdings_by_organisation_not_position():
    before = [
        _finding(
            1,
            "Alfa",
            incidents=[_incident("INC-1", "suggested")],
            certificate=_certificate("active", "certified"),
            tier="certified",
        ),
        _finding(2, "Beta"),
        _finding(3, "Gone"),
    ]
    after = [
        _finding(5, "Beta", organisation_id=2),  # moved in the file: not added nor removed
        _finding(
            1,
            "Alfa",
            incidents=[_incident("INC-1", "confirmed"), _incident("INC-2", "suggested")],
            certificate=_certificate("active", "conditional"),
            tier="conditional",
            red_flags=[RedFlag(code="severe_incident", label="1 confirmed severe incident")],
        ),
        _finding(7, "New", organisation_id=None),
    ]
    diff = changes.compare(previous=before, current=after, previous_run=4)
    assert diff.previous_run == 4
    assert [h.name for h in diff.holdings_added] == ["New"]
    assert [h.name for h in diff.holdings_removed] == ["Gone"]
    assert [(c.ref, c.match_status) for c in diff.new_incidents] == [
        ("INC-1", "confirmed"),
        ("INC-2", "suggested"),
    ]
    assert diff.status_changes == []
    assert [(c.before, c.after) for c in diff.tier_changes] == [("certified", "conditional")]
    assert [c.after for c in diff.new_red_flags] == ["1 confirmed severe incident"]
    assert diff.total == 6


def test_same_briefing_twice_has_no_changes():
    both = [_finding(1, "Alfa", incidents=[_incident("INC-1", "confirmed")])]
    assert changes.compare(previous=both, current=both, previous_run=1).total == 0


def test_home_context_uses_the_fixed_list_and_the_history():
    report = matching.context_risk([], as_of=date(2026, 1, 1))
    colombia = findings.context_finding(sites=None, country="CO", sector="retail", report=report)
    assert colombia.level == "high" and colombia.heightened_due_diligence
    assert colombia.basis == "home"
    quiet = findings.context_finding(sites=None, country="NO", sector="retail", report=report)
    assert quiet.level == "low" and not quiet.heightened_due_diligence
    sites = [
        {"country": "NO", "site_type": "office", "admin_region": None},
        {"country": "NO", "site_type": "mine", "admin_region": None},
    ]
    listed = findings.context_finding(sites=sites, country="NO", sector=None, report=report)
    assert (listed.basis, listed.sites, listed.sites_high) == ("sites", 2, 1)


def test_priority_puts_severe_incidents_before_data_gaps():
    severe = _finding(1, "A", severe_incidents=1, confirmed_incidents=1, weight=1.0)
    gaps = _finding(2, "B", weight=5.0, data_gaps=[{"code": "no_assessment", "label": "x"}])
    assert findings.priority_of(severe) > findings.priority_of(gaps) > 0


def test_context_factors_say_what_the_context_report_says():
    """The briefing words context reasons from data (`recorded_factors`), so a Spanish PDF can
    word them too; in English they read exactly as the context report's own reasons."""
    risk = matching.ContextRisk
    report = matching.ContextRiskReport(
        as_of=date(2026, 1, 1),
        by_country={"PH": risk(40, 3.46, "high"), "NO": risk(1, 0.01, "low")},
        by_region={
            ("PH", "bukidnon"): risk(7, 1.25, "high"),
            ("PH", "mindanao"): risk(3, 0.3, "elevated"),
        },
        by_sector={"renewable_energy": risk(9, 1.05, "elevated"), "mining": risk(0, 0.0, "low")},
    )
    places = [
        ("PH", "Bukidnon, Mindanao", "Hydropower dam"),
        ("ph", None, "gold mining"),
        ("NO", "Oslo", "wind farm"),
        (None, "Bukidnon", None),
    ]
    for country, region, sector in places:
        factors = findings.recorded_factors(report, country=country, region=region, sector=sector)
        worded = [briefing_texts.context_reason(f.code, f.params) for f in factors]
        expected = report.assess(country=country, region=region, sector=sector).reasons
        assert worded == list(expected), (country, region, sector)
    spanish = [
        briefing_texts.context_reason(f.code, f.params, "es")
        for f in findings.recorded_factors(report, country="PH", region="Bukidnon", sector="hydro")
    ]
    assert spanish == [
        "país PH: alto (40 incidentes registrados, 3,5 al año en el periodo reciente)",
        "región Bukidnon (PH): alto (7 incidentes registrados, 1,2 al año en el periodo reciente)",
        "sector energías renovables: elevado (9 incidentes registrados, 1,1 al año en el periodo "
        "reciente)",
    ]
    home = findings.context_finding(sites=None, country="PH", sector="hydro", report=report)
    assert [f.code for f in home.factors] == ["fixed_country", "country_record", "sector_record"]
    assert home.reasons[0] == "high-risk country (fixed list): PH"
