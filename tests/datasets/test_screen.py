"""The screen an upload passes inside the request (`screen_file`): it refuses what
`validate_upload` would refuse as a whole, without reading a row, and lets everything else
through to the job that checks the rows."""

from __future__ import annotations

import io
import zipfile

import pytest

from compliance.datasets import DatasetRefused, UploadLimits, screen_file
from tests.datasets.builders import SITE_HEADER, csv_file, site, workbook
from tests.datasets.test_reading import ROWS, UNUSABLE, rezipped


def screened_out(data: bytes, filename: str, **limits: int) -> str:
    with pytest.raises(DatasetRefused) as caught:
        screen_file(data, filename=filename, limits=UploadLimits(**limits))
    return str(caught.value)


@pytest.mark.parametrize(("data", "filename", "expected"), UNUSABLE)
def test_files_refused_as_a_whole_are_refused_by_the_screen(
    data: bytes, filename: str, expected: str
) -> None:
    assert expected in screened_out(data, filename)


def test_containers_that_hurt_are_refused_by_the_screen() -> None:
    data = workbook(ROWS)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    entity = b'<!DOCTYPE x [<!ENTITY boom "boom">]>' + sheet
    bomb = b"<x>" + b" " * 5_000_000 + b"</x>"
    macro = rezipped(data, {"xl/vbaProject.bin": b"macro"})

    assert "XML entities" in screened_out(
        rezipped(data, {"xl/worksheets/sheet1.xml": entity}), "a.xlsx"
    )
    assert "zip bomb" in screened_out(rezipped(data, {"xl/media/padding.xml": bomb}), "b.xlsx")
    assert "macros" in screened_out(macro, "c.xlsx")


def test_a_csv_with_more_lines_than_the_row_limit_is_refused_by_the_screen() -> None:
    rows = [SITE_HEADER] + [site(Name=f"Site {n}") for n in range(6)]

    assert "more than 5 rows" in screened_out(csv_file(rows), "sites.csv", max_rows=5)
    screen_file(csv_file(rows), filename="sites.csv", limits=UploadLimits(max_rows=6))


def test_quoted_line_breaks_leave_the_row_count_to_the_job() -> None:
    """With quotes a record may span lines, so lines are not rows: the screen cannot count
    without parsing, and lets the job count."""
    rows = [SITE_HEADER] + [site(Name=f"Site\n{n}") for n in range(3)]
    data = csv_file(rows)
    assert data.count(b"\n") > 5 and b'"' in data

    screen_file(data, filename="sites.csv", limits=UploadLimits(max_rows=3))


def test_row_problems_pass_the_screen_for_the_job_to_report() -> None:
    bad = [SITE_HEADER, site(Country="Atlantis", Latitude=95.2)]

    screen_file(workbook(bad), filename="sites.xlsx", limits=UploadLimits())
    screen_file(csv_file(bad), filename="sites.csv", limits=UploadLimits())
