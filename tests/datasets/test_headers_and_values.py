"""Headers, countries, choices, numbers and dates as people write them in three languages."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pandas as pd
import pytest

from compliance.datasets import DatasetInvalid, DatasetKind, DatasetRefused, validate_upload
from compliance.datasets.kinds import SPECS
from tests.datasets.builders import (
    SITE_HEADER,
    SUPPLIER_HEADER,
    csv_file,
    site,
    supplier,
    workbook,
)

SITES = DatasetKind.SITES
SUPPLIERS = DatasetKind.SUPPLIERS

SPANISH_HEADER = [
    "Nombre",
    "Tipo",
    "País",
    "Región",
    "Latitud",
    "Longitud",
    "Estado",
    "Fecha de inicio",
    "Comunidades afectadas",
    "Territorio indígena",
    "CLPI",
    "Evidencia",
    "Proveedor de seguridad",
    "Empresa de seguridad",
    "Mecanismo de quejas",
]
FRENCH_HEADER = [
    "Nom",
    "Type de site",
    "Pays",
    "Région administrative",
    "Latitude",
    "Longitude",
    "Statut",
    "Date de début",
    "Communautés affectées",
    "Terres autochtones",
    "Statut CLIP",
    "Preuve CLIP",
    "Prestataire de sécurité",
    "Société de sécurité",
    "Mécanisme de plainte",
]


def sites(rows: list[list[object]], header: list[str] = SITE_HEADER) -> pd.DataFrame:
    return validate_upload(SITES, workbook([header, *rows]), filename="sites.xlsx").frame


def problems(kind: DatasetKind, data: bytes, filename: str = "sites.xlsx") -> list:
    with pytest.raises(DatasetInvalid) as caught:
        validate_upload(kind, data, filename=filename)
    return caught.value.problems


def test_spanish_and_french_headers_and_words_are_understood() -> None:
    spanish = site(
        Type="mina",
        Country="Brasil",
        Status="en operación",
        On_Indigenous_land="sí",
        FPIC_status="obtenido",
        FPIC_evidence="Acta 2019",
        Security_provider="privada",
        Security_provider_name="Vigilancia SA",
        Grievance_mechanism="sí",
    )
    french = site(
        Name="Parc éolien du Nord",
        Type="parc éolien",
        Country="Pérou",
        Status="en exploitation",
        On_Indigenous_land="oui",
        FPIC_status="en cours",
        FPIC_evidence="Procès-verbal",
        Security_provider="publique",
        Security_provider_name="Police nationale",
        Grievance_mechanism="non",
    )

    for header, row in ((SPANISH_HEADER, spanish), (FRENCH_HEADER, french)):
        frame = sites([row], header)
        assert frame.loc[0, "indigenous_land"] == "yes"
        assert frame.loc[0, "status"] == "operating"

    assert sites([spanish], SPANISH_HEADER).loc[0, "country"] == "BR"
    french_frame = sites([french], FRENCH_HEADER)
    assert french_frame.loc[0, "site_type"] == "wind_farm"
    assert french_frame.loc[0, "fpic_status"] == "in_progress"
    assert french_frame.loc[0, "security_provider"] == "public"
    assert not french_frame.loc[0, "grievance_mechanism"]


def test_headers_ignore_case_accents_notes_and_unknown_columns() -> None:
    header = [h.upper() for h in SITE_HEADER]
    header[2] = "PAIS (ISO) *"
    header[4] = "latitud (grados decimales)"
    data = workbook([[*header, "Internal notes"], [*site(), "call Ana"]])

    dataset = validate_upload(SITES, data, filename="sites.xlsx")

    assert dataset.frame.loc[0, "country"] == "CO"
    assert dataset.frame.loc[0, "latitude"] == 6.25
    assert dataset.summary.ignored_columns == ["Internal notes"]


def test_missing_required_column_names_it_and_the_accepted_headers() -> None:
    header = [h for h in SITE_HEADER if h != "Status"]
    row = site()
    del row[SITE_HEADER.index("Status")]

    with pytest.raises(DatasetRefused) as caught:
        validate_upload(SITES, workbook([header, row]), filename="sites.xlsx")

    message = str(caught.value)
    assert "'Status'" in message
    assert "estado" in message
    assert "statut" in message


def test_two_columns_meaning_the_same_field_are_refused() -> None:
    data = workbook([[*SITE_HEADER, "País"], [*site(), "Colombia"]])

    with pytest.raises(DatasetRefused, match=r"Columns C \('Country'\) and P \('País'\)"):
        validate_upload(SITES, data, filename="sites.xlsx")


def test_no_header_means_two_fields_within_a_kind() -> None:
    for spec in SPECS.values():
        assert len(spec.header_lookup) > len(spec.fields)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Brasil", "BR"),
        ("Pérou", "PE"),
        ("Côte d'Ivoire", "CI"),
        ("Côte d’Ivoire", "CI"),
        ("CO", "CO"),
        ("col", "CO"),
        ("Estados Unidos", "US"),
        ("Royaume-Uni", "GB"),
        ("RDC", "CD"),
        ("  méxico ", "MX"),
        ("Narnia", None),
    ],
)
def test_countries_in_three_languages_become_alpha2(written: str, code: str | None) -> None:
    data = workbook([SITE_HEADER, site(Country=written)])
    if code:
        assert validate_upload(SITES, data, filename="s.xlsx").frame.loc[0, "country"] == code
    else:
        (problem,) = problems(SITES, data)
        assert problem.column == "Country"
        assert problem.value == written
        assert "not a country we recognise" in problem.problem


def test_text_is_trimmed_and_nfc_normalised() -> None:
    decomposed = unicodedata.normalize("NFD", "  Río Sinú  ")

    frame = sites([site(Name=decomposed, Admin_region="\tCórdoba ")])

    assert frame.loc[0, "name"] == "Río Sinú"
    assert unicodedata.is_normalized("NFC", frame.loc[0, "name"])
    assert frame.loc[0, "admin_region"] == "Córdoba"


def test_unknown_choice_lists_the_accepted_values() -> None:
    (problem,) = problems(SITES, workbook([SITE_HEADER, site(Status="maybe later")]))

    assert problem.value == "maybe later"
    assert "planned, construction, operating, closed" in problem.fix


def test_dates_in_iso_excel_cells_and_excel_serials() -> None:
    frame = sites(
        [
            site(Name="A", Start_date="2021-03-04"),
            site(Name="B", Start_date=dt.date(2020, 12, 25)),
            site(Name="C", Start_date=dt.datetime(2019, 1, 2, 10, 30)),
            site(Name="D", Start_date=44197),
        ]
    )

    assert [d.date() for d in frame["start_date"]] == [
        dt.date(2021, 3, 4),
        dt.date(2020, 12, 25),
        dt.date(2019, 1, 2),
        dt.date(2021, 1, 1),
    ]


def test_slash_dates_follow_the_column_day_first_or_month_first() -> None:
    day_first = sites(
        [site(Name="A", Start_date="03/04/2021"), site(Name="B", Start_date="25/12/2020")]
    )
    month_first = sites(
        [site(Name="A", Start_date="03/04/2021"), site(Name="B", Start_date="12/25/2020")]
    )

    assert day_first.loc[0, "start_date"].date() == dt.date(2021, 4, 3)
    assert month_first.loc[0, "start_date"].date() == dt.date(2021, 3, 4)
    assert month_first.loc[1, "start_date"].date() == dt.date(2020, 12, 25)


def test_ambiguous_and_unreadable_dates_are_reported() -> None:
    rows = [
        site(Name="A", Start_date="03/04/2021"),
        site(Name="B", Start_date="05/05/2021"),
        site(Name="C", Start_date="next spring"),
        site(Name="D", Start_date="2021-02-30"),
        site(Name="E", Start_date=2015),
    ]

    found = {
        problem.row: problem for problem in problems(SITES, csv_file([SITE_HEADER, *rows]), "s.csv")
    }

    assert sorted(found) == [2, 4, 5, 6]
    assert "day/month or month/day" in found[2].problem
    assert "YYYY-MM-DD" in found[2].fix
    assert "not a date" in found[4].problem
    assert found[5].value == "2021-02-30"
    assert found[6].value == "2015"


def test_coordinates_numbers_and_tiers_as_people_write_them() -> None:
    header = [*SUPPLIER_HEADER, "Latitude", "Longitude"]
    rows = [
        [*supplier(Name="A", Number_of_workers="1.200", Tier="Tier 1"), "-12,05", "-77.04"],
        [*supplier(Name="B", Number_of_workers="3 400", Tier="nivel 2"), 4, -74],
        [*supplier(Name="C", Number_of_workers=15.0, Tier="3+"), "", ""],
        [*supplier(Name="D", Number_of_workers="", Tier=5), None, None],
    ]

    frame = validate_upload(
        SUPPLIERS, workbook([header, *rows], sheet="Proveedores"), filename="p.xlsx"
    ).frame

    assert frame["workers"].tolist()[:3] == [1200, 3400, 15]
    assert pd.isna(frame.loc[3, "workers"])
    assert frame["tier"].tolist() == ["1", "2", "3+", "3+"]
    assert frame["latitude"].tolist()[:2] == [-12.05, 4.0]


def test_unreadable_numbers_explain_the_expected_form() -> None:
    header = [*SUPPLIER_HEADER, "Latitude", "Longitude"]
    rows = [
        [*supplier(Name="A", Number_of_workers="about 200"), "4°35'N", "74°4'W"],
        [*supplier(Name="B", Number_of_workers=12.5, Tier="first"), "north", 10],
    ]

    found = {(p.row, p.column): p for p in problems(SUPPLIERS, workbook([header, *rows]))}

    assert "whole number" in found[(2, "Number of workers")].problem
    assert "degrees and minutes" in found[(2, "Latitude")].problem
    assert "decimal degrees" in found[(2, "Longitude")].fix.lower()
    assert "whole number" in found[(3, "Number of workers")].problem
    assert "not a supplier tier" in found[(3, "Tier")].problem
    assert "not a number" in found[(3, "Latitude")].problem
