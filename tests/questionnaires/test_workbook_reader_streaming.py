"""Members are checked in one streaming pass: a formula cell or an entity declaration that falls
across two inflated chunks is found exactly as in the whole member."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from questionnaires import workbook_reader
from questionnaires.workbook_reader import WorkbookRefused, open_untrusted_xlsx

SHEET = "xl/worksheets/sheet1.xml"


def formula_workbook() -> tuple[bytes, list[str]]:
    """A sheet mixing values, empty styled cells and formulas, with the formula addresses."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    formulas = []
    for row in range(1, 41):
        sheet.cell(row, 1, f"name {row}")
        sheet.cell(row, 2, row * 1.5)
        if row % 3 == 0:
            sheet.cell(row, 3, f"=B{row}*2")
            formulas.append(f"C{row}")
        if row % 7 == 0:
            sheet.cell(row, 27, "=1+1")
            formulas.append(f"AA{row}")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), formulas


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item), compress_type=zipfile.ZIP_DEFLATED)
        target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return output.getvalue()


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 333, 4096, 2**20])
def test_formula_cells_are_found_whatever_the_chunk_size(monkeypatch, chunk: int) -> None:
    data, formulas = formula_workbook()
    monkeypatch.setattr(workbook_reader, "_CHUNK", chunk)

    found = open_untrusted_xlsx(data).formula_cells("Data")

    assert sorted(found) == sorted(formulas)
    assert len(found) == len(set(found))


@pytest.mark.parametrize("chunk", [5, 64, 1000])
def test_entity_declaration_across_a_chunk_boundary_is_refused(monkeypatch, chunk: int) -> None:
    data, _ = formula_workbook()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read(SHEET)
    head, tail = sheet.split(b"<sheetData>", 1)
    for offset in range(len(b"<!ENTITY")):
        # Past the first 4096 bytes, starting `offset` bytes before a chunk boundary.
        start = (4200 // chunk + 2) * chunk - offset
        padding = b"<!--" + b"p" * (start - len(head) - len(b"<!--"))
        hostile = head + padding + b'<!ENTITY x "y">-->' + b"<sheetData>" + tail
        assert hostile.index(b"<!ENTITY") == start
        monkeypatch.setattr(workbook_reader, "_CHUNK", chunk)

        with pytest.raises(WorkbookRefused, match="XML entities"):
            open_untrusted_xlsx(with_member(data, SHEET, hostile))


def test_a_formula_tag_outside_any_addressed_cell_is_refused_in_any_chunk(monkeypatch) -> None:
    data, _ = formula_workbook()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read(SHEET)
    hostile = sheet.replace(b'<c r="C3"', b"<c", 1)
    monkeypatch.setattr(workbook_reader, "_CHUNK", 16)

    with pytest.raises(WorkbookRefused, match="without an address"):
        open_untrusted_xlsx(with_member(data, SHEET, hostile))
