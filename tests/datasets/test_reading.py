"""Whole-file handling: formats, encodings, sheets, limits and the files we refuse."""

from __future__ import annotations

import io
import zipfile

import pytest

from compliance.datasets import (
    DatasetInvalid,
    DatasetKind,
    DatasetRefused,
    UploadLimits,
    validate_upload,
)
from tests.datasets.builders import SITE_HEADER, csv_file, site, workbook

SITES = DatasetKind.SITES
ROWS = [SITE_HEADER, site(), site(Name="Parque Eólico Sur", Type="wind farm", Country="PE")]


def refusal(data: bytes, filename: str, **limits: int) -> str:
    with pytest.raises(DatasetRefused) as caught:
        validate_upload(SITES, data, filename=filename, limits=UploadLimits(**limits))
    return str(caught.value)


def test_good_xlsx_gives_typed_rows_and_summary() -> None:
    dataset = validate_upload(SITES, workbook(ROWS), filename="sites.xlsx")

    assert dataset.frame["name"].tolist() == ["Mina Norte", "Parque Eólico Sur"]
    assert dataset.frame["site_type"].tolist() == ["mine", "wind_farm"]
    assert dataset.frame["latitude"].tolist() == [6.25, 6.25]
    assert dataset.summary.rows == 2
    assert dataset.summary.file_format == "xlsx"
    assert dataset.summary.sheet == "Sites"
    assert dataset.summary.countries == {"CO": 1, "PE": 1}
    assert dataset.summary.columns["indigenous_land"] == "On Indigenous land"


@pytest.mark.parametrize(
    ("delimiter", "bom"), [(",", False), (",", True), (";", True), (";", False), ("\t", False)]
)
def test_good_csv_with_or_without_bom_and_any_delimiter(delimiter: str, bom: bool) -> None:
    data = csv_file(ROWS, delimiter=delimiter, bom=bom)

    dataset = validate_upload(SITES, data, filename="sites.csv")

    assert dataset.frame["name"].tolist() == ["Mina Norte", "Parque Eólico Sur"]
    assert dataset.frame["longitude"].tolist() == [-75.56, -75.56]
    assert dataset.summary.file_format == "csv"
    assert dataset.summary.sheet == "sites"


def test_semicolon_csv_with_decimal_commas() -> None:
    rows = [SITE_HEADER, site(Latitude="4,5", Longitude="-74,08")]

    dataset = validate_upload(SITES, csv_file(rows, delimiter=";"), filename="s.csv")

    assert dataset.frame["latitude"].tolist() == [4.5]
    assert dataset.frame["longitude"].tolist() == [-74.08]


def test_utf16_csv_is_refused_with_how_to_resave() -> None:
    for data in (csv_file(ROWS, encoding="utf-16"), csv_file(ROWS, encoding="utf-16-le")):
        message = refusal(data, "sites.csv")
        assert "UTF-16" in message
        assert "CSV UTF-8" in message


def test_latin1_csv_is_refused_naming_the_line() -> None:
    rows = [SITE_HEADER, site(), site(Name="Río Blanco")]

    message = refusal(csv_file(rows, encoding="cp1252"), "sites.csv")

    assert "not UTF-8" in message
    assert "line 3" in message
    assert "Windows-1252" in message


def test_ragged_csv_row_is_refused_with_its_line() -> None:
    data = (
        csv_file([SITE_HEADER, site()]) + b"Extra,mine,CO,a,1,2,operating,,,no,,,none,,yes,oops\r\n"
    )

    message = refusal(data, "sites.csv")

    assert "Line 3 has 16 values but the header has 15" in message


