"""Benchmark of portfolio screening: 5,000 holdings against 5,000 organisations and 100,000
incidents in a real (SQLite) database, end to end from the uploaded bytes to the xlsx written;
then a briefing PDF with 50 red-flag holding pages.

The database (not timed) holds 5,000 organisations with valid LEIs, 100,000 incidents over ten
years, 12,000 incident matches (half confirmed, half suggested), 1,000 organisations with an
approved assessment (62 answers each) and a certificate (one in ten suspended, a few under an
admitted challenge), and 300 sites lists. The portfolio file names 5,000 holdings: 80% with the
organisation's LEI, 15% by name only, 5% unknown companies.

Timed:
- screen_s: validate the xlsx bytes (P1's `validate_portfolio`), store the portfolio and its
  holdings, resolve them (`resolve_holdings`), commit, then screen every holding and compute the
  aggregates (`build_briefing`, what the "portfolio.screen" job does before rendering);
- xlsx_s: render the briefing workbook and write it to the file store;
- briefing_pdf_s: render the briefing PDF limited to 50 red-flag holding pages.
"""

from __future__ import annotations

import hashlib
import io
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import screening as names  # noqa: E402  (bench/screening.py: invented company names)

from compliance import create_app, db  # noqa: E402
from compliance.accounts.models import Organisation  # noqa: E402
from compliance.assessments.models import Answer, Assessment  # noqa: E402
from compliance.certificates.models import Certificate  # noqa: E402
from compliance.challenges.models import Challenge  # noqa: E402
from compliance.datasets.models import DatasetRow, DatasetVersion  # noqa: E402
from compliance.demo.answers import DEVELOPING_ANSWERS, STRONG_ANSWERS  # noqa: E402
from compliance.incidents.models import Incident, IncidentVersion  # noqa: E402
from compliance.portfolios.models import Portfolio, PortfolioHolding, PortfolioStatus  # noqa: E402
from compliance.portfolios.resolve import resolve_holdings  # noqa: E402
from compliance.portfolios.run_tasks import build_briefing  # noqa: E402
from compliance.portfolios.upload import validate_portfolio  # noqa: E402
from compliance.screening.models import Match  # noqa: E402
from compliance.storage import FileStore  # noqa: E402
from reports.briefing_pdf import render_briefing_pdf  # noqa: E402
from reports.briefing_xlsx import briefing_xlsx  # noqa: E402

ORGANISATIONS = 5_000
INCIDENTS = 100_000
MATCHED_SHARE = 0.12
CERTIFIED = 1_000
SITE_LISTS = 300
HOLDINGS = 5_000
PDF_FLAGGED = 50
SEED = 20_261_128
SECTORS = ("mining", "agribusiness", "hydropower", "logging", "fossil_fuels", "retail", "banking")
ATTACKS = (
    ("killing",), ("death_threat",), ("intimidation",), ("judicial_harassment",),
    ("physical_violence", "intimidation"), ("surveillance",), ("smear_campaign",),
    ("arbitrary_detention",),
)  # fmt: skip
SITE_TYPES = ("mine", "plantation", "dam", "office", "warehouse", "port")


def lei(number: int) -> str:
    """A LEI with valid ISO 17442 check digits."""
    base = f"5493{number:014d}"
    check = 98 - int(base + "00") % 97
    return f"{base}{check:02d}"


