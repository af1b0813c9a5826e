"""Imports: the Global Witness file in full, CSV/JSON/xlsx with a mapping, and bad files that
import nothing while listing every problem."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from datetime import date, datetime

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import func, select

from compliance import db
from compliance.clock import now
from compliance.incidents import imports
from compliance.incidents.mapping import GLOBAL_WITNESS
from compliance.incidents.models import (
    ImportStatus,
    Incident,
    IncidentImport,
    IncidentProtected,
    IncidentVersion,
)
from compliance.incidents.reading import FileFormat
from tests.conftest import World
from tests.support.jobs import wait_for_job


def _count(app: Flask, model) -> int:
    with db.session_scope(app) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def _upload(
    client: FlaskClient,
    world: World,
    data: bytes,
    name: str,
    file_format: str,
    mapping: dict | None = None,
):
    form = {"file": (io.BytesIO(data), name), "format": file_format}
    if mapping is not None:
        form["mapping"] = json.dumps(mapping)
    return client.post(
        "/api/v1/incidents/import",
        data=form,
        headers=world["reviewer"].headers,
        content_type="multipart/form-data",
    )


def _import_job(client: FlaskClient, world: World, *args, **kwargs) -> dict:
    response = _upload(client, world, *args, **kwargs)
    assert response.status_code == 202, response.get_json()
    assert response.headers["Location"] == response.get_json()["status_url"]
    done = wait_for_job(client, world["reviewer"].headers, response.get_json()["job_id"])
    assert done["status"] == "succeeded", done
    return done["result"]


def _service_import(app: Flask, data: bytes, file_format: FileFormat, mapping=GLOBAL_WITNESS):
    with db.session_scope(app) as session:
        result = imports.import_file(
            session=session,
            data=data,
            file_format=file_format,
            mapping=mapping,
            created_by=None,
            limits=imports.ImportLimits(),
            now=now(),
        )
        session.commit()
    return result.report


def test_the_global_witness_file_imports_in_full_fast_and_only_once(
    app: Flask, runner, global_witness_bytes: bytes, tmp_path
) -> None:
    path = tmp_path / "gw.csv"
    path.write_bytes(global_witness_bytes)
    first = runner.invoke(args=["incidents", "import", str(path), "--format", "global-witness"])
    assert first.exit_code == 0, first.output
    assert "1733 rows, 1733 created, 0 updated (new versions), 0 unchanged" in first.output
    seconds = float(re.search(r"in ([0-9.]+) s", first.output).group(1))
    assert seconds < 15, f"importing 1,733 records took {seconds} s"
    assert "row 1386, victim_age: not a plausible age in years (left empty)" in first.output
    second = runner.invoke(args=["incidents", "import", str(path), "--format", "global-witness"])
    assert second.exit_code == 0, second.output
    assert "0 created, 0 updated (new versions), 1733 unchanged" in second.output

    with db.session_scope(app) as session:
        assert session.exec(select(func.count()).select_from(Incident)).one() == 1733
        assert session.exec(select(func.count()).select_from(IncidentVersion)).one() == 1733
        sectors = dict(
            session.exec(
                select(IncidentVersion.sector, func.count()).group_by(IncidentVersion.sector)
            ).all()
        )
        assert sectors["unknown"] == 871 and sectors["mining"] == 312 and sectors["wind"] == 2
        colombia = session.exec(select(func.count()).where(IncidentVersion.country == "CO")).one()
        assert colombia == 322
        regions = session.exec(select(IncidentVersion.region)).all()
        assert not [r for r in regions if r and "Killing" in r]
        details = session.exec(select(IncidentProtected.location_detail)).all()
        assert any(d and d.startswith("Killing of") for d in details)
        first_record = session.exec(
            select(IncidentVersion)
            .join(Incident, Incident.id == IncidentVersion.incident_id)
            .where(Incident.source_id == "recUtOzGtsS32htcx")
        ).one()
        assert (first_record.occurred_on, first_record.country) == (date(2016, 2, 18), "CO")
        assert first_record.perpetrator_type == "paramilitary"
        assert first_record.attack_types == ["killing"]


def test_a_revised_record_gets_a_new_version_and_the_old_one_is_kept(
    app: Flask, global_witness_bytes: bytes
) -> None:
    lines = global_witness_bytes.decode("utf-8").splitlines(keepends=True)[:51]
    original = "".join(lines).encode()
    assert _service_import(app, original, FileFormat.global_witness).created == 50
    revised_line = lines[1].replace(",Córdoba,", ",Antioquia,")
    assert revised_line != lines[1]
    revised = "".join([lines[0], revised_line, *lines[2:]]).encode()
    report = _service_import(app, revised, FileFormat.global_witness)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 49)
    with db.session_scope(app) as session:
        incident = session.exec(
            select(Incident).where(Incident.source_id == "recUtOzGtsS32htcx")
        ).one()
        versions = session.exec(
            select(IncidentVersion)
            .where(IncidentVersion.incident_id == incident.id)
            .order_by(IncidentVersion.version)
        ).all()
        assert incident.current_version == 2
        assert [(v.version, v.region) for v in versions] == [(1, "Córdoba"), (2, "Antioquia")]
        assert versions[0].content_hash != versions[1].content_hash
        protected = session.exec(select(func.count()).select_from(IncidentProtected)).one()
        assert protected == 51  # each version keeps its own protected fields


BROKEN_ROWS = {
    3: ("date", "13/45/2016"),
    5: ("country_numeric", "999"),
    7: ("industry_driver", "Space mining"),
    9: ("id", None),  # repeats the id of row 2
    11: ("number_of_victims", "two"),
}


def _broken_global_witness(global_witness_bytes: bytes) -> bytes:
    lines = global_witness_bytes.decode("utf-8").splitlines()
    header = lines[0].split(",")
    rows = list(csv.reader(lines[1:40]))
    for row_number, (column, value) in BROKEN_ROWS.items():
        row = rows[row_number - 2]
        if column == "id":
            row[0] = rows[0][0]
        else:
            row[header.index(column)] = value
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def test_a_file_with_bad_rows_imports_nothing_and_lists_every_problem(
    app: Flask, client: FlaskClient, world: World, global_witness_bytes: bytes
) -> None:
    report = _import_job(
        client, world, _broken_global_witness(global_witness_bytes), "gw.csv", "global-witness"
    )
    assert report["status"] == "rejected"
    assert (report["rows"], report["rejected"], report["created"]) == (39, 5, 0)
    found = {(p["row"], p["column"]) for p in report["problems"]}
    assert found == {(row, column) for row, (column, _v) in BROKEN_ROWS.items()}
    by_row = {p["row"]: p for p in report["problems"]}
    assert by_row[3]["value"] == "13/45/2016" and "%m/%d/%Y" in by_row[3]["problem"]
    assert by_row[7]["value"] == "Space mining" and "sector" in by_row[7]["problem"]
    assert "row 2" in by_row[9]["problem"]
    assert _count(app, Incident) == 0 and _count(app, IncidentVersion) == 0
    with db.session_scope(app) as session:
        stored = session.exec(select(IncidentImport)).one()
        assert stored.status == ImportStatus.rejected and stored.payload is None


SEMICOLON_CSV = (
    "caso;fecha;pais;departamento;sector;agresiones;grupos;empresas;victimas;edad;afectados\n"
    "C-1;2023-07-14;Colombia;Antioquia;Minería;Amenaza, Estigmatización;Indígena;"
    "Minera Alfa S.A., Oro Beta;Ana Protegida;34;1\n"
    "C-2;2023-08;Perú;Cusco;Hidroeléctrica;Criminalización;Comunidad;Energía Gamma;;;40\n"
).encode()
SPANISH_MAPPING = {
    "source": "observatorio-andino",
    "source_id": "caso",
    "delimiter": ";",
    "fields": {
        "occurred_on": {"column": "fecha", "formats": ["%Y-%m-%d", "%Y-%m"]},
        "country": {"column": "pais"},
        "region": {"column": "departamento"},
        "sector": {
            "column": "sector",
            "values": {"Minería": "mining", "Hidroeléctrica": "hydropower"},
        },
        "attack_types": {
            "column": "agresiones",
            "split": ",",
            "values": {
                "Amenaza": "death_threat",
                "Estigmatización": "smear_campaign",
                "Criminalización": "judicial_harassment",
            },
        },
        "defender_groups": {
            "column": "grupos",
            "values": {"Indígena": "indigenous", "Comunidad": "community"},
            "add": ["land_environmental"],
        },
        "companies_alleged": {"column": "empresas", "split": ","},
        "people_affected": {"column": "afectados"},
        "victim_name": {"column": "victimas"},
        "victim_age": {"column": "edad"},
    },
}


def test_a_csv_file_with_a_mapping_translates_values_and_splits_lists(
    app: Flask, client: FlaskClient, world: World
) -> None:
    report = _import_job(client, world, SEMICOLON_CSV, "casos.csv", "csv", SPANISH_MAPPING)
    assert (report["status"], report["created"]) == ("imported", 2)
    with db.session_scope(app) as session:
        rows = session.exec(
            select(Incident, IncidentVersion)
            .join(IncidentVersion, IncidentVersion.incident_id == Incident.id)
            .order_by(Incident.source_id)
        ).all()
    (first, one), (_second, two) = rows
    assert first.source == "observatorio-andino" and one.country == "CO"
    assert one.attack_types == ["death_threat", "smear_campaign"]
    assert one.defender_groups == ["indigenous", "land_environmental"]
    assert one.companies_alleged == ["Minera Alfa S.A.", "Oro Beta"]
    assert (two.occurred_on, two.date_precision) == (date(2023, 8, 1), "month")
    assert (two.sector, two.people_affected, two.country) == ("hydropower", 40, "PE")


def test_a_bad_protected_value_is_reported_without_repeating_it(
    client: FlaskClient, world: World
) -> None:
    data = SEMICOLON_CSV.replace(b";34;", b";treinta y cuatro;")
    report = _import_job(client, world, data, "casos.csv", "csv", SPANISH_MAPPING)
    assert report["status"] == "rejected"
    (problem,) = report["problems"]
    assert (problem["row"], problem["field"], problem["value"]) == (2, "victim_age", None)
    assert "treinta" not in json.dumps(report)


def test_a_json_file_with_a_mapping_keeps_precise_points_protected(
    app: Flask, client: FlaskClient, world: World
) -> None:
    document = {
        "records": [
            {
                "uid": 101,
                "when": "2022-11-03",
                "iso": "ph",
                "province": "Negros Oriental",
                "kinds": ["killing"],
                "lat": 9.3077,
                "lon": 123.3054,
                "precision": "exact",
                "firms": ["Agro Beta Ltda"],
                "withdrawn": False,
            },
            {
                "uid": 102,
                "when": "2021",
                "iso": "PH",
                "province": "Mindanao",
                "kinds": ["surveillance", "intimidation"],
                "lat": 7.5,
                "lon": 125.0,
                "precision": "region",
                "firms": [],
                "withdrawn": "yes",
            },
        ]
    }
    mapping = {
        "source": "watch-json",
        "source_id": "uid",
        "records_key": "records",
        "fields": {
            "occurred_on": {"column": "when"},
            "country": {"column": "iso"},
            "region": {"column": "province"},
            "attack_types": {"column": "kinds"},
            "latitude": {"column": "lat"},
            "longitude": {"column": "lon"},
            "coordinate_precision": {"column": "precision"},
            "companies_alleged": {"column": "firms"},
            "withdrawn": {"column": "withdrawn"},
        },
    }
    report = _import_job(client, world, json.dumps(document).encode(), "w.json", "json", mapping)
    assert (report["status"], report["created"], report["withdrawn"]) == ("imported", 2, 1)
    with db.session_scope(app) as session:
        versions = session.exec(select(IncidentVersion).order_by(IncidentVersion.id)).all()
        protected = session.exec(select(IncidentProtected)).all()
        withdrawn = session.exec(select(Incident.withdrawn).order_by(Incident.id)).all()
    assert (versions[0].latitude, versions[0].coordinate_precision) == (None, "exact")
    assert [(p.latitude, p.longitude) for p in protected] == [(9.3077, 123.3054)]
    assert (versions[1].latitude, versions[1].date_precision) == (7.5, "year")
    assert withdrawn == [False, True]


def _workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Incidents"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX_MAPPING = {
    "source": "xlsx-monitor",
    "source_id": "Case",
    "sheet": "Incidents",
    "fields": {
        "occurred_on": {"column": "Date"},
        "country": {"column": "Country"},
        "attack_types": {"column": "Attack", "values": {"Arrest": "arbitrary_detention"}},
        "people_affected": {"column": "People"},
    },
}


def test_an_xlsx_file_with_a_mapping_reads_real_dates_and_numbers(
    app: Flask, client: FlaskClient, world: World
) -> None:
    data = _workbook(
        [
            ["Case", "Date", "Country", "Attack", "People"],
            ["X-1", datetime(2020, 5, 6), "BR", "Arrest", 3.0],
            ["X-2", "2020-06", "Brazil", "killing", 1],
        ]
    )
    report = _import_job(client, world, data, "cases.xlsx", "xlsx", XLSX_MAPPING)
    assert (report["status"], report["created"]) == ("imported", 2)
    with db.session_scope(app) as session:
        versions = session.exec(select(IncidentVersion).order_by(IncidentVersion.id)).all()
    assert [(v.occurred_on, v.attack_types, v.people_affected) for v in versions] == [
        (date(2020, 5, 6), ["arbitrary_detention"], 3),
        (date(2020, 6, 1), ["killing"], 1),
    ]


def test_an_xlsx_formula_in_a_mapped_column_is_refused(
    app: Flask, client: FlaskClient, world: World
) -> None:
    data = _workbook(
        [
            ["Case", "Date", "Country", "Attack", "People"],
            ["X-1", datetime(2020, 5, 6), "BR", "killing", "=1+1"],
        ]
    )
    report = _import_job(client, world, data, "cases.xlsx", "xlsx", XLSX_MAPPING)
    assert report["status"] == "rejected"
    assert report["problems"][0]["row"] == 2 and "formula" in report["problems"][0]["problem"]
    assert _count(app, Incident) == 0


@pytest.mark.parametrize(
    ("data", "file_format", "mapping", "expected"),
    [
        (b"\xff\xfe\x00garbage", "csv", SPANISH_MAPPING, "not UTF-8"),
        (b"{not json", "json", {**SPANISH_MAPPING, "delimiter": ","}, "not valid JSON"),
        (b"a,b\n1,2\n", "csv", SPANISH_MAPPING, "'caso'"),
        (b"PK\x03\x04 not really a zip", "xlsx", SPANISH_MAPPING, "xlsx"),
    ],
)
def test_a_file_that_cannot_be_read_is_rejected_with_the_reason(
    app: Flask, client: FlaskClient, world: World, data, file_format, mapping, expected
) -> None:
    report = _import_job(client, world, data, "bad", file_format, mapping)
    assert report["status"] == "rejected"
    assert expected in report["problems"][0]["problem"]
    assert _count(app, Incident) == 0


def test_import_requests_are_checked_before_anything_is_queued(
    app: Flask, client: FlaskClient, world: World
) -> None:
    cases = [
        (_upload(client, world, SEMICOLON_CSV, "a.csv", "csv"), "needs a column mapping"),
        (
            _upload(client, world, SEMICOLON_CSV, "a.csv", "global-witness", SPANISH_MAPPING),
            "built-in mapping",
        ),
        (
            _upload(
                client,
                world,
                SEMICOLON_CSV,
                "a.csv",
                "csv",
                {"source": "x1", "source_id": "a", "fields": {}},
            ),
            "mapping is not valid",
        ),
        (_upload(client, world, b"", "a.csv", "global-witness"), "empty"),
    ]
    for response, words in cases:
        assert response.status_code == 422 and words in response.get_json()["detail"]
    bad_vocabulary = {
        **SPANISH_MAPPING,
        "fields": {
            **SPANISH_MAPPING["fields"],
            "sector": {"column": "sector", "values": {"x": "gold"}},
        },
    }
    response = _upload(client, world, SEMICOLON_CSV, "a.csv", "csv", bad_vocabulary)
    assert response.status_code == 422
    assert any("gold" in e["detail"] for e in response.get_json()["errors"])
    posing_as_submissions = {**SPANISH_MAPPING, "source": "ngo_submission"}
    response = _upload(client, world, SEMICOLON_CSV, "a.csv", "csv", posing_as_submissions)
    assert response.status_code == 422
    assert any("reserved" in e["detail"] for e in response.get_json()["errors"])
    assert _count(app, IncidentImport) == 0


def test_only_reviewers_import(client: FlaskClient, world: World) -> None:
    for who in ("ngo", "company_a", "investor"):
        response = client.post(
            "/api/v1/incidents/import",
            data={"file": (io.BytesIO(SEMICOLON_CSV), "a.csv"), "format": "csv"},
            headers=world[who].headers,
            content_type="multipart/form-data",
        )
        assert response.status_code == 403, who


def test_cli_import_with_a_mapping_file_reports_problems_and_exits_1(
    app: Flask, runner, tmp_path
) -> None:
    data = tmp_path / "casos.csv"
    data.write_bytes(SEMICOLON_CSV.replace(b"2023-07-14", b"14/07/2023"))
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(SPANISH_MAPPING))
    result = runner.invoke(
        args=["incidents", "import", str(data), "--format", "csv", "--mapping", str(mapping)]
    )
    assert result.exit_code == 1
    assert "Nothing imported" in result.output and "row 2, column 'fecha'" in result.output
    assert _count(app, Incident) == 0


def test_an_import_that_crashes_drops_its_file_and_imports_nothing(app: Flask) -> None:
    from compliance.jobs import runner
    from compliance.jobs.models import Job

    with db.session_scope(app) as session:
        broken = IncidentImport(
            source="x1",
            file_format="csv",
            file_sha256="0" * 64,
            payload=b"name\nSomeone",
            mapping={"not": "a mapping"},
        )
        session.add(broken)
        session.flush()
        job = Job(id=uuid.uuid4().hex, kind="incidents.import", params={"import_id": broken.id})
        session.add(job)
        session.commit()
        import_id, job_id = broken.id, job.id
    runner.run(app, job_id)
    with db.session_scope(app) as session:
        assert session.get(Job, job_id).status == "failed"
        stored = session.get(IncidentImport, import_id)
        assert (stored.status, stored.payload) == (ImportStatus.failed, None)
    assert _count(app, Incident) == 0
