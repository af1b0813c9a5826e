"""Versions: storing records and comparing a new upload with the previous version."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from compliance.datasets import (
    DatasetKind,
    RowRef,
    dataset_from_records,
    diff_datasets,
    validate_upload,
)
from tests.datasets.builders import (
    SITE_HEADER,
    SUPPLIER_HEADER,
    VALID_LEI,
    site,
    supplier,
    workbook,
)

SITES = DatasetKind.SITES
SUPPLIERS = DatasetKind.SUPPLIERS


def upload(kind: DatasetKind, rows: list[list[object]]):
    header = SITE_HEADER if kind is SITES else SUPPLIER_HEADER
    return validate_upload(kind, workbook([header, *rows], sheet=kind.value), filename="f.xlsx")


def test_records_are_json_ready_and_load_back_identically() -> None:
    dataset = upload(
        SITES, [site(Start_date="2021-03-04"), site(Name="B", Latitude="", Longitude="")]
    )

    records = dataset.records()
    reloaded = dataset_from_records(SITES, json.loads(json.dumps(records)))

    assert records[0]["start_date"] == "2021-03-04"
    assert records[1]["latitude"] is None
    assert records[0]["grievance_mechanism"] is True
    assert reloaded.frame.equals(dataset.frame)
    assert reloaded.summary.rows == 2


def test_diff_lists_added_removed_and_modified_rows_with_changed_fields() -> None:
    before = upload(
        SITES,
        [
            site(Name="Mina Norte"),
            site(Name="Represa Alta", Type="dam", Country="PE"),
            site(Name="Puerto Viejo", Type="port", Country="EC"),
        ],
    )
    after = upload(
        SITES,
        [
            site(Name="MINA NORTE", Status="closed", Start_date="2019-06-01"),
            site(Name="Represa Alta", Type="dam", Country="Perú"),
            site(Name="Parque Solar", Type="solar farm", Country="CL"),
        ],
    )

    diff = diff_datasets(SITES, before.frame, after.frame)

    assert diff.added == [RowRef(key="name:parque solar|CL", name="Parque Solar", country="CL")]
    assert [row.name for row in diff.removed] == ["Puerto Viejo"]
    (changed,) = diff.modified
    assert changed.key == "name:mina norte|CO"
    assert [(c.field, c.before, c.after) for c in changed.changes] == [
        ("name", "Mina Norte", "MINA NORTE"),
        ("status", "operating", "closed"),
        ("start_date", dt.date(2019, 5, 1), dt.date(2019, 6, 1)),
    ]
    assert diff.unchanged == 1


def test_identifiers_pair_rows_before_names_do() -> None:
    before = upload(SUPPLIERS, [supplier(Name="Minera Sur", Country="CL")])
    with_lei = upload(SUPPLIERS, [supplier(Name="Minera Sur", Country="CL", LEI=VALID_LEI)])
    renamed = upload(SUPPLIERS, [supplier(Name="MDS", Country="CL", LEI=VALID_LEI)])

    lei_filled_in = diff_datasets(SUPPLIERS, before.frame, with_lei.frame)
    name_changed = diff_datasets(SUPPLIERS, with_lei.frame, renamed.frame)
    unrelated = diff_datasets(SUPPLIERS, before.frame, renamed.frame)

    assert [c.field for c in lei_filled_in.modified[0].changes] == ["lei"]
    assert lei_filled_in.added == lei_filled_in.removed == []
    assert name_changed.added == name_changed.removed == []
    assert name_changed.modified[0].key == f"lei:{VALID_LEI}"
    assert [c.field for c in name_changed.modified[0].changes] == ["name"]
    assert [row.name for row in unrelated.added] == ["MDS"]
    assert [row.name for row in unrelated.removed] == ["Minera Sur"]


def test_first_version_is_all_added() -> None:
    dataset = upload(SITES, [site(), site(Name="B")])

    diff = diff_datasets(SITES, None, dataset.frame)

    assert [row.name for row in diff.added] == ["Mina Norte", "B"]
    assert (diff.removed, diff.modified, diff.unchanged) == ([], [], 0)


def test_stored_records_with_values_outside_the_lists_are_rejected() -> None:
    records = upload(SITES, [site()]).records()
    records[0]["status"] = "abandoned"

    with pytest.raises(ValueError, match="status"):
        dataset_from_records(SITES, records)