# Files refused as a whole, with a phrase of the refusal: the request's screen refuses them too.
UNUSABLE = [
    (b"", "sites.xlsx", "empty"),
    (b"   \n", "sites.csv", "empty"),
    (b"just some words", "sites.xlsx", "not an .xlsx workbook"),
    (b"%PDF-1.7 binary", "sites.csv", "PDF"),
    (b"PK\x03\x04not really a zip", "sites.xlsx", "not an .xlsx workbook"),
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "sites.xlsx", "encrypted"),
    (workbook(ROWS), "sites.xlsm", ".xlsm"),
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "sites.xls", ".xls"),
    (csv_file(ROWS, encoding="utf-16"), "sites.csv", "UTF-16"),
    (csv_file(ROWS, encoding="cp1252"), "sites.csv", "not UTF-8"),
]


@pytest.mark.parametrize(("data", "filename", "expected"), UNUSABLE)
def test_files_that_are_not_usable_are_refused(data: bytes, filename: str, expected: str) -> None:
    assert expected in refusal(data, filename)


def test_macro_workbook_is_refused_whatever_its_name() -> None:
    buffer = io.BytesIO(workbook(ROWS))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"macro")

    assert "macros" in refusal(buffer.getvalue(), "sites.xlsx")


def rezipped(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The workbook with some members replaced or added."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            if item.filename not in replace:
                target.writestr(item, source.read(item))
        for name, content in replace.items():
            target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return output.getvalue()


def test_zip_bombs_and_xml_entities_are_refused_before_parsing() -> None:
    data = workbook(ROWS)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    entity = b'<!DOCTYPE x [<!ENTITY boom "boom">]>' + sheet
    bomb = b"<x>" + b" " * 5_000_000 + b"</x>"

    assert "XML entities" in refusal(rezipped(data, {"xl/worksheets/sheet1.xml": entity}), "a.xlsx")
    assert "zip bomb" in refusal(rezipped(data, {"xl/media/padding.xml": bomb}), "b.xlsx")


def test_header_without_rows_is_refused() -> None:
    assert "no data rows" in refusal(workbook([SITE_HEADER]), "sites.xlsx")
    assert "no data rows" in refusal(csv_file([SITE_HEADER]), "sites.csv")


@pytest.mark.parametrize("make", [workbook, csv_file])
def test_more_rows_than_the_limit_is_refused_naming_the_limit(make) -> None:
    data = make([SITE_HEADER] + [site(Name=f"Site {n}") for n in range(6)])

    message = refusal(data, "sites.xlsx" if make is workbook else "sites.csv", max_rows=5)

    assert "more than 5 rows" in message
    assert (
        validate_upload(SITES, data, filename="s", limits=UploadLimits(max_rows=6)).summary.rows
        == 6
    )


def test_a_million_row_csv_is_refused_with_the_default_limit_named() -> None:
    data = csv_file([SITE_HEADER]) + b"Site,mine,CO,,,,operating,,,no,,,none,,yes\r\n" * 1_000_000

    assert "more than 200,000 rows" in refusal(data, "sites.csv")


def test_csv_over_the_size_limit_is_refused_naming_the_limit() -> None:
    data = csv_file(ROWS) + b"," * (2 * 2**20)

    assert "limit for a CSV upload is 1 MiB" in refusal(data, "sites.csv", max_csv_bytes=2**20)


def test_sheet_named_like_the_kind_is_read_and_hidden_sheets_skipped() -> None:
    named = workbook(ROWS, sheet="Sitios", before=["Instructions"])
    hidden_first = workbook(ROWS, sheet="Data", hidden=["Old"])

    assert validate_upload(SITES, named, filename="a.xlsx").summary.sheet == "Sitios"
    assert validate_upload(SITES, hidden_first, filename="b.xlsx").summary.sheet == "Data"


def test_title_rows_and_blank_rows_keep_the_row_numbers_the_user_sees() -> None:
    rows = [["Project sites 2025"], [], SITE_HEADER, site(), [], site(Name="Otra", Country="XX")]

    with pytest.raises(DatasetInvalid) as caught:
        validate_upload(SITES, workbook(rows), filename="sites.xlsx")

    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.column_letter) == (6, "Country", "C")
    assert problem.value == "XX"
