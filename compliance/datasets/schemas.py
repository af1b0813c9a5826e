"""The pandera schema of each kind: what clean, typed rows must satisfy, within and across fields.

Column checks come from the `Field` list; the cross-field rules are written below. Each check is
named after the rule in `problems.RULES` that explains it to the user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial

import numpy as np
import pandas as pd
import pandera.pandas as pa

from compliance.datasets.identifiers import lei_is_valid, os_hub_id_is_valid
from compliance.datasets.issues import Issues
from compliance.datasets.kinds import SPECS, DatasetKind, DatasetSpec, Field, FieldType

_NEEDS_PROVIDER_NAME = ("private", "public", "both")
_FPIC_EVIDENCED = ("obtained", "in_progress", "withheld")


@dataclass(frozen=True)
class CrossFieldRule:
    """A rule over several fields; a failing row is reported on `blame` (or, when the file has
    no such column, on `trigger`, with a hint to add the column)."""

    name: str
    blame: str
    trigger: str
    passes: Callable[[pd.DataFrame], pd.Series]


def _swapped(rows: pd.DataFrame) -> pd.Series:
    latitude, longitude = rows["latitude"].abs(), rows["longitude"].abs()
    return (latitude > 90) & (latitude <= 180) & (longitude <= 90)


def _on_indigenous_land(rows: pd.DataFrame) -> pd.Series:
    return rows["indigenous_land"].eq("yes").fillna(False)


_COORDINATE_RULES = (
    CrossFieldRule("coordinates_swapped", "latitude", "latitude", lambda rows: ~_swapped(rows)),
    CrossFieldRule(
        "latitude_missing",
        "latitude",
        "longitude",
        lambda rows: rows["latitude"].notna() | rows["longitude"].isna(),
    ),
    CrossFieldRule(
        "longitude_missing",
        "longitude",
        "latitude",
        lambda rows: rows["longitude"].notna() | rows["latitude"].isna(),
    ),
)
CROSS_FIELD_RULES: dict[DatasetKind, tuple[CrossFieldRule, ...]] = {
    DatasetKind.SUPPLIERS: (
        *_COORDINATE_RULES,
        CrossFieldRule(
            "tier1_needs_country",
            "country",
            "tier",
            lambda rows: rows["country"].notna() | rows["tier"].ne("1").fillna(True),
        ),
    ),
    DatasetKind.SITES: (
        *_COORDINATE_RULES,
        CrossFieldRule(
            "fpic_status_required",
            "fpic_status",
            "indigenous_land",
            lambda rows: rows["fpic_status"].notna() | ~_on_indigenous_land(rows),
        ),
        CrossFieldRule(
            "fpic_not_applicable",
            "fpic_status",
            "indigenous_land",
            lambda rows: (
                ~(
                    _on_indigenous_land(rows)
                    & rows["fpic_status"].eq("not_applicable").fillna(False)
                )
            ),
        ),
        CrossFieldRule(
            "fpic_evidence_required",
            "fpic_evidence",
            "fpic_status",
            lambda rows: (
                rows["fpic_evidence"].notna()
                | ~(_on_indigenous_land(rows) & rows["fpic_status"].isin(_FPIC_EVIDENCED))
            ),
        ),
        CrossFieldRule(
            "security_provider_name_required",
            "security_provider_name",
            "security_provider",
            lambda rows: (
                rows["security_provider_name"].notna()
                | ~rows["security_provider"].isin(_NEEDS_PROVIDER_NAME)
            ),
        ),
    ),
}


def _within_length(values: pd.Series, *, limit: int) -> pd.Series | bool:
    """Texts no longer than `limit` (missing values pass)."""
    texts = values.to_numpy(dtype=object).tolist()
    try:
        longest = max(map(len, texts), default=0)
    except TypeError:  # missing values (NaN) among the texts
        longest = max(map(len, filter(str.__instancecheck__, texts)), default=0)
    if longest <= limit:
        return True
    return values.isna() | (values.str.len() <= limit)


def _column_checks(field: Field) -> list[pa.Check]:
    def check(rule: str, test: Callable[[pd.Series], pd.Series]) -> list[pa.Check]:
        return [pa.Check(test, name=rule)]

    match field.type:
        case FieldType.TEXT:
            within = partial(_within_length, limit=field.max_length)
            return [pa.Check(within, name="too_long", ignore_na=False)]
        case FieldType.LEI:
            return check("invalid_lei", lei_is_valid)
        case FieldType.OS_HUB_ID:
            return check("invalid_os_hub_id", os_hub_id_is_valid)
        case FieldType.WHOLE_NUMBER:
            return check("negative", lambda values: values >= 0)
        case FieldType.LATITUDE:
            return check("latitude_out_of_range", lambda values: values.between(-90, 90))
        case FieldType.LONGITUDE:
            return check("longitude_out_of_range", lambda values: values.between(-180, 180))
    return []


@cache
def schema_for(kind: DatasetKind) -> pa.DataFrameSchema:
    """The schema a clean frame of `kind` satisfies (columns in the order of the kind's fields;
    closed lists such as countries are categorical dtypes, so the dtype check covers them)."""
    spec = SPECS[kind]
    columns = {
        field.name: pa.Column(
            field.dtype,
            checks=_column_checks(field),
            nullable=not field.required_value,
        )
        for field in spec.fields
    }
    checks = [
        pa.Check(rule.passes, name=rule.name, ignore_na=False) for rule in CROSS_FIELD_RULES[kind]
    ]
    return pa.DataFrameSchema(columns, checks=checks, strict=True, ordered=True)


# pandera registers its pandas backends during the first validation (importing its hypothesis
# strategies too, where hypothesis is installed): done once here, not inside the first upload.
pa.DataFrameSchema.register_default_backends(pd.DataFrame)


def check_rows(
    spec: DatasetSpec, frame: pd.DataFrame, columns: dict[str, int], issues: Issues
) -> None:
    """Validate the typed frame and add every failing cell to `issues`."""
    try:
        schema_for(spec.kind).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        _add_failures(spec, exc.failure_cases, columns, issues)


def _add_failures(
    spec: DatasetSpec, failures: pd.DataFrame, columns: dict[str, int], issues: Issues
) -> None:
    unplaced = failures[failures["index"].isna()]
    if len(unplaced):
        raise RuntimeError(f"the typed frame breaks its schema: {unplaced.to_dict('records')}")
    rules = {rule.name: rule for rule in CROSS_FIELD_RULES[spec.kind]}
    failures = failures.assign(rule=failures["check"].replace({"not_nullable": "required"}))
    cross_field = failures["rule"].isin(list(rules))
    for (rule_name, column_name), group in failures[~cross_field].groupby(["rule", "column"]):
        positions = group["index"].to_numpy(dtype=np.int64)
        issues.add(positions, columns[column_name], column_name, rule_name)
    for rule_name, group in failures[cross_field].groupby("rule"):
        positions = np.unique(group["index"].to_numpy(dtype=np.int64))
        _add_cross_field(spec, rules[rule_name], positions, columns, issues)


def _add_cross_field(
    spec: DatasetSpec,
    rule: CrossFieldRule,
    positions: np.ndarray,
    columns: dict[str, int],
    issues: Issues,
) -> None:
    if rule.blame in columns:
        issues.add(positions, columns[rule.blame], rule.blame, rule.name)
        return
    label = spec.field(rule.blame).label
    issues.add(positions, columns[rule.trigger], rule.blame, rule.name, missing_column=label)
