"""Cross-field rules, identifiers, duplicates, formulas, and how problems are located."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from compliance.datasets import (
    DatasetInvalid,
    DatasetKind,
    DatasetProblem,
    UploadLimits,
    validate_upload,
)
from tests.datasets.builders import (
    OTHER_VALID_LEI,
    SITE_HEADER,
    SUPPLIER_HEADER,
    VALID_LEI,
    VALID_OS_ID,
    csv_file,
    site,
    supplier,
    workbook,
)

SITES = DatasetKind.SITES
SUPPLIERS = DatasetKind.SUPPLIERS


def problems_of(
    kind: DatasetKind, rows: list[list[object]], *, header: list[str] | None = None, **limits: int
) -> list[DatasetProblem]:
    header = header or (SITE_HEADER if kind is SITES else SUPPLIER_HEADER)
    with pytest.raises(DatasetInvalid) as caught:
        validate_upload(
            kind, workbook([header, *rows]), filename="f.xlsx", limits=UploadLimits(**limits)
        )
    return caught.value.problems


def located(problems: list[DatasetProblem]) -> dict[tuple[int, str], DatasetProblem]:
    return {(problem.row, problem.column): problem for problem in problems}


def test_coordinates_come_in_pairs_within_range() -> None:
    found = located(
        problems_of(
            SITES,
            [
                site(Name="A", Latitude=4.5, Longitude=""),
                site(Name="B", Latitude="", Longitude=-74.1),
                site(Name="C", Latitude=95.5, Longitude=200),
                site(Name="D", Latitude=45, Longitude=-181),
                site(Name="E", Latitude="", Longitude=""),
            ],
        )
    )

    assert "longitude is empty" in found[(2, "Longitude")].problem
    assert "latitude is empty" in found[(3, "Latitude")].problem
    assert "outside -90 to 90" in found[(4, "Latitude")].problem
    assert "outside -180 to 180" in found[(4, "Longitude")].problem
    assert "outside -180 to 180" in found[(5, "Longitude")].problem
    assert len(found) == 5


def test_swapped_coordinates_get_a_swap_hint() -> None:
    (problem,) = problems_of(SITES, [site(Latitude=-104.9, Longitude=39.7)])

    assert (problem.row, problem.column_letter) == (2, "E")
    assert "look swapped" in problem.problem
    assert problem.fix == "Swap the latitude and longitude values on this row."


def test_fpic_rules_on_indigenous_land() -> None:
    found = located(
        problems_of(
            SITES,
            [
                site(Name="A", On_Indigenous_land="yes"),
                site(Name="B", On_Indigenous_land="yes", FPIC_status="not applicable"),
                site(Name="C", On_Indigenous_land="yes", FPIC_status="obtained"),
                site(Name="D", On_Indigenous_land="yes", FPIC_status="not sought"),
                site(Name="E", On_Indigenous_land="no", FPIC_status="not applicable"),
                site(Name="F", On_Indigenous_land="unknown"),
            ],
        )
    )

    assert "FPIC status is empty" in found[(2, "FPIC status")].problem
    assert "obtained, in progress, withheld" in found[(2, "FPIC status")].fix
    assert "cannot be 'not applicable'" in found[(3, "FPIC status")].problem
    assert "evidence is missing" in found[(4, "FPIC evidence")].problem
    assert len(found) == 3


def test_fpic_rule_points_at_the_trigger_when_the_column_is_absent() -> None:
    keep = [i for i, h in enumerate(SITE_HEADER) if not h.startswith("FPIC")]
    header = [SITE_HEADER[i] for i in keep]
    row = site(On_Indigenous_land="sí")

    (problem,) = problems_of(SITES, [[row[i] for i in keep]], header=header)

    assert problem.column == "On Indigenous land"
    assert problem.fix.startswith("Add a 'FPIC status' column to the sheet. Then: ")


def test_security_provider_needs_a_name_when_there_is_security() -> None:
    found = located(
        problems_of(
            SITES,
            [
                site(Name="A", Security_provider="private"),
                site(Name="B", Security_provider="both"),
                site(Name="C", Security_provider="policía"),
                site(Name="D", Security_provider="none"),
                site(Name="E", Security_provider="private", Security_provider_name="Guardas SA"),
            ],
        )
    )

    assert set(found) == {(row, "Security provider name") for row in (2, 3, 4)}


def test_tier_one_suppliers_need_a_country() -> None:
    found = located(
        problems_of(
            SUPPLIERS,
            [
                supplier(Name="A", Country="", Tier=1),
                supplier(Name="B", Country="", Tier=2),
                supplier(Name="C", Country="", Tier="3+"),
            ],
        )
    )

    assert list(found) == [(2, "Country")]
    assert "tier-1" in found[(2, "Country")].problem


def test_required_cells_are_reported_empty() -> None:
    found = located(problems_of(SITES, [site(Name="", Type="", Status="  ")]))

    assert set(found) == {(2, "Name"), (2, "Type"), (2, "Status")}
    assert found[(2, "Name")].problem == "Name is empty."


def test_identifiers_are_checked_with_their_check_digits() -> None:
    found = located(
        problems_of(
            SUPPLIERS,
            [
                supplier(Name="A", LEI=VALID_LEI, OS_ID=VALID_OS_ID),
                supplier(Name="B", LEI=" 5493 001K JTII GC8Y 1R12 ".replace("1R12", "1R13")),
                supplier(Name="C", LEI="5493001KJTIIGC8Y1R1"),
                supplier(Name="D", OS_ID="CN-2019303-BQ3FZ-Q"),
                supplier(Name="E", OS_ID="cn2019303bq3fzp", LEI=OTHER_VALID_LEI),
            ],
        )
    )

    assert set(found) == {(3, "LEI"), (4, "LEI"), (5, "OS ID"), (6, "OS ID")}
    assert "ISO 17442" in found[(3, "LEI")].fix
    assert "not a valid Open Supply Hub ID" in found[(5, "OS ID")].problem
    assert "Rows 2 and 6 have the same OS ID" in found[(6, "OS ID")].problem


def test_duplicates_by_name_and_country_or_identifier_name_both_rows() -> None:
    found = located(
        problems_of(
            SUPPLIERS,
            [
                supplier(Name="Textiles Andinos S.A.", Country="Perú"),
                supplier(Name="Minera Sur", Country="CL", LEI=VALID_LEI),
                supplier(Name="TEXTILES  ANDINOS s.a.", Country="PE"),
                supplier(Name="Textiles Andinos S.A.", Country="BO"),
                supplier(Name="Minera del Sur", Country="CL", LEI=VALID_LEI),
                supplier(Name="X", Country="CO", Registry_number="900.123.456"),
                supplier(Name="Y", Country="CO", Registry_number="900123456"),
                supplier(Name="Z", Country="EC", Registry_number="900123456"),
            ],
        )
    )

    assert set(found) == {(4, "Name"), (6, "LEI"), (8, "Registry number")}
    assert found[(4, "Name")].problem == "Rows 2 and 4 have the same name and country."
    assert found[(6, "LEI")].problem == "Rows 3 and 6 have the same LEI."
    assert found[(8, "Registry number")].problem == "Rows 7 and 8 have the same Registry number."


def test_site_duplicates_by_site_id() -> None:
    header = ["Site ID", *SITE_HEADER]
    found = located(
        problems_of(
            SITES,
            [["S-1", *site(Name="A")], ["s-1", *site(Name="B")], ["S-2", *site(Name="C")]],
            header=header,
        )
    )

    assert list(found) == [(3, "Site ID")]


def test_formula_cells_are_reported_one_by_one() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Sites"
    sheet.append(SITE_HEADER)
    sheet.append(site())
    sheet.append(site(Name="B"))
    sheet["A3"] = '=CONCAT("Mina ", "B")'
    sheet["E2"] = "=6.25"
    sheet["P2"] = "=1+1"
    output = io.BytesIO()
    book.save(output)

    with pytest.raises(DatasetInvalid) as caught:
        validate_upload(SITES, output.getvalue(), filename="sites.xlsx")

    formulas = [(p.row, p.column_letter) for p in caught.value.problems if "formula" in p.problem]
    assert formulas == [(2, "E"), (3, "A")]
    assert "Paste Special > Values" in caught.value.problems[0].fix


def test_problems_locate_csv_cells_as_the_user_sees_them() -> None:
    rows = [SITE_HEADER, site(), site(Name="B", Country="Atlantis")]

    with pytest.raises(DatasetInvalid) as caught:
        validate_upload(SITES, csv_file(rows, delimiter=";"), filename="Mis sitios.csv")

    assert caught.value.problems == [
        DatasetProblem(
            sheet="Mis sitios",
            row=3,
            column="Country",
            column_letter="C",
            value="Atlantis",
            problem="'Atlantis' is not a country we recognise.",
            fix="Write the country's name in English, Spanish or French, or its ISO code "
            "(e.g. CO or COL for Colombia).",
        )
    ]
    assert caught.value.total == 1
    assert caught.value.rows == 1


def test_problem_list_is_capped_but_counted() -> None:
    rows = [site(Name=f"S{n}", Country="??", Status="?") for n in range(30)]

    with pytest.raises(DatasetInvalid) as caught:
        validate_upload(
            SITES,
            workbook([SITE_HEADER, *rows]),
            filename="f.xlsx",
            limits=UploadLimits(max_problems=10),
        )

    assert len(caught.value.problems) == 10
    assert (caught.value.total, caught.value.rows) == (60, 30)
    assert "the first 10 are listed" in str(caught.value)


def test_overlong_text_is_reported_with_the_limit() -> None:
    (problem,) = problems_of(SITES, [site(Name="x" * 301)])

    assert (problem.column, problem.problem) == ("Name", "The text is longer than 300 characters.")
    assert "300 characters or fewer" in problem.fix
