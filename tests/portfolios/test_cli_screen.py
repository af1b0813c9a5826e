"""`hrd-sentinel screen PORTFOLIO --out ...`: offline screening against the local database."""

from __future__ import annotations

import io
import json
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from compliance import db
from compliance.portfolios.models import PortfolioHolding, PortfolioRun
from tests.conftest import World
from tests.portfolios import briefing_world as bw


def portfolio_xlsx(rows: list[tuple]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Holdings"
    sheet.append(["Name", "Country", "Sector", "Weight"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_screen_writes_pdf_xlsx_and_json_and_stores_nothing(
    app: Flask, world: World, tmp_path: Path
):
    pw = bw.build(app, world)
    source = tmp_path / "fund.xlsx"
    source.write_bytes(
        portfolio_xlsx(
            [
                ("Minera Alfa S.A.", "CO", "mining", 60),
                ("Agro Beta Ltda", "BR", "agribusiness", 30),
                ("Nobody Known Ltd", "GB", "retail", 10),
            ]
        )
    )
    with db.session_scope(app) as session:
        holdings_before = session.execute(
            sa.select(sa.func.count()).select_from(PortfolioHolding)
        ).scalar_one()
    outputs = [tmp_path / "briefing.pdf", tmp_path / "briefing.xlsx", tmp_path / "b.json"]
    args = ["screen", str(source), "--name", "Fund One"]
    for path in outputs:
        args += ["--out", str(path)]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "3 holdings" in result.output and "with red flags" in result.output
    briefing = json.loads(outputs[2].read_text("utf-8"))
    assert briefing["portfolio_name"] == "Fund One"
    by_name = {h["name"]: h for h in briefing["holdings"]}
    alfa = by_name["Minera Alfa S.A."]
    assert alfa["organisation_id"] == pw.company_a
    assert {i["ref"] for i in alfa["incidents"]} == {pw.killing_ref, pw.threat_ref}
    assert by_name["Nobody Known Ltd"]["organisation_id"] is None
    pdf_text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(outputs[0].read_bytes())).pages
    )
    assert "Executive summary" in pdf_text and pw.killing_ref in pdf_text
    workbook = load_workbook(io.BytesIO(outputs[1].read_bytes()), read_only=True)
    assert workbook.sheetnames == ["Summary", "Holdings", "Incidents"]
    for text in (pdf_text, outputs[2].read_text("utf-8")):
        assert bw.leaked(text) == []
    with db.session_scope(app) as session:
        assert (
            session.execute(sa.select(sa.func.count()).select_from(PortfolioHolding)).scalar_one()
            == holdings_before
        )
        assert (
            session.execute(sa.select(sa.func.count()).select_from(PortfolioRun)).scalar_one() == 0
        )


def test_screen_refuses_a_bad_file_and_writes_nothing(app: Flask, tmp_path: Path):
    source = tmp_path / "bad.xlsx"
    source.write_bytes(portfolio_xlsx([("Alfa", "CO", "mining", "lots"), ("Beta", "CO", "x", 50)]))
    out = tmp_path / "briefing.pdf"
    result = app.test_cli_runner().invoke(args=["screen", str(source), "--out", str(out)])
    assert result.exit_code == 1
    assert "Error:" in result.output and "nothing was stored" in result.output
    assert not out.exists()


def test_screen_refuses_an_unknown_output_format(app: Flask, tmp_path: Path):
    source = tmp_path / "fund.xlsx"
    source.write_bytes(portfolio_xlsx([("Alfa", "CO", "mining", 100)]))
    result = app.test_cli_runner().invoke(
        args=["screen", str(source), "--out", str(tmp_path / "briefing.docx")]
    )
    assert result.exit_code == 1 and ".pdf, .xlsx or .json" in result.output
