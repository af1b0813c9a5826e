"""The length limit of text columns holds in columns with empty cells too (they are skipped,
not counted), and a text at the limit passes."""

from __future__ import annotations

import pytest

from compliance.datasets import DatasetInvalid, DatasetKind, validate_upload
from tests.datasets.builders import SITE_HEADER, site, workbook

SITES = DatasetKind.SITES


def on_indigenous_land(name: str, evidence: str) -> list[object]:
    return site(Name=name, On_Indigenous_land="yes", FPIC_status="obtained", FPIC_evidence=evidence)


def test_overlong_text_among_empty_cells_is_reported_on_its_row() -> None:
    rows = [
        site(Name="A"),
        on_indigenous_land("B", "Agreement " + "x" * 991),
        site(Name="C"),
        on_indigenous_land("D", "Signed agreement"),
    ]

    with pytest.raises(DatasetInvalid) as caught:
        validate_upload(SITES, workbook([SITE_HEADER, *rows]), filename="f.xlsx")

    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (3, "FPIC evidence")
    assert problem.problem == "The text is longer than 1000 characters."


def test_texts_at_the_limit_pass_beside_empty_cells() -> None:
    rows = [site(Name="A"), on_indigenous_land("B", "x" * 1000), site(Name="n" * 300)]

    clean = validate_upload(SITES, workbook([SITE_HEADER, *rows]), filename="f.xlsx")

    assert clean.summary.rows == 3
