"""Context risk from incident history, on the real Global Witness list (2012-2021) and on
small histories with known arithmetic. The list's 'name' column is protected: it is dropped
as each row is read and never reaches an assertion or a message."""

import csv
import math
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pytest

from compliance.matching.context_risk import ContextRiskSettings, context_risk
from compliance.matching.entities import IncidentFacts
from compliance.matching.places import country_code
from compliance.matching.sectors import normalise_sector

GLOBAL_WITNESS = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "data"
    / "global_witness_led_2012_2021.csv"
)
AS_OF = date(2022, 1, 1)


@cache
def global_witness_rows() -> tuple[dict[str, str], ...]:
    with GLOBAL_WITNESS.open(encoding="utf-8", newline="") as handle:
        return tuple(
            {column: value for column, value in row.items() if column != "name"}
            for row in csv.DictReader(handle)
        )


def global_witness_history() -> list[IncidentFacts]:
    return [
        IncidentFacts(
            id=row["id"],
            country=country_code(row["country"]),
            region=row["local_region"] or None,
            sector=row["industry_driver"],
            occurred_on=datetime.strptime(row["date"], "%m/%d/%Y").date(),
        )
        for row in global_witness_rows()
    ]


def test_every_global_witness_country_is_recognised():
    unknown = {row["country"] for row in global_witness_rows() if not country_code(row["country"])}
    assert unknown == set()


def test_every_global_witness_sector_maps_to_the_vocabulary():
    mapped = {
        label: normalise_sector(label)
        for label in {r["industry_driver"] for r in global_witness_rows()}
    }
    assert mapped == {
        "Sector could not be confirmed*": "unknown",
        "Mining & Extractives": "mining",
        "Agribusiness": "agribusiness",
        "Logging": "logging",
        "Hydropower": "renewable_energy",
        "Wind power": "renewable_energy",
        "Roads & Infrastructure": "infrastructure",
        "Poaching": "other",
        "Fishing": "other",
        "Conservation": "other",
        "Other": "other",
    }


@pytest.mark.parametrize(
    ("label", "sector"),
    [
        ("Oil palm plantations", "agribusiness"),
        ("Coal mining", "fossil_fuels"),
        ("Oil & gas", "fossil_fuels"),
        ("Hidroeléctrica", "renewable_energy"),
        ("Solar park", "renewable_energy"),
        ("Pulp and paper", "logging"),
        ("Gold mine", "mining"),
        ("Highway construction", "infrastructure"),
        (None, "unknown"),
        ("", "unknown"),
        ("Tourism", "other"),
    ],
)
def test_sector_labels_from_other_sources(label, sector):
    assert normalise_sector(label) == sector


def test_colombia_brazil_and_the_philippines_are_high_risk():
    report = context_risk(global_witness_history(), as_of=AS_OF)
    for code in ("CO", "BR", "PH"):
        assert report.by_country[code].level == "high", code
    assert report.by_country["CO"].incidents == 322
    assert report.by_country["BR"].incidents == 342
    assert report.by_country["ES"].level == "low"


def test_regions_and_sectors_from_the_real_list():
    report = context_risk(global_witness_history(), as_of=AS_OF)
    assert report.by_region[("CO", "cauca")].level == "high"
    assert report.by_region[("PH", "mindanao")].incidents >= 64
    assert report.by_sector["mining"].level == "high"
    assert report.by_sector["mining"].incidents == 312
    assert "unknown" not in report.by_sector


def test_heightened_due_diligence_in_a_high_risk_region():
    report = context_risk(global_witness_history(), as_of=AS_OF)
    verdict = report.assess(country="co", region="Departamento del Cauca", sector="gold mine")
    assert verdict.heightened_due_diligence
    assert verdict.level == "high"
    assert [reason.split(":")[0] for reason in verdict.reasons] == [
        "country CO",
        "region Departamento del Cauca (CO)",
        "sector mining",
    ]


def test_a_risky_sector_alone_does_not_make_a_quiet_country_high_risk():
    report = context_risk(global_witness_history(), as_of=AS_OF)
    quiet = report.assess(country="NO", sector="Wind power")
    assert not quiet.heightened_due_diligence
    assert quiet.level == "elevated"
    assert report.assess(country="PE", sector="Mining").heightened_due_diligence
    assert report.assess(country=None).level == "low"


def test_the_past_fades_with_the_half_life():
    settings = ContextRiskSettings(half_life_years=2.0)
    recent = [IncidentFacts(id=1, country="XK", occurred_on=AS_OF)]
    two_years_old = [IncidentFacts(id=1, country="XK", occurred_on=date(2020, 1, 1))]
    now_rate = context_risk(recent, as_of=AS_OF, settings=settings).by_country["XK"].recent_rate
    old_rate = context_risk(two_years_old, as_of=AS_OF, settings=settings)
    assert now_rate == pytest.approx(math.log(2) / 2.0)
    assert old_rate.by_country["XK"].recent_rate == pytest.approx(now_rate / 2, rel=1e-3)


def test_steady_history_gives_its_yearly_rate():
    history = [
        IncidentFacts(id=n, country="XK", occurred_on=date(2021 - n // 6, 1 + 2 * (n % 6), 1))
        for n in range(6 * 40)
    ]
    rate = context_risk(history, as_of=AS_OF).by_country["XK"].recent_rate
    assert rate == pytest.approx(6.0, rel=0.1)


def test_future_incidents_are_ignored_and_undated_ones_only_counted():
    history = [
        IncidentFacts(id=1, country="XK", occurred_on=date(2023, 1, 1)),
        IncidentFacts(id=2, country="XK"),
    ]
    risk = context_risk(history, as_of=AS_OF).by_country["XK"]
    assert risk.incidents == 1
    assert risk.recent_rate == 0.0
    assert risk.level == "low"
