"""Portfolio files built in memory, known organisations, and helpers to upload and wait, for the
upload, resolution, API and web tests of portfolios."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from compliance import db
from compliance.accounts import service as account_service
from compliance.accounts.models import Organisation, OrganisationKind, Role
from compliance.clock import now
from compliance.jobs.models import Job, JobStatus
from tests.conftest import PASSWORD, Member
from tests.support.jobs import wait_for_job

HEADER = ["Holding name", "ISIN", "LEI", "Country", "Sector", "Weight"]
APPLE_ISIN = "US0378331005"
MICROSOFT_ISIN = "US5949181045"
BAE_ISIN = "GB0002634946"
VALID_LEI = "5493001KJTIIGC8Y1R12"
OTHER_VALID_LEI = "529900T8BM49AURSDO55"

# Known organisations of the resolution tests: (name, kind, country, lei, isins, aliases)
KNOWN = [
    ("Apple Inc.", OrganisationKind.company, "US", None, [APPLE_ISIN], []),
    ("Microsoft Corporation", OrganisationKind.company, "US", VALID_LEI, [], []),
    ("Compañía Minera Antamina S.A.", OrganisationKind.company, "PE", None, [], ["Antamina"]),
    ("Palmas del Sur S.A.", OrganisationKind.company, "CO", None, [], []),
    ("Palmas del Sur Ltda", OrganisationKind.company, "GT", None, [], []),
    ("Banco Andino", OrganisationKind.financial_institution, "BO", None, [], []),
    ("Red Verde de Defensoras", OrganisationKind.ngo, "CO", None, [], []),
]


def rows_csv(
    rows: Sequence[Sequence[object]],
    *,
    header: Sequence[str] = HEADER,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if value is None else value for value in row] for row in rows])
    return ("\ufeff" if bom else "").encode(encoding) + output.getvalue().encode(encoding)


def rows_xlsx(
    rows: Sequence[Sequence[object]],
    *,
    header: Sequence[str] = HEADER,
    sheet: str = "Holdings",
    above: Sequence[Sequence[object]] = (),
) -> bytes:
    book = Workbook()
    worksheet = book.active
    worksheet.title = sheet
    for row in (*above, header, *rows):
        worksheet.append(list(row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def good_rows() -> list[list[object]]:
    return [
        ["Apple Inc", APPLE_ISIN, "", "United States", "Technology", "40"],
        ["Microsoft", MICROSOFT_ISIN, VALID_LEI, "USA", "Technology", "35,5"],
        ["Cía. Minera Antamina", "", "", "Perú", "Mining", "14.5%"],
        ["Palmas del Sur", "", "", "", "Agriculture", "5"],
        ["Unknown Widgets plc", "", "", "GB", "", "5"],
    ]


def add_known_organisations(app: Flask) -> dict[str, int]:
    """The KNOWN organisations in the database; their ids by name."""
    ids = {}
    with db.session_scope(app) as session:
        for name, kind, country, lei, isins, aliases in KNOWN:
            organisation = Organisation(
                name=name, kind=kind, country=country, lei=lei, isins=isins, aliases=aliases
            )
            session.add(organisation)
            session.flush()
            ids[name] = organisation.id
        session.commit()
    return ids


def second_investor(app: Flask) -> Member:
    """Another bank, with a user who has a token and the test password."""
    with db.session_scope(app) as session:
        organisation = account_service.get_or_create_organisation(
            session=session, name="Banco Zeta", kind=OrganisationKind.financial_institution
        )
        user = account_service.create_user(
            session=session,
            email="zeta@example.org",
            organisation=organisation,
            role=Role.admin,
            password=PASSWORD,
        )
        _token, secret = account_service.issue_token(
            session=session, user=user, name="tests", expires_in=timedelta(days=1), now=now()
        )
        session.commit()
        return Member("zeta", user.email, organisation.id, user.id, secret)


def multipart(fields: dict[str, str], data: bytes, filename: str) -> tuple[bytes, str]:
    values = {**fields, "file": FileStorage(io.BytesIO(data), filename=filename)}
    boundary, body = encode_multipart(values)
    return body, f"multipart/form-data; boundary={boundary}"


def upload(
    client: FlaskClient,
    headers: dict,
    data: bytes,
    filename: str = "holdings.csv",
    *,
    portfolio_id: int | None = None,
    name: str | None = None,
):
    body, content_type = multipart({"name": name} if name else {}, data, filename)
    url = "/api/v1/portfolios"
    if portfolio_id is not None:
        url = f"/api/v1/portfolios/{portfolio_id}/holdings"
    return client.post(url, data=body, headers=headers, content_type=content_type)


def wait_for_all_jobs(app: Flask, timeout: float = 90) -> list[Job]:
    """Wait until no job is queued or running (imports and the screening runs they start)."""
    deadline = time.monotonic() + timeout
    while True:
        with db.session_scope(app) as session:
            jobs = session.execute(sa.select(Job)).scalars().all()
        pending = [job for job in jobs if job.status in (JobStatus.queued, JobStatus.running)]
        if not pending:
            return list(jobs)
        assert time.monotonic() < deadline, f"jobs still running: {[j.kind for j in pending]}"
        time.sleep(0.05)


def import_portfolio(
    client: FlaskClient, headers: dict, data: bytes, filename: str = "holdings.csv", **kwargs
) -> dict:
    """Upload, wait for the import job, and return the portfolio as the API shows it."""
    answer = upload(client, headers, data, filename, **kwargs)
    assert answer.status_code == 202, answer.get_json()
    queued = answer.get_json()
    job = wait_for_job(client, headers, queued["job_id"])
    assert job["status"] == "succeeded", job
    portfolio = client.get(queued["portfolio_url"], headers=headers)
    assert portfolio.status_code == 200
    return portfolio.get_json()


def by_position(portfolio: dict) -> dict[int, dict]:
    return {holding["position"]: holding for holding in portfolio["holdings"]}


# --- rows of tests/compliance/test_authorization_table.py ------------------------------------

PROBE_POSITION = 2


def probe_holding(portfolio_id: int):
    """A holding on row 2 of the probe portfolio, for the holding routes."""
    from compliance.portfolios.models import PortfolioHolding

    return PortfolioHolding(portfolio_id=portfolio_id, position=PROBE_POSITION, name="Probe plc")


def investor_only(status: int, *, anonymous: int) -> dict[str, int]:
    """Portfolios are the investor's alone: other kinds (reviewers too) are refused."""
    return {
        "anonymous": anonymous,
        "company_a": 403,
        "company_b": 403,
        "investor": status,
        "ngo": 403,
        "reviewer": 403,
    }


