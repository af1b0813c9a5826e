"""The hostile corpus: each case is one request a hostile or careless client could send, the
endpoint it targets, and the clear refusal it must get.

`path` is formatted with the scene's attributes ({assessment_a}, {cert_id}, ...);
`build_request` returns the keyword arguments of `client.open` (body, content type, headers).
Cases whose `who` starts with "web:" are sent by a signed-in browser session (with the CSRF
token); the others with that member's bearer token (or none, for "anonymous").

A dataset upload is only screened as a whole in the request (an empty, macro, encrypted or
bombed file, a bad encoding, too many lines: 422 at once, nothing stored). A problem in its rows
(a formula, a huge cell) is found by the job that checks the stored file: such a case is marked
`refused_by_job`, its `status` is the request's 202, and its refusal is the job's result.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.hostile import files

Request = dict[str, Any]


@dataclass(frozen=True)
class HostileCase:
    name: str
    category: str
    who: str
    method: str
    path: str
    build_request: Callable[[], Request]
    status: int
    # A phrase the problem's `detail` (or the error page) must contain; for a case refused by
    # its job, a phrase of the problems the job found.
    detail: str
    # Tables whose row count may grow, by how much, and how many files may be added: a refused
    # dataset keeps its refusal and fix-it workbook, by design. Empty for nearly every case.
    keeps: dict[str, int] = field(default_factory=dict)
    keeps_files: int = 0
    # The request accepts the file (202) and queues the job that reads its rows; the refusal
    # arrives through that job (result `outcome` "invalid", its problems at `problems_url`).
    refused_by_job: bool = False

    @property
    def id(self) -> str:
        return f"{self.category}:{self.name}"


def upload(data: bytes, filename: str, **fields: str) -> Callable[[], Request]:
    """A multipart body built in memory, with `data` as the field 'file'."""

    def build() -> Request:
        values: dict[str, Any] = {**fields, "file": FileStorage(io.BytesIO(data), filename)}
        boundary, body = encode_multipart(values)
        return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}

    return build


def lazy_upload(make: Callable[[], bytes], filename: str, **fields: str) -> Callable[[], Request]:
    return lambda: upload(make(), filename, **fields)()


def body(payload: Any) -> Callable[[], Request]:
    return lambda: {"json": payload}


def raw(data: bytes | Callable[[], bytes], content_type: str) -> Callable[[], Request]:
    return lambda: {
        "data": data() if callable(data) else data,
        "content_type": content_type,
    }


def nothing() -> Request:
    return {}


SUPPLIERS = "/api/v1/assessments/{assessment_a}/datasets/suppliers"
SITES = "/api/v1/assessments/{assessment_a}/datasets/sites"
ANSWERS_XLSX = "/api/v1/assessments/{assessment_a}/answers.xlsx"
ANSWERS = "/api/v1/assessments/{assessment_a}/answers"
EVIDENCE = "/api/v1/assessments/{assessment_a}/evidence"
LINKS = "/api/v1/assessments/{assessment_a}/evidence/links"
FEEDS = "/api/v1/incident-feeds"
INCIDENTS = "/api/v1/incidents"
CHALLENGES = "/api/v1/certificates/{cert_id}/challenges"
# A dataset refused by its job is recorded, by design: the upload (with its problems), the job,
# and two audit events (queued, invalid); the files kept are the stored upload and its fix-it
# workbook.
JOB_REFUSAL = {"dataset_upload": 1, "job": 1, "audit_event": 2}
JOB_REFUSAL_FILES = 2

XLSX_NAME = "suppliers.xlsx"


def _suppliers(name: str, make: Callable[[], bytes], status: int, detail: str, **kw: Any):
    return HostileCase(
        name,
        "file",
        "company_a",
        "POST",
        SUPPLIERS,
        lazy_upload(make, XLSX_NAME),
        status,
        detail,
        **kw,
    )


FILE_CASES = [
    _suppliers(
        "zip bomb: 4 GiB declared",
        lambda: files.declared_size_bomb(files.suppliers_xlsx()),
        422,
        "unpacks to",
    ),
    _suppliers("zip bomb: 1000:1 ratio", files.ratio_bomb, 422, "zip bomb"),
    _suppliers("zip bomb: nested zips", files.nested_zip_bomb, 422, "not an .xlsx workbook"),
    HostileCase(
        "zip bomb: 4 GiB declared answers workbook",
        "file",
        "company_a",
        "POST",
        ANSWERS_XLSX,
        lazy_upload(lambda: files.declared_size_bomb(files.answers_template()), "answers.xlsx"),
        422,
        "unpacks to",
    ),
    _suppliers("XXE external entity", files.xxe_workbook, 422, "XML entities"),
    _suppliers("billion laughs", files.billion_laughs_workbook, 422, "XML entities"),
    HostileCase(
        "XXE in answers workbook",
        "file",
        "company_a",
        "POST",
        ANSWERS_XLSX,
        lazy_upload(
            lambda: files.with_member(
                files.answers_template(),
                "xl/workbook.xml",
                files._after_declaration(
                    files.members(files.answers_template())["xl/workbook.xml"],
                    files.XXE_DOCTYPE,
                ),
            ),
            "answers.xlsx",
        ),
        422,
        "XML entities",
    ),
    _suppliers("xlsm saved as .xlsx", files.macro_workbook, 422, "macros"),
    HostileCase(
        "xlsm by name",
        "file",
        "company_a",
        "POST",
        SUPPLIERS,
        lazy_upload(files.suppliers_xlsx, "suppliers.xlsm"),
        422,
        "macros",
    ),
    HostileCase(
        "xlsm answers workbook",
        "file",
        "company_a",
        "POST",
        ANSWERS_XLSX,
        lazy_upload(
            lambda: files.with_member(
                files.answers_template(), "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 60
            ),
            "answers.xlsx",
        ),
        422,
        "macros",
    ),
    _suppliers(
        "xlsm with an Excel 4.0 macro sheet",
        files.macro_sheet_workbook,
        422,
        "macros",
    ),
    _suppliers("password-protected (OLE)", files.encrypted_workbook, 422, "password-protected"),
    HostileCase(
        "password-protected answers workbook",
        "file",
        "company_a",
        "POST",
        ANSWERS_XLSX,
        lazy_upload(files.encrypted_workbook, "answers.xlsx"),
        422,
        "password-protected",
    ),
    HostileCase(
        "UTF-16 CSV",
        "encoding",
        "company_a",
        "POST",
        SUPPLIERS,
        lazy_upload(lambda: files.suppliers_csv_encoded("utf-16", "Tejidos Ñandú"), "s.csv"),
        422,
        "UTF-16",
    ),
    HostileCase(
        "Latin-1 CSV",
        "encoding",
        "company_a",
        "POST",
        SUPPLIERS,
        lazy_upload(lambda: files.suppliers_csv_encoded("latin-1", "Tejidos Ñandú"), "s.csv"),
        422,
        "not UTF-8",
    ),
    HostileCase(
        "Shift-JIS CSV",
        "encoding",
        "company_a",
        "POST",
        SUPPLIERS,
        lazy_upload(lambda: files.suppliers_csv_encoded("shift_jis", "東京織物株式会社"), "s.csv"),
        422,
        "not UTF-8",
    ),
    HostileCase(
        "UTF-32 CSV",
        "encoding",
        "company_a",
        "POST",
        SITES,
        lazy_upload(lambda: files.suppliers_csv_encoded("utf-32", "Mina"), "sites.csv"),
        422,
        "UTF-32",
    ),
    HostileCase(
        "1,000,000 rows",
        "size",
        "company_a",
        "POST",
        SUPPLIERS,
        lazy_upload(files.million_rows_csv, "suppliers.csv"),
        422,
        "more than 200,000 rows",
    ),
    _suppliers(
        "10 MB cell",
        files.huge_cell_workbook,
        202,
        "longer than",
        keeps=JOB_REFUSAL,
        keeps_files=JOB_REFUSAL_FILES,
        refused_by_job=True,
    ),
    HostileCase(
        "NUL bytes instead of CSV",
        "file",
        "company_a",
        "POST",
        SITES,
        lazy_upload(lambda: b"Name\x00,Country\x00\r\n" * 10, "sites.csv"),
        422,
        "not a text file",
    ),
    HostileCase(
        "not a workbook",
        "file",
        "company_a",
        "POST",
        ANSWERS_XLSX,
        upload(b"%PDF-1.4\n%%EOF\n", "answers.xlsx"),
        422,
        "not an .xlsx workbook",
    ),
]

FORMULA_CASES = [
    *(
        HostileCase(
            f"formula {key} in a supplier cell",
            "formula",
            "company_a",
            "POST",
            SUPPLIERS,
            lazy_upload(lambda f=formula: files.suppliers_with_formula(f), XLSX_NAME),
            202,
            "formula",
            keeps=JOB_REFUSAL,
            keeps_files=JOB_REFUSAL_FILES,
            refused_by_job=True,
        )
        for key, formula in files.FORMULAS.items()
    ),
    *(
        HostileCase(
            f"formula {key} in the answers workbook",
            "formula",
            "company_a",
            "POST",
            ANSWERS_XLSX,
            lazy_upload(lambda f=formula: files.answers_with_formula(f), "answers.xlsx"),
            202,
            "formula",
            # the job and its refusal are recorded; the workbook and its highlighted copy kept
            keeps={"audit_event": 1, "job": 1},
            keeps_files=2,
            refused_by_job=True,
        )
        for key, formula in files.FORMULAS.items()
    ),
]

_SSRF_URLS = {
    "loopback": "http://127.0.0.1:8080/admin",
    "cloud metadata": "http://169.254.169.254/latest/meta-data/",
    "IPv6 loopback": "http://[::1]/",
    "private network": "http://10.0.0.1/",
    "file scheme": "file:///etc/passwd",
    "gopher": "gopher://127.0.0.1:6379/_FLUSHALL",
    "decimal IP": "http://2130706433/",
}

SSRF_CASES = [
    *(
        HostileCase(
            f"evidence link: {label}",
            "ssrf",
            "company_a",
            "POST",
            LINKS,
            body({"url": url, "description": "Our policy"}),
            422,
            "",
        )
        for label, url in _SSRF_URLS.items()
    ),
    *(
        HostileCase(
            f"incident feed: {label}",
            "ssrf",
            "reviewer",
            "POST",
            FEEDS,
            body({"name": f"feed {label}", "url": url, "format": "global-witness"}),
            422,
            "",
        )
        for label, url in _SSRF_URLS.items()
    ),
    HostileCase(
        "challenge evidence link: cloud metadata",
        "ssrf",
        "ngo",
        "POST",
        CHALLENGES,
        body(
            {
                "grounds": "The grievance mechanism does not exist on site.",
                "evidence_links": ["http://169.254.169.254/latest/meta-data/"],
            }
        ),
        422,
        "private",
    ),
]

NUL = "Policy\u0000; DROP TABLE"
TEXT_CASES = [
    HostileCase(
        "NUL in a text answer",
        "nul",
        "company_a",
        "PATCH",
        ANSWERS,
        body({"answers": {"B10": NUL}}),
        422,
        "NUL",
    ),
    HostileCase(
        "NUL in an incident narrative",
        "nul",
        "ngo",
        "POST",
        INCIDENTS,
        body(
            {
                "occurred_on": "2024-01-05",
                "country": "CO",
                "attack_types": ["intimidation"],
                "consent_basis": "public_source",
                "narrative": NUL,
            }
        ),
        422,
        "NUL",
    ),
    HostileCase(
        "NUL in challenge grounds",
        "nul",
        "ngo",
        "POST",
        CHALLENGES,
        body({"grounds": "The grievance mechanism " + NUL + " does not exist."}),
        422,
        "NUL",
    ),
    HostileCase(
        "NUL in an evidence description",
        "nul",
        "company_a",
        "POST",
        EVIDENCE,
        upload(b"%PDF-1.4\n%%EOF\n", "p.pdf", description=NUL),
        422,
        "NUL",
    ),
    HostileCase(
        "NUL in a feed name",
        "nul",
        "reviewer",
        "POST",
        FEEDS,
        body({"name": NUL, "url": "https://93.184.216.34/f.csv", "format": "global-witness"}),
        422,
        "NUL",
    ),
    HostileCase(
        "10 MB text answer",
        "size",
        "company_a",
        "PATCH",
        ANSWERS,
        lambda: {"json": {"answers": {"B10": files.ten_megabyte_text()}}},
        422,
        "",
    ),
    HostileCase(
        "10 MB challenge grounds",
        "size",
        "anonymous",
        "POST",
        CHALLENGES,
        lambda: {"json": {"grounds": files.ten_megabyte_text()}},
        422,
        "",
    ),
]

BODY_CASES = [
    HostileCase(
        "JSON body over MAX_CONTENT_LENGTH",
        "body",
        "company_a",
        "PATCH",
        ANSWERS,
        raw(lambda: b'{"answers": {"B10": "' + b"a" * (26 * 2**20) + b'"}}', "application/json"),
        413,
        "larger than the limit",
    ),
    HostileCase(
        "upload over MAX_CONTENT_LENGTH",
        "body",
        "company_a",
        "POST",
        EVIDENCE,
        lazy_upload(lambda: b"%PDF-1.4\n" + b"0" * (26 * 2**20), "big.pdf"),
        413,
        "larger than the limit",
    ),
    HostileCase(
        "deeply nested JSON",
        "body",
        "company_a",
        "PATCH",
        ANSWERS,
        raw(files.deeply_nested_json, "application/json"),
        400,
        "nested",
    ),
    HostileCase(
        "malformed JSON",
        "body",
        "ngo",
        "POST",
        INCIDENTS,
        raw(b'{"country": "CO", "attack_types": [', "application/json"),
        400,
        "not valid JSON",
    ),
    HostileCase(
        "JSON sent as text/plain",
        "content type",
        "company_a",
        "PATCH",
        ANSWERS,
        raw(json.dumps({"answers": {"A1": "yes"}}).encode(), "text/plain"),
        422,
        "",
    ),
    HostileCase(
        "XML body",
        "content type",
        "ngo",
        "POST",
        INCIDENTS,
        raw(b"<?xml version='1.0'?><incident><country>CO</country></incident>", "application/xml"),
        422,
        "",
    ),
    HostileCase(
        "JSON where a file is expected",
        "content type",
        "company_a",
        "POST",
        SUPPLIERS,
        body({"file": "suppliers.xlsx"}),
        422,
        "",
    ),
    HostileCase(
        "form fields without the file",
        "content type",
        "company_a",
        "POST",
        EVIDENCE,
        raw(b"description=policy", "application/x-www-form-urlencoded"),
        422,
        "",
    ),
]

_OTHER = "company_b"
ID_CASES = [
    HostileCase(
        "unknown assessment",
        "ids",
        "company_a",
        "GET",
        "/api/v1/assessments/987654321",
        nothing,
        404,
        "",
    ),
    HostileCase(
        "another company's assessment",
        "ids",
        _OTHER,
        "GET",
        "/api/v1/assessments/{assessment_a}",
        nothing,
        404,
        "",
    ),
    HostileCase(
        "another company's answers",
        "ids",
        _OTHER,
        "PATCH",
        ANSWERS,
        body({"answers": {"A1": "yes"}}),
        404,
        "",
    ),
    HostileCase(
        "another company's evidence upload",
        "ids",
        _OTHER,
        "POST",
        EVIDENCE,
        upload(b"%PDF-1.4\n%%EOF\n", "p.pdf"),
        404,
        "",
    ),
    HostileCase(
        "another company's evidence file",
        "ids",
        _OTHER,
        "GET",
        "/api/v1/assessments/{assessment_a}/evidence/{evidence_a}",
        nothing,
        404,
        "",
    ),
    HostileCase(
        "another company's evidence id under one's own assessment",
        "ids",
        "company_a",
        "GET",
        "/api/v1/assessments/{assessment_a}/evidence/{evidence_b}",
        nothing,
        404,
        "",
    ),
    HostileCase(
        "another company's dataset upload",
        "ids",
        _OTHER,
        "POST",
        SUPPLIERS,
        lazy_upload(files.suppliers_csv, "suppliers.csv"),
        404,
        "",
    ),
    HostileCase(
        "another company's dataset rows",
        "ids",
        _OTHER,
        "GET",
        SUPPLIERS + "/rows",
        nothing,
        404,
        "",
    ),
    HostileCase(
        "another company's answers workbook",
        "ids",
        _OTHER,
        "GET",
        ANSWERS_XLSX,
        nothing,
        404,
        "",
    ),
    HostileCase(
        "another company's score",
        "ids",
        _OTHER,
        "GET",
        "/api/v1/assessments/{assessment_a}/score",
        nothing,
        404,
        "",
    ),
    HostileCase(
        "challenge of another company's certificate",
        "ids",
        _OTHER,
        "GET",
        "/api/v1/challenges/{case_number}",
        nothing,
        404,
        "",
    ),
    HostileCase(
        "unknown challenge",
        "ids",
        "reviewer",
        "GET",
        "/api/v1/challenges/CH-2026-FFFFFFFF",
        nothing,
        404,
        "",
    ),
    HostileCase(
        "unknown certificate",
        "ids",
        "anonymous",
        "GET",
        "/api/v1/certificates/HRD-2026-999999",
        nothing,
        404,
        "",
    ),
    HostileCase(
        "unknown incident",
        "ids",
        "ngo",
        "GET",
        "/api/v1/incidents/INC-ZZZZZZZZZZ",
        nothing,
        404,
        "",
    ),
    HostileCase(
        "unknown job",
        "ids",
        "company_a",
        "GET",
        "/api/v1/jobs/" + "f" * 32,
        nothing,
        404,
        "",
    ),
    HostileCase(
        "unknown match",
        "ids",
        "reviewer",
        "POST",
        "/api/v1/matches/987654321/review",
        body({"decision": "confirm", "reason": "Not the same company."}),
        404,
        "",
    ),
    HostileCase(
        "unknown feed",
        "ids",
        "reviewer",
        "POST",
        "/api/v1/incident-feeds/987654321/fetch",
        nothing,
        404,
        "",
    ),
    HostileCase(
        "id beyond 64 bits",
        "ids",
        "company_a",
        "GET",
        "/api/v1/assessments/" + "9" * 30,
        nothing,
        422,
        "",
    ),
    HostileCase(
        "another company's assessment page",
        "ids",
        "web:company_b",
        "GET",
        "/assessments/{assessment_a}",
        nothing,
        404,
        "",
    ),
]

PAGINATION_CASES = [
    HostileCase(
        "negative limit", "pagination", "ngo", "GET", INCIDENTS + "?limit=-1", nothing, 422, ""
    ),
    HostileCase("zero limit", "pagination", "ngo", "GET", INCIDENTS + "?limit=0", nothing, 422, ""),
    HostileCase(
        "huge limit",
        "pagination",
        "reviewer",
        "GET",
        "/api/v1/matches?limit=" + "9" * 40,
        nothing,
        422,
        "",
    ),
    HostileCase(
        "forged cursor",
        "pagination",
        "ngo",
        "GET",
        INCIDENTS + "?cursor=azE6OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ",
        nothing,
        422,
        "cursor",
    ),
    HostileCase(
        "cursor with SQL",
        "pagination",
        "reviewer",
        "GET",
        "/api/v1/matches?cursor=1%27%20OR%201%3D1--",
        nothing,
        422,
        "cursor",
    ),
    HostileCase(
        "overlong cursor",
        "pagination",
        "ngo",
        "GET",
        INCIDENTS + "?cursor=" + "A" * 400,
        nothing,
        422,
        "",
    ),
    HostileCase(
        "negative log start",
        "pagination",
        "anonymous",
        "GET",
        "/api/v1/log/entries?start=-1",
        nothing,
        422,
        "",
    ),
    HostileCase(
        "log range beyond any tree",
        "pagination",
        "anonymous",
        "GET",
        "/api/v1/log/entries?start=0&end=" + "9" * 30,
        nothing,
        422,
        "",
    ),
    HostileCase(
        "dataset version zero",
        "pagination",
        "company_a",
        "GET",
        SUPPLIERS + "/rows?version=0&limit=5",
        nothing,
        422,
        "",
    ),
]

WEB_CASES = [
    HostileCase(
        "web: XXE workbook",
        "file",
        "web:company_a",
        "POST",
        "/assessments/{assessment_a}/workbook",
        lazy_upload(
            lambda: files.with_member(
                files.answers_template(),
                "xl/workbook.xml",
                files._after_declaration(
                    files.members(files.answers_template())["xl/workbook.xml"],
                    files.XXE_DOCTYPE,
                ),
            ),
            "answers.xlsx",
        ),
        422,
        "XML entities",
    ),
    HostileCase(
        "web: zip bomb dataset",
        "file",
        "web:company_a",
        "POST",
        "/assessments/{assessment_a}/datasets/suppliers",
        lazy_upload(lambda: files.declared_size_bomb(files.suppliers_xlsx()), XLSX_NAME),
        422,
        "unpacks to",
    ),
    HostileCase(
        "web: incident with NUL",
        "nul",
        "web:ngo",
        "POST",
        "/incidents/new",
        lambda: {
            "data": {
                "occurred_on": "2024-01-05",
                "date_precision": "day",
                "country": "CO",
                "sector": "mining",
                "attack_types": ["intimidation"],
                "perpetrator_type": "unknown",
                "consent_basis": "public_source",
                "narrative": NUL,
            }
        },
        422,
        "NUL",
    ),
]

PORTFOLIOS = "/api/v1/portfolios"
LATER_CASES = [
    *(
        HostileCase(
            f"webhook: {label}",
            "ssrf",
            "investor",
            "POST",
            "/api/v1/webhooks",
            body({"url": url, "description": "alerts"}),
            422,
            "",
        )
        for label, url in _SSRF_URLS.items()
    ),
    HostileCase(
        "unknown webhook",
        "ids",
        "investor",
        "DELETE",
        "/api/v1/webhooks/987654321",
        nothing,
        404,
        "",
    ),
    HostileCase(
        "portfolio: zip bomb",
        "file",
        "investor",
        "POST",
        PORTFOLIOS,
        lazy_upload(lambda: files.declared_size_bomb(files.suppliers_xlsx()), "p.xlsx"),
        422,
        "unpacks to",
    ),
    HostileCase(
        "portfolio: XXE",
        "file",
        "investor",
        "POST",
        PORTFOLIOS,
        lazy_upload(files.xxe_workbook, "p.xlsx"),
        422,
        "XML entities",
    ),
    HostileCase(
        "portfolio: xlsm",
        "file",
        "investor",
        "POST",
        PORTFOLIOS,
        lazy_upload(files.macro_workbook, "p.xlsx"),
        422,
        "macros",
    ),
    HostileCase(
        "portfolio: password-protected",
        "file",
        "investor",
        "POST",
        PORTFOLIOS,
        lazy_upload(files.encrypted_workbook, "p.xlsx"),
        422,
        "password-protected",
    ),
    HostileCase(
        "portfolio: UTF-16",
        "encoding",
        "investor",
        "POST",
        PORTFOLIOS,
        lazy_upload(lambda: files.suppliers_csv_encoded("utf-16", "Ñandú SA"), "p.csv"),
        422,
        "UTF-16",
    ),
    HostileCase(
        "unknown portfolio",
        "ids",
        "investor",
        "GET",
        PORTFOLIOS + "/987654321",
        nothing,
        404,
        "",
    ),
    HostileCase(
        "portfolio: NUL in the name",
        "nul",
        "investor",
        "POST",
        PORTFOLIOS,
        upload(b"Name,Country,Weight\r\nMinera Alfa S.A.,CO,100\r\n", "p.csv", name=NUL),
        422,
        "NUL",
    ),
]

IMPORT = "/api/v1/incidents/import"
MORE_CASES = [
    HostileCase(
        "evidence link: javascript scheme",
        "ssrf",
        "company_a",
        "POST",
        LINKS,
        body({"url": "javascript:alert(document.cookie)"}),
        422,
        "",
    ),
    HostileCase(
        "evidence link: localhost",
        "ssrf",
        "company_a",
        "POST",
        LINKS,
        body({"url": "http://localhost:5000/api/v1/me"}),
        422,
        "localhost",
    ),
    HostileCase(
        "web: evidence link with javascript scheme",
        "ssrf",
        "web:company_a",
        "POST",
        "/assessments/{assessment_a}/evidence",
        lambda: {"data": {"url": "javascript:alert(document.cookie)", "description": "x"}},
        422,
        "not a public http(s) web address",
    ),
    HostileCase(
        "web: evidence link to cloud metadata",
        "ssrf",
        "web:company_a",
        "POST",
        "/assessments/{assessment_a}/evidence",
        lambda: {"data": {"url": "http://169.254.169.254/latest/meta-data/"}},
        422,
        "private, loopback, link-local or reserved",
    ),
    HostileCase(
        "incident import: empty file",
        "file",
        "reviewer",
        "POST",
        IMPORT,
        upload(b"", "gw.csv", format="global-witness"),
        422,
        "",
    ),
    HostileCase(
        "incident import: mapping that is not JSON",
        "body",
        "reviewer",
        "POST",
        IMPORT,
        upload(b"a,b\r\n1,2\r\n", "x.csv", format="csv", mapping="{not json"),
        422,
        "",
    ),
    HostileCase(
        "incident import: unknown format",
        "body",
        "reviewer",
        "POST",
        IMPORT,
        upload(b"a,b\r\n1,2\r\n", "x.csv", format="../../etc/passwd"),
        422,
        "",
    ),
    HostileCase(
        "incident import: NUL in the mapping",
        "nul",
        "reviewer",
        "POST",
        IMPORT,
        upload(b"a,b\r\n1,2\r\n", "x.csv", format="csv", mapping='{"source": "a\u0000"}'),
        422,
        "NUL",
    ),
    HostileCase(
        "web: evidence description with NUL",
        "nul",
        "web:company_a",
        "POST",
        "/assessments/{assessment_a}/evidence",
        upload(files.PDF_BYTES, "policy.pdf", description=NUL),
        422,
        "NUL",
    ),
    HostileCase(
        "web: challenge with NUL",
        "nul",
        "web:ngo",
        "POST",
        "/certificates/{cert_id}/challenges/new",
        lambda: {"data": {"claim": "certificate", "grounds": "The mechanism " + NUL + " is fake."}},
        422,
        "NUL",
    ),
    HostileCase(
        "web: sign-in with NUL",
        "nul",
        "web:anonymous",
        "POST",
        "/login",
        lambda: {"data": {"email": "company_a@example.org\u0000", "password": "x" * 12}},
        422,
        "NUL",
    ),
]

# Hand-made requests whose file name carries folders or control characters: refused before any
# view reads the upload, on every upload route (compliance/upload_names.py). Backslashes never
# arrive: the multipart parser reads them as escapes in the quoted name.
_PATH_NAMES = {
    "dot-dot": "../../etc/passwd.pdf",
    "absolute": "/etc/cron.d/policy.pdf",
    "NUL": "policy.pdf\x00.exe",
}
_NAME_DETAIL = "without folders or control characters"

NAME_CASES = [
    *(
        HostileCase(
            f"evidence file named {label}",
            "names",
            "company_a",
            "POST",
            EVIDENCE,
            upload(files.PDF_BYTES, name),
            422,
            _NAME_DETAIL,
        )
        for label, name in _PATH_NAMES.items()
    ),
    HostileCase(
        "dataset file named ../../../tmp/suppliers.csv",
        "names",
        "company_a",
        "POST",
        SUPPLIERS,
        lazy_upload(files.suppliers_csv, "../../../tmp/suppliers.csv"),
        422,
        _NAME_DETAIL,
    ),
    HostileCase(
        "answers workbook named ../../etc/cron.d/answers.xlsx",
        "names",
        "company_a",
        "POST",
        ANSWERS_XLSX,
        lazy_upload(files.answers_template, "../../../../etc/cron.d/answers.xlsx"),
        422,
        _NAME_DETAIL,
    ),
    HostileCase(
        "incident import named ../../etc/gw.csv",
        "names",
        "reviewer",
        "POST",
        IMPORT,
        upload(b"a,b\r\n1,2\r\n", "../../etc/gw.csv", format="global-witness"),
        422,
        _NAME_DETAIL,
    ),
    HostileCase(
        "portfolio named /etc/passwd.csv",
        "names",
        "investor",
        "POST",
        PORTFOLIOS,
        upload(b"Name,Country,Weight\r\nMinera Alfa S.A.,CO,100\r\n", "/etc/passwd.csv"),
        422,
        _NAME_DETAIL,
    ),
    HostileCase(
        "web: evidence file named ../../x.pdf",
        "names",
        "web:company_a",
        "POST",
        "/assessments/{assessment_a}/evidence",
        upload(files.PDF_BYTES, "../../x.pdf", description="policy"),
        422,
        _NAME_DETAIL,
    ),
]

CASES: list[HostileCase] = [
    *FILE_CASES,
    *FORMULA_CASES,
    *SSRF_CASES,
    *TEXT_CASES,
    *BODY_CASES,
    *ID_CASES,
    *PAGINATION_CASES,
    *WEB_CASES,
    *LATER_CASES,
    *MORE_CASES,
    *NAME_CASES,
]