def build_database(app, rng: random.Random) -> list[dict]:
    moment = datetime.now(UTC).replace(microsecond=0)
    today = moment.date()
    words = names.coin_words(rng, ORGANISATIONS)
    organisations = []
    for number in range(ORGANISATIONS):
        name, _descriptor = names.company_name(rng, words[number])
        organisations.append(
            {
                "name": names.with_legal_form(rng, name) + f" {number}",
                "kind": "company",
                "country": rng.choice(names.COUNTRIES),
                "sector": rng.choice(SECTORS),
                "aliases": [],
                "lei": lei(number),
                "isins": [],
                "created_at": moment,
            }
        )
    with db.session_scope(app) as session:
        session.execute(sa.insert(Organisation), organisations)
        org_ids = session.execute(sa.select(Organisation.id).order_by(Organisation.id)).scalars()
        org_ids = list(org_ids)
        for organisation, organisation_id in zip(organisations, org_ids, strict=True):
            organisation["id"] = organisation_id
        incidents = [
            {
                "ref": f"INC-B{number:08d}",
                "source": "bench",
                "source_id": str(number),
                "current_version": 1,
                "verification_status": rng.choice(("alleged", "corroborated", "verified")),
                "withdrawn": False,
                "created_at": moment,
                "updated_at": moment,
            }
            for number in range(INCIDENTS)
        ]
        session.execute(sa.insert(Incident), incidents)
        incident_ids = list(session.execute(sa.select(Incident.id).order_by(Incident.id)).scalars())
        versions = [
            {
                "incident_id": incident_id,
                "version": 1,
                "content_hash": "0" * 64,
                "occurred_on": today - timedelta(days=rng.randrange(3650)),
                "date_precision": "day",
                "country": rng.choice(names.COUNTRIES),
                "region": rng.choice(names.REGIONS),
                "sector": rng.choice(("mining", "agribusiness", "hydropower", "unknown")),
                "attack_types": list(rng.choice(ATTACKS)),
                "defender_groups": [],
                "collective_targeted": rng.random() < 0.2,
                "people_affected": rng.randrange(1, 30),
                "perpetrator_type": "unknown",
                "companies_alleged": [],
                "consent_basis": "public_source",
                "created_at": moment,
            }
            for incident_id in incident_ids
        ]
        session.execute(sa.insert(IncidentVersion), versions)
        matches = []
        for incident_id in rng.sample(incident_ids, int(INCIDENTS * MATCHED_SHARE)):
            organisation_id = rng.choice(org_ids)
            matches.append(
                {
                    "incident_id": incident_id,
                    "incident_version": 1,
                    "entity_kind": "organisation",
                    "entity_key": str(organisation_id),
                    "organisation_id": organisation_id,
                    "method": "name",
                    "score": 92,
                    "suggested": True,
                    "explanation": "name",
                    "path": [{"kind": "organisation", "id": organisation_id, "name": "x"}],
                    "status": rng.choice(("confirmed", "suggested")),
                    "active": True,
                    "facts_fingerprint": "0" * 64,
                    "finding_hash": "0" * 64,
                    "found_at": moment,
                    "updated_at": moment,
                }
            )
        session.execute(sa.insert(Match), matches)
        certified = rng.sample(organisations, CERTIFIED)
        session.execute(
            sa.insert(Assessment),
            [
                {
                    "organisation_id": o["id"],
                    "questionnaire_key": "company",
                    "questionnaire_version": 1,
                    "status": "approved",
                    "high_risk_context": False,
                    "review_comments": {},
                    "created_at": moment,
                    "updated_at": moment,
                    "decided_at": moment - timedelta(days=rng.randrange(400)),
                }
                for o in certified
            ],
        )
        assessments = dict(
            session.execute(sa.select(Assessment.organisation_id, Assessment.id)).all()
        )
        answers = []
        for organisation in certified:
            chosen = STRONG_ANSWERS if rng.random() < 0.4 else DEVELOPING_ANSWERS
            answers += [
                {
                    "assessment_id": assessments[organisation["id"]],
                    "question_id": question_id,
                    "value": value,
                    "updated_at": moment,
                }
                for question_id, value in chosen.items()
            ]
        session.execute(sa.insert(Answer), answers)
        certificates = []
        for number, organisation in enumerate(certified, start=1):
            issued = moment - timedelta(days=rng.randrange(420))
            certificates.append(
                {
                    "cert_id": f"HRD-{moment.year}-{number:06d}",
                    "year": moment.year,
                    "number": number,
                    "assessment_id": assessments[organisation["id"]],
                    "organisation_id": organisation["id"],
                    "organisation_name": organisation["name"],
                    "country": organisation["country"],
                    "sector": organisation["sector"],
                    "tier": rng.choice(("conditional", "certified", "certified_leading")),
                    "score": rng.uniform(40, 95),
                    "sections": [],
                    "scope": {},
                    "issued_at": issued,
                    "expires_at": issued + timedelta(days=365),
                    "methodology_id": "hrd-sentinel-method",
                    "methodology_version": "1.0",
                    "methodology_hash": "0" * 64,
                    "questionnaire": "company/1",
                    "inputs_hash": "0" * 64,
                    "status": "suspended" if rng.random() < 0.1 else "active",
                    "status_changed_at": issued,
                    "credential": "",
                    "credential_sha256": "",
                    "key_id": "bench",
                    "key_fingerprint": "0" * 64,
                    "created_at": issued,
                }
            )
        session.execute(sa.insert(Certificate), certificates)
        certificate_ids = list(session.execute(sa.select(Certificate.id)).scalars())
        session.execute(
            sa.insert(Challenge),
            [
                {
                    "case_number": f"CH-B-{n}",
                    "certificate_id": certificate_id,
                    "organisation_id": session.get(Certificate, certificate_id).organisation_id,
                    "claims": [],
                    "grounds": "bench",
                    "evidence_links": [],
                    "incident_refs": [],
                    "state": "awaiting_response",
                    "filed_at": moment,
                    "acknowledge_by": moment,
                    "company_evidence_links": [],
                    "notices_sent": [],
                }
                for n, certificate_id in enumerate(rng.sample(certificate_ids, 40))
            ],
        )
        for organisation in rng.sample(certified, SITE_LISTS):
            version_id = session.execute(
                sa.insert(DatasetVersion).returning(DatasetVersion.id),
                [
                    {
                        "assessment_id": assessments[organisation["id"]],
                        "kind": "sites",
                        "version": 1,
                        "row_count": 5,
                        "summary": {},
                        "diff": {},
                        "file_sha256": "0" * 64,
                        "filename": "sites.csv",
                        "file_format": "csv",
                        "created_at": moment,
                    }
                ],
            ).scalar_one()
            session.execute(
                sa.insert(DatasetRow),
                [
                    {
                        "version_id": version_id,
                        "position": position,
                        "data": {
                            "name": f"Site {position}",
                            "site_type": rng.choice(SITE_TYPES),
                            "country": organisation["country"],
                            "admin_region": rng.choice(names.REGIONS),
                        },
                    }
                    for position in range(1, 6)
                ],
            )
        session.commit()
    return organisations


