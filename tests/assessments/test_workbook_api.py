"""The xlsx round trip through the API: download, fill as a person would, upload, read back.

The upload is screened as a whole at once (422) and imported by a job (202), whose result says
whether the answers were imported, or why not."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import sqlalchemy as sa
from flask import Flask

from compliance import db
from compliance.assessments.models import Answer
from questionnaires.workbook_layout import FIRST_QUESTION_ROW, ID_COLUMN
from tests.assessments.support import fill
from tests.assessments.test_api import start
from tests.conftest import World
from tests.support.jobs import wait_for_job


def _upload(client, world: World, assessment_id: int, data: bytes, name: str = "answers.xlsx"):
    return client.post(
        f"/api/v1/assessments/{assessment_id}/answers.xlsx",
        data={"file": (io.BytesIO(data), name)},
        headers=world["company_a"].headers,
        content_type="multipart/form-data",
    )


def _imported(client, world: World, assessment_id: int, data: bytes) -> dict:
    """Upload a workbook the request accepts and wait for its import: the job's result."""
    answer = _upload(client, world, assessment_id, data)
    assert answer.status_code == 202, answer.json
    assert answer.headers["Location"] == answer.json["status_url"]
    job = wait_for_job(client, world["company_a"].headers, answer.json["job_id"])
    assert job["status"] == "succeeded", job
    assert job["result"]["filename"] == "answers.xlsx"
    return job["result"]


def _answers(client, world: World, assessment_id: int) -> dict:
    return client.get(
        f"/api/v1/assessments/{assessment_id}", headers=world["company_a"].headers
    ).json


def test_download_fill_upload_and_read_back(client, world: World) -> None:
    assessment = start(client, world)
    template = client.get(
        f"/api/v1/assessments/{assessment['id']}/answers.xlsx", headers=world["company_a"].headers
    )
    assert template.status_code == 200 and template.data[:2] == b"PK"
    filled = fill(template.data, {"A1": "Yes", "B1": "Partly", "B2": 4, "C1": "No"})
    imported = _imported(client, world, assessment["id"], filled)
    assert imported == {"outcome": "imported", "imported_answers": 4, "filename": "answers.xlsx"}
    answers = _answers(client, world, assessment["id"])["answers"]
    assert answers == {"A1": "yes", "B1": "partly", "B2": 4, "C1": "no"}
    again = client.get(
        f"/api/v1/assessments/{assessment['id']}/answers.xlsx", headers=world["company_a"].headers
    )
    sheet_values = {
        row[0].value: row[3].value
        for sheet in openpyxl.load_workbook(io.BytesIO(again.data)).worksheets
        for row in sheet.iter_rows(min_row=FIRST_QUESTION_ROW)
        if len(row) > 3
    }
    assert sheet_values["A1"] == "Yes" and sheet_values["B2"] == 4


def test_a_bad_workbook_imports_nothing_and_comes_back_highlighted(
    app: Flask, client, world: World
) -> None:
    assessment = start(client, world)
    base = f"/api/v1/assessments/{assessment['id']}"
    template = client.get(f"{base}/answers.xlsx", headers=world["company_a"].headers).data
    filled = fill(template, {"A1": "Yes", "B1": "Perhaps", "B2": "=1+1"})
    refused = _imported(client, world, assessment["id"], filled)
    assert refused["outcome"] == "invalid"
    problems = {(e["sheet"][0], e["pointer"]) for e in refused["errors"]}
    assert len(problems) == 2 and all(cell.startswith("D") for _, cell in problems)
    assert refused["report_url"] == f"{base}/answers-report.xlsx" and "nothing" in refused["detail"]
    with db.session_scope(app) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Answer)).scalar_one() == 0
    report = client.get(f"{base}/answers-report.xlsx", headers=world["company_a"].headers)
    assert report.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(report.data))
    commented = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.comment
    ]
    assert len(commented) >= 2
    assert all(cell.fill.fgColor.rgb.endswith("FFC7CE") for cell in commented)
    assert (
        client.get(f"{base}/answers-report.xlsx", headers=world["company_b"].headers).status_code
        == 404
    )


def test_files_that_are_not_plain_workbooks_are_refused(client, world: World) -> None:
    assessment = start(client, world)
    not_xlsx = _upload(client, world, assessment["id"], b"name,country\nA,B\n", "answers.csv")
    assert not_xlsx.status_code == 422 and "not an .xlsx workbook" in not_xlsx.json["detail"]
    book = openpyxl.Workbook()
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"macro")
    macro = _upload(client, world, assessment["id"], out.getvalue(), "answers.xlsm")
    assert macro.status_code == 422 and "macros" in macro.json["detail"]
    other = client.get("/api/v1/questionnaires/financial_institution/template.xlsx").data
    wrong = _imported(client, world, assessment["id"], other)
    assert wrong["outcome"] == "refused" and "financial_institution" in wrong["detail"]
    assert _answers(client, world, assessment["id"])["answers"] == {}


def _fill_evidence(workbook: bytes, values: dict[str, str]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    for sheet in book.worksheets:
        for row in range(FIRST_QUESTION_ROW, sheet.max_row + 1):
            if sheet[f"{ID_COLUMN}{row}"].value in values:
                sheet[f"E{row}"] = values[sheet[f"{ID_COLUMN}{row}"].value]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_workbook_evidence_links_are_attached_and_unknown_ids_refused(client, world: World) -> None:
    assessment = start(client, world)
    base = f"/api/v1/assessments/{assessment['id']}"
    template = client.get(f"{base}/answers.xlsx", headers=world["company_a"].headers).data
    filled = fill(template, {"A1": "Yes"})
    unknown = _imported(client, world, assessment["id"], _fill_evidence(filled, {"A1": "EV999"}))
    assert unknown["outcome"] == "refused" and "EV999" in unknown["errors"][0]["detail"]
    assert client.get(base, headers=world["company_a"].headers).json["answers"] == {}
    linked = _imported(
        client,
        world,
        assessment["id"],
        _fill_evidence(filled, {"A1": "https://example.org/policy.pdf"}),
    )
    assert linked["outcome"] == "imported", linked
    items = _answers(client, world, assessment["id"])["evidence"]
    assert [(e["question_id"], e["url"]) for e in items] == [
        ("A1", "https://example.org/policy.pdf")
    ]
    again = _imported(
        client,
        world,
        assessment["id"],
        _fill_evidence(filled, {"A1": f"{items[0]['ref']}\nhttps://example.org/policy.pdf"}),
    )
    assert again["outcome"] == "imported"
    assert len(_answers(client, world, assessment["id"])["evidence"]) == 1


def test_oversized_and_zip_bomb_workbooks_are_refused_before_parsing(
    app: Flask, client, world: World
) -> None:
    assessment = start(client, world)
    app.config["WORKBOOK_MAX_BYTES"] = 50_000
    big = _upload(client, world, assessment["id"], b"PK\x03\x04" + b"\x00" * 60_000)
    assert big.status_code == 422 and "larger than" in big.json["detail"]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 40_000_000 + b"/>")
    refused = _upload(client, world, assessment["id"], bomb.getvalue())
    assert refused.status_code == 422
    assert "zip bomb" in refused.json["detail"] or "unpacks to" in refused.json["detail"]
