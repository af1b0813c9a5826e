"""Benchmark the sites upload path against reading the same workbook with openpyxl.

Generates a 100,000-row sites workbook with 1% bad rows (written directly as Excel writes it:
shared strings, date cells with a date style; generation is not timed), then times
(a) openpyxl read-only iterating every value, the baseline, in this process, and
(b) the full upload path (read, normalise, validate, write up the problem list) in a fresh
    subprocess, whose peak RSS is reported so the baseline's memory does not count.
Prints one line: rows=... baseline_s=... upload_s=... speedup=... peak_rss_mb=...
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

ROWS = 100_000
BAD_EVERY = 100
ROOT = Path(__file__).resolve().parent.parent
HEADER = [
    "Site ID",
    "Name",
    "Type",
    "Country",
    "Admin region",
    "Latitude",
    "Longitude",
    "Status",
    "Start date",
    "Affected communities",
    "On or near Indigenous land",
    "FPIC status",
    "FPIC evidence",
    "Security provider",
    "Security provider name",
    "Grievance mechanism",
]
COUNTRIES = ["Colombia", "Perú", "Brasil", "MX", "Côte d'Ivoire", "IDN", "Philippines", "GT"]
TYPES = ["mine", "plantation", "dam", "wind farm", "solar farm", "pipeline", "factory", "port"]
STATUSES = ["operating", "planned", "construction", "closed", "en operación", "en exploitation"]
EXCEL_EPOCH = date(1899, 12, 30)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def site_row(number: int, rng: random.Random) -> list[object]:
    indigenous = rng.choice(["yes", "no", "unknown"])
    security = rng.choice(["none", "private", "public"])
    row: list[object] = [
        f"S-{number:06d}",
        f"Site {number}",
        rng.choice(TYPES),
        rng.choice(COUNTRIES),
        f"Region {number % 40}",
        round(rng.uniform(-40, 40), 5),
        round(rng.uniform(-120, 120), 5),
        rng.choice(STATUSES),
        date(1990 + number % 30, 1 + number % 12, 1 + number % 28),
        f"Community {number % 500}",
        indigenous,
        "obtained" if indigenous == "yes" else "",
        "Signed agreement 2019" if indigenous == "yes" else "",
        security,
        "" if security == "none" else "Guardian Security Ltd",
        rng.choice(["yes", "no"]),
    ]
    if number % BAD_EVERY == 0:
        spoil(row, number // BAD_EVERY % 6)
    return row


def spoil(row: list[object], how: int) -> None:
    """One problem per bad row, of six kinds."""
    if how == 0:
        row[3] = "Atlantis"
    elif how == 1:
        row[5], row[6] = -104.9, 39.7
    elif how == 2:
        row[10], row[11], row[12] = "yes", "", ""
    elif how == 3:
        row[8] = "next spring"
    elif how == 4:
        row[13], row[14] = "private", ""
    else:
        row[7] = "maybe"


def column_letter(index: int) -> str:
    return chr(ord("A") + index)


def write_workbook(path: Path) -> None:
    """Write the benchmark workbook as Excel does (shared strings, styled date cells)."""
    rng = random.Random(4)
    strings: dict[str, int] = {}

    def cell(reference: str, value: object) -> str:
        if isinstance(value, str):
            if value == "":
                return ""
            index = strings.setdefault(value, len(strings))
            return f'<c r="{reference}" t="s"><v>{index}</v></c>'
        if isinstance(value, date):
            return f'<c r="{reference}" s="1"><v>{(value - EXCEL_EPOCH).days}</v></c>'
        return f'<c r="{reference}"><v>{value}</v></c>'

    rows = []
    for number in range(1, ROWS + 2):
        values = HEADER if number == 1 else site_row(number - 1, rng)
        cells = "".join(cell(f"{column_letter(i)}{number}", v) for i, v in enumerate(values))
        rows.append(f'<row r="{number}">{cells}</row>')
    last = f"{column_letter(len(HEADER) - 1)}{ROWS + 1}"
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><dimension ref="A1:{last}"/>'
        f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
    )
    shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
            '/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            f'ContentType="{SHEET_CT}.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            f'sheet1.xml" ContentType="{SHEET_CT}.worksheet+xml"/><Override PartName="/xl/'
            f'sharedStrings.xml" ContentType="{SHEET_CT}.sharedStrings+xml"/><Override '
            f'PartName="/xl/styles.xml" ContentType="{SHEET_CT}.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_NS}">'
            f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} xmlns:r="{REL_NS}"><sheets>'
            '<sheet name="Sites" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_NS}">'
            f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{REL_NS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {NS}>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
            'borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" '
            'fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" '
            'borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1">'
            '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
        ),
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{shared}</sst>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def read_with_openpyxl(path: Path) -> float:
    """The baseline: openpyxl read-only, touching every value."""
    from openpyxl import load_workbook

    started = time.perf_counter()
    book = load_workbook(path, read_only=True, data_only=True)
    cells = sum(len(row) for row in book.worksheets[0].iter_rows(values_only=True))
    elapsed = time.perf_counter() - started
    book.close()
    assert cells == (ROWS + 1) * len(HEADER), cells
    return elapsed


def measure_upload(path: str) -> None:
    """Run in the child: time one upload, report seconds, problem rows and peak RSS as JSON."""
    from compliance.datasets import DatasetInvalid, DatasetKind, validate_upload

    data = Path(path).read_bytes()
    started = time.perf_counter()
    try:
        validate_upload(DatasetKind.SITES, data, filename="sites.xlsx")
    except DatasetInvalid as invalid:
        elapsed = time.perf_counter() - started
        rows = invalid.rows
    else:
        raise SystemExit("the benchmark workbook passed validation; its bad rows were not found")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": elapsed, "problem_rows": rows, "peak_rss_mb": peak_kib / 1024}))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sites.xlsx"
        write_workbook(path)
        baseline = read_with_openpyxl(path)
        child = subprocess.run(
            [sys.executable, __file__, "--upload", str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
    result = json.loads(child.stdout)
    if result["problem_rows"] != ROWS // BAD_EVERY:
        raise SystemExit(f"expected {ROWS // BAD_EVERY} bad rows, found {result['problem_rows']}")
    upload = result["seconds"]
    print(
        f"rows={ROWS} baseline_s={baseline:.2f} upload_s={upload:.2f} "
        f"speedup={baseline / upload:.1f} peak_rss_mb={result['peak_rss_mb']:.0f}"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--upload":
        sys.path.insert(0, str(ROOT))
        measure_upload(sys.argv[2])
    else:
        main()
