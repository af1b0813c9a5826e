"""The high-risk context rule, its country list, and the flag set on the assessment."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from compliance import db
from compliance.audit.models import AuditEvent
from compliance.datasets.risk import HIGH_RISK_COUNTRIES, high_risk_context, site_risk
from compliance.datasets.vocabulary import COUNTRY_BY_KEY, fold
from tests.conftest import World
from tests.datasets.builders import SITE_HEADER, SUPPLIER_HEADER, csv_file, site, supplier
from tests.datasets_app.conftest import upload_checked

GLOBAL_WITNESS_CSV = Path("/work/shared/data/global_witness_led_2012_2021.csv")
THRESHOLD = 50  # killings 2012-2021: five a year on average


def test_high_risk_countries_are_those_with_most_killings_in_the_global_witness_data() -> None:
    if not GLOBAL_WITNESS_CSV.exists():
        pytest.skip(f"{GLOBAL_WITNESS_CSV} is not available")
    with GLOBAL_WITNESS_CSV.open(encoding="utf-8") as handle:
        killings: Counter[str] = Counter()
        for record in csv.DictReader(handle):
            killings[record["country"]] += int(record["number_of_victims"] or 1)
    above = {COUNTRY_BY_KEY[fold(name)] for name, count in killings.items() if count >= THRESHOLD}
    assert above == HIGH_RISK_COUNTRIES
    below = [count for _name, count in killings.most_common() if count < THRESHOLD]
    assert below[0] < THRESHOLD / 2, "the cut between high-risk and the rest should be clear"


@pytest.mark.parametrize(
    ("sites", "expected"),
    [
        ([], False),
        ([{"country": "FR", "site_type": "office"}], False),
        (
            [{"country": "FR", "site_type": "office"}, {"country": "CO", "site_type": "office"}],
            True,
        ),
        ([{"country": "FR", "site_type": "mine"}], True),
        ([{"country": "DE", "site_type": "wind_farm"}], True),
        ([{"country": "DE", "site_type": "solar_farm"}], False),
    ],
)
def test_a_site_in_a_high_risk_country_or_sector_makes_the_context_high_risk(
    sites: list[dict], expected: bool
) -> None:
    assert high_risk_context(sites) is expected


def test_site_risk_names_the_countries_and_sectors_once() -> None:
    risk = site_risk(
        [
            {"country": "CO", "site_type": "mine"},
            {"country": "CO", "site_type": "dam"},
            {"country": "FR", "site_type": "mine"},
        ]
    )
    assert risk.countries == ("CO",) and risk.sectors == ("hydropower", "mining")


def _high_risk(client: FlaskClient, world: World, assessment_id: int) -> bool:
    answer = client.get(f"/api/v1/assessments/{assessment_id}", headers=world["company_a"].headers)
    return answer.get_json()["high_risk_context"]


def _changes(app: Flask) -> list[dict]:
    with db.session_scope(app) as session:
        return list(
            session.execute(
                sa.select(AuditEvent.details)
                .where(AuditEvent.action == "assessment.high_risk_context_changed")
                .order_by(AuditEvent.seq)
            ).scalars()
        )


def _store(
    client: FlaskClient, headers: dict, assessment_id: int, kind: str, data: bytes, name: str
) -> None:
    checked = upload_checked(client, headers, assessment_id, kind, data, name)
    assert checked["outcome"] == "stored", checked


def test_sites_in_a_high_risk_country_set_the_flag_and_the_change_is_audited(
    app: Flask, client: FlaskClient, world: World, assessment_id: int
) -> None:
    headers = world["company_a"].headers
    offices = [SITE_HEADER, site(Name="Paris HQ", Type="office", Country="France")]
    _store(client, headers, assessment_id, "sites", csv_file(offices), "s.csv")
    assert not _high_risk(client, world, assessment_id) and _changes(app) == []

    suppliers = csv_file([SUPPLIER_HEADER, supplier(Country="Colombia")])
    _store(client, headers, assessment_id, "suppliers", suppliers, "p.csv")
    assert not _high_risk(client, world, assessment_id)

    offices.append(site(Name="Oficina Bogotá", Type="office", Country="Colombia"))
    _store(client, headers, assessment_id, "sites", csv_file(offices), "s.csv")
    assert _high_risk(client, world, assessment_id)
    assert _changes(app) == [
        {
            "high_risk_context": True,
            "source": "sites version 2",
            "countries": ["CO"],
            "sectors": [],
        }
    ]

    _store(client, headers, assessment_id, "sites", csv_file(offices[:2]), "s.csv")
    assert not _high_risk(client, world, assessment_id)
    assert [change["high_risk_context"] for change in _changes(app)] == [True, False]