def _duplicate_rows() -> dict:
    """A file whose rows repeat an ISIN: it passes the screen of the file as a whole, so the
    investor gets 202 at once; the import job finds the duplicates later."""
    data = rows_csv([["Apple", APPLE_ISIN, "", "", "", "50"]] * 2)
    return {"file": (io.BytesIO(data), "holdings.csv")}


def portfolio_probes(probe: type, portfolio_id) -> list:
    """The portfolio routes (upload, list, read, fix-it, mapping; API and web) as `probe`
    rows; `portfolio_id(subjects)` is the investor's probe portfolio (still validating)."""

    def at(rule: str):
        return lambda s: rule.replace("<int:portfolio_id>", str(portfolio_id(s))).replace(
            "<int:position>", str(PROBE_POSITION)
        )

    api = "/api/v1/portfolios"
    web = "/portfolios"
    return [
        probe("POST", api, investor_only(202, anonymous=401), upload=_duplicate_rows),
        probe("GET", api, investor_only(200, anonymous=401)),
        probe(
            "POST",
            f"{api}/<int:portfolio_id>/holdings",
            investor_only(202, anonymous=401),
            path=at(f"{api}/<int:portfolio_id>/holdings"),
            upload=_duplicate_rows,
        ),
        probe(
            "GET",
            f"{api}/<int:portfolio_id>",
            investor_only(200, anonymous=401),
            path=at(f"{api}/<int:portfolio_id>"),
        ),
        probe(
            "GET",
            f"{api}/<int:portfolio_id>/report.xlsx",
            investor_only(404, anonymous=401),  # still validating: no fix-it workbook
            path=at(f"{api}/<int:portfolio_id>/report.xlsx"),
        ),
        probe(
            "PUT",
            f"{api}/<int:portfolio_id>/holdings/<int:position>/organisation",
            investor_only(200, anonymous=401),
            path=at(f"{api}/<int:portfolio_id>/holdings/<int:position>/organisation"),
            json=lambda identity: {"organisation_id": None},
        ),
        probe("GET", web, investor_only(200, anonymous=302)),
        probe("POST", web, investor_only(302, anonymous=302), web_form=lambda identity: {}),
        probe(
            "GET",
            f"{web}/<int:portfolio_id>",
            investor_only(200, anonymous=302),
            path=at(f"{web}/<int:portfolio_id>"),
        ),
        probe(
            "POST",
            f"{web}/<int:portfolio_id>/holdings",
            investor_only(302, anonymous=302),
            path=at(f"{web}/<int:portfolio_id>/holdings"),
            web_form=lambda identity: {},
        ),
        probe(
            "GET",
            f"{web}/<int:portfolio_id>/progress.json",
            investor_only(200, anonymous=302),
            path=at(f"{web}/<int:portfolio_id>/progress.json"),
        ),
        probe(
            "GET",
            f"{web}/<int:portfolio_id>/report.xlsx",
            investor_only(404, anonymous=302),
            path=at(f"{web}/<int:portfolio_id>/report.xlsx"),
        ),
        probe(
            "GET",
            f"{web}/<int:portfolio_id>/holdings/<int:position>",
            investor_only(200, anonymous=302),
            path=at(f"{web}/<int:portfolio_id>/holdings/<int:position>"),
        ),
        probe(
            "POST",
            f"{web}/<int:portfolio_id>/holdings/<int:position>/organisation",
            investor_only(302, anonymous=302),
            path=at(f"{web}/<int:portfolio_id>/holdings/<int:position>/organisation"),
            web_form=lambda identity: {"organisation_id": ""},
        ),
    ]
