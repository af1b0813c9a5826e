"""Hostile text that is accepted, because it is legitimate to send, but made inert wherever it
is shown: markup and script in every text field that reaches a page or a PDF, formula-looking
text in exported workbooks, and markup in a file name (kept, made safe, written nowhere but the
content-addressed store).

These are counted apart from the refusals in test_refused.py. A dataset upload's rows are
checked by a job, not in the request: the fix-it workbook is read once that job has finished.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from flask.testing import FlaskClient

from tests.certificates.support import certify, pdf_reader, pdf_when_ready
from tests.datasets.builders import SUPPLIER_HEADER, csv_file, supplier
from tests.hostile import files, snapshot
from tests.hostile.conftest import Scene
from tests.hostile.corpus import upload
from tests.support.jobs import wait_for_job

SCRIPT = '<script>alert("hrd")</script><img src=x onerror="alert(1)">'
ESCAPED = "&lt;script&gt;alert("
PAYLOAD_MARKERS = ("<script>alert(", "<img src=x onerror")
CONTENT_ADDRESSED = re.compile(r"[0-9a-f]{2}/[0-9a-f]{62}$|[0-9a-f]{64}$")


def _inert_in(page: str) -> None:
    """The payload shows as text: escaped, never as live markup."""
    for marker in PAYLOAD_MARKERS:
        assert marker not in page, f"{marker!r} reached the page unescaped"
    assert ESCAPED in page, "the payload is not shown at all (so this test proves nothing)"


def _page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _api(scene: Scene, who: str, method: str, path: str, **kwargs):
    response = scene.app.test_client().open(
        path, method=method, headers=scene.headers(who), **kwargs
    )
    return response


# --- markup and script in text that reaches a page ---------------------------------------------


def test_evidence_link_description_is_shown_inert(scene: Scene) -> None:
    created = _api(
        scene,
        "company_a",
        "POST",
        f"/api/v1/assessments/{scene.assessment_a}/evidence/links",
        json={"url": "https://example.org/policy", "description": SCRIPT},
    )
    assert created.status_code == 201, created.get_json()
    _inert_in(_page(scene.web["company_a"], f"/assessments/{scene.assessment_a}"))


def test_text_answer_is_shown_inert(scene: Scene) -> None:
    saved = _api(
        scene,
        "company_a",
        "PATCH",
        f"/api/v1/assessments/{scene.assessment_a}/answers",
        json={"answers": {"B10": SCRIPT}},
    )
    assert saved.status_code == 200, saved.get_json()
    _inert_in(_page(scene.web["company_a"], f"/assessments/{scene.assessment_a}/sections/B"))


def test_incident_text_submitted_by_an_ngo_is_shown_inert(scene: Scene) -> None:
    created = _api(
        scene,
        "ngo",
        "POST",
        "/api/v1/incidents",
        json={
            "occurred_on": "2024-01-05",
            "country": "CO",
            "region": SCRIPT[:200],
            "attack_types": ["intimidation"],
            "consent_basis": "public_source",
            "companies_alleged": [SCRIPT],
            "narrative": SCRIPT,
            "location_detail": SCRIPT,
        },
    )
    assert created.status_code == 201, created.get_json()
    ref = created.get_json()["ref"]
    _inert_in(_page(scene.web["ngo"], f"/incidents/{ref}"))
    _inert_in(_page(scene.web["reviewer"], f"/incidents/{ref}"))
    _inert_in(_page(scene.web["company_a"], "/incidents"))


def test_incident_submitted_on_the_web_form_is_shown_inert(scene: Scene) -> None:
    client = scene.web["ngo"]
    response = client.post(
        "/incidents/new",
        data={
            "occurred_on": "2024-02-06",
            "date_precision": "day",
            "country": "CO",
            "region": "Cauca",
            "sector": "mining",
            "attack_types": ["intimidation"],
            "perpetrator_type": "unknown",
            "consent_basis": "public_source",
            "narrative": SCRIPT,
            "companies_alleged": SCRIPT,
            "csrf_token": scene.csrf["ngo"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    _inert_in(_page(client, response.headers["Location"]))


def test_challenge_grounds_are_shown_inert_to_filer_company_and_reviewer(scene: Scene) -> None:
    filed = _api(
        scene,
        "ngo",
        "POST",
        f"/api/v1/certificates/{scene.cert_id}/challenges",
        json={"grounds": "The grievance mechanism does not exist. " + SCRIPT},
    )
    assert filed.status_code == 201, filed.get_json()
    case = filed.get_json()["case_number"]
    for who in ("ngo", "company_a", "reviewer"):
        _inert_in(_page(scene.web[who], f"/challenges/{case}"))


def test_challenge_filed_on_the_web_form_is_shown_inert(scene: Scene) -> None:
    client = scene.web["ngo"]
    form = client.get(f"/certificates/{scene.cert_id}/challenges/new")
    assert form.status_code == 200
    response = client.post(
        f"/certificates/{scene.cert_id}/challenges/new",
        data={
            "claim": "certificate",
            "grounds": "The grievance mechanism does not exist. " + SCRIPT,
            "csrf_token": scene.csrf["ngo"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    _inert_in(_page(client, response.headers["Location"]))


def test_api_token_name_is_shown_inert(scene: Scene) -> None:
    client = scene.web["company_a"]
    response = client.post(
        "/account/tokens",
        data={"name": SCRIPT[:60], "expires_days": "7", "csrf_token": scene.csrf["company_a"]},
    )
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    page = _page(client, "/account/tokens")
    assert "<script>alert(" not in page and "&lt;script&gt;" in page


def test_organisation_name_is_inert_in_pages_and_the_certificate_pdf(scene: Scene) -> None:
    name = '<script>alert("pdf")</script> Mining & Co'
    cert_id = certify(scene.app, organisation=name)
    page = _page(scene.app.test_client(), f"/certificates/{cert_id}")
    assert "<script>alert(" not in page and "&lt;script&gt;alert(" in page
    pdf = pdf_when_ready(scene.app.test_client(), cert_id)
    reader = pdf_reader(pdf.data)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert '<script>alert("pdf")</script>' in text  # printed as the text it is
    for key in (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/OpenAction"):
        assert key not in pdf.data, f"{key!r} in the certificate PDF"


# --- formula-looking text in exported workbooks ------------------------------------------------


@pytest.mark.parametrize(
    "text", list(files.CSV_INJECTIONS.values()), ids=list(files.CSV_INJECTIONS)
)
def test_formula_text_in_an_answer_is_exported_as_text(scene: Scene, text: str) -> None:
    saved = _api(
        scene,
        "company_a",
        "PATCH",
        f"/api/v1/assessments/{scene.assessment_a}/answers",
        json={"answers": {"F9": text}},
    )
    assert saved.status_code == 200, saved.get_json()
    export = _api(
        scene, "company_a", "GET", f"/api/v1/assessments/{scene.assessment_a}/answers.xlsx"
    )
    book = openpyxl.load_workbook(io.BytesIO(export.data))
    cells = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == text
    ]
    assert cells, "the answer is not in the export"
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)


def test_formula_text_in_a_csv_comes_back_inert_in_the_fixit_workbook(scene: Scene) -> None:
    injections = list(files.CSV_INJECTIONS.values())
    rows = [SUPPLIER_HEADER, *(supplier(Name=text) for text in injections)]
    rows.append(supplier(Country="Narnia"))  # one bad row, so a fix-it workbook is made
    queued = _api(
        scene,
        "company_a",
        "POST",
        f"/api/v1/assessments/{scene.assessment_a}/datasets/suppliers",
        **upload(csv_file(rows), "suppliers.csv")(),
    )
    assert queued.status_code == 202, queued.get_json()
    job = wait_for_job(
        scene.app.test_client(), scene.headers("company_a"), queued.get_json()["job_id"]
    )
    assert job["status"] == "succeeded" and job["result"]["outcome"] == "invalid", job
    report = _api(scene, "company_a", "GET", job["result"]["report_url"])
    assert report.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(report.data))
    found = {
        cell.value: cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
    }
    for text in injections:
        assert text in found, f"{text!r} is missing from the fix-it workbook"
        assert found[text].data_type == "s", f"{text!r} came back as a formula"


# --- file names ------------------------------------------------------------------------------
# A name with folders or control characters is refused (tests/hostile/corpus.py, "names"); a
# plain name with markup in it is a legal file name on most systems: it is kept, made safe.


def _only_content_addressed_files_added(before: snapshot.Snapshot, scene: Scene) -> None:
    after = snapshot.take(scene.app)
    upload_dir = Path(scene.app.config["UPLOAD_DIR"])
    for added in after.files - before.files:
        relative = Path(added).relative_to(upload_dir).as_posix()
        assert CONTENT_ADDRESSED.search(relative), f"unexpected file {added}"


def test_markup_in_a_file_name_is_kept_inert(scene: Scene) -> None:
    before = snapshot.take(scene.app)
    created = _api(
        scene,
        "company_a",
        "POST",
        f"/api/v1/assessments/{scene.assessment_a}/evidence",
        **upload(files.PDF_BYTES + b"markup", "<img src=x onerror=alert(1)>.pdf")(),
    )
    assert created.status_code == 201, created.get_json()
    kept = created.get_json()["filename"]
    assert not re.search(r'[<>"]', kept) and kept.endswith(".pdf"), kept
    _only_content_addressed_files_added(before, scene)
    page = _page(scene.web["company_a"], f"/assessments/{scene.assessment_a}")
    assert "<img src=x" not in page