def portfolio_file(rng: random.Random, organisations: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Holdings"
    sheet.append(["Name", "LEI", "Country", "Sector", "Weight"])
    chosen = rng.sample(organisations, HOLDINGS)
    raw = [rng.uniform(0.1, 3.0) for _ in chosen]
    total = sum(raw)
    for number, (organisation, weight) in enumerate(zip(chosen, raw, strict=True)):
        roll = rng.random()
        if roll < 0.80:
            row = [organisation["name"], organisation["lei"], organisation["country"]]
        elif roll < 0.95:
            row = [organisation["name"], None, organisation["country"]]
        else:
            row = [f"Unlisted Holding {number}", None, "GB"]
        sheet.append([*row, organisation["sector"], round(100 * weight / total, 6)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def main() -> None:
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="bench-portfolio-") as folder:
        app = create_app(
            {
                "INSTANCE_PATH": folder,
                "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                "BASE_URL": "http://127.0.0.1:5000",
            }
        )
        db.upgrade(app)
        organisations = build_database(app, rng)
        data = portfolio_file(rng, organisations)
        investor_id = organisations[0]["id"]
        with app.app_context():
            started = time.perf_counter()
            clean = validate_portfolio(data, filename="portfolio.xlsx")
            with db.session_scope(app) as session:
                portfolio = Portfolio(
                    organisation_id=investor_id,
                    name="Bench portfolio",
                    status=PortfolioStatus.ready,
                    filename="portfolio.xlsx",
                    file_sha256=hashlib.sha256(data).hexdigest(),
                    holding_count=len(clean.rows),
                )
                session.add(portfolio)
                session.flush()
                holdings = [
                    PortfolioHolding(
                        portfolio_id=portfolio.id,
                        position=row.position,
                        name=row.name,
                        isin=row.isin,
                        lei=row.lei,
                        country=row.country,
                        sector=row.sector,
                        weight=row.weight,
                        market_value=row.market_value,
                    )
                    for row in clean.rows
                ]
                resolve_holdings(session=session, investor_id=investor_id, holdings=holdings)
                session.add_all(holdings)
                session.commit()
                briefing = build_briefing(
                    session=session,
                    portfolio=portfolio,
                    holdings=holdings,
                    run_number=1,
                    previous=None,
                    base_url=app.config["BASE_URL"],
                    now=datetime.now(UTC),
                )
                payload = briefing.model_dump(mode="json")
            screen_s = time.perf_counter() - started
            started = time.perf_counter()
            workbook = briefing_xlsx(payload)
            FileStore(app.config["UPLOAD_DIR"]).write(
                hashlib.sha256(workbook).hexdigest(), workbook
            )
            xlsx_s = time.perf_counter() - started
            flagged = sum(1 for h in payload["holdings"] if h["red_flags"])
            assert flagged >= PDF_FLAGGED, flagged
            started = time.perf_counter()
            pdf = render_briefing_pdf(payload, max_holding_pages=PDF_FLAGGED)
            briefing_pdf_s = time.perf_counter() - started
        assert pdf.startswith(b"%PDF-") and len(payload["holdings"]) == HOLDINGS
        db.engine(app).dispose()
    print(
        f"holdings={HOLDINGS} screen_s={screen_s:.2f} xlsx_s={xlsx_s:.2f} "
        f"briefing_pdf_s={briefing_pdf_s:.2f}"
    )


if __name__ == "__main__":
    main()
