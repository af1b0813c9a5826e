"""What changed between two clean versions of a dataset: rows added, removed and modified.

Rows are paired by identifier first (LEI, Open Supply Hub ID, registry number within a country,
site ID), then, among the rows still unpaired, by folded name and country; so a supplier whose
LEI was filled in this time is 'modified', not removed and added again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from pydantic import BaseModel

from compliance.datasets.cells import TEXT_DTYPE
from compliance.datasets.duplicates import Identity, identities
from compliance.datasets.kinds import SPECS, DatasetKind

Scalar = str | int | float | bool | date | None


@dataclass(frozen=True)
class RowRef:
    key: str
    name: str
    country: str | None


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Scalar
    after: Scalar


@dataclass(frozen=True)
class RowChange(RowRef):
    changes: list[FieldChange]


class DatasetDiff(BaseModel):
    """The change from the previous version; `unchanged` counts rows paired with no change."""

    added: list[RowRef]
    removed: list[RowRef]
    modified: list[RowChange]
    unchanged: int


def diff_datasets(
    kind: DatasetKind, previous: pd.DataFrame | None, current: pd.DataFrame
) -> DatasetDiff:
    """Compare two clean frames of `kind` (as in `CleanDataset.frame`); no previous = all added."""
    if previous is None:
        previous = current.iloc[0:0]
    both = pd.concat([previous, current], ignore_index=True)
    ways = identities(kind, both)
    pairs = _pair([way.codes() for way in ways], len(previous))
    added = np.setdiff1d(np.arange(len(current)), pairs["after"].to_numpy())
    removed = np.setdiff1d(np.arange(len(previous)), pairs["before"].to_numpy())
    labels = _Labels(ways, both, len(previous))
    modified = _modified(kind, previous, current, pairs, labels)
    return DatasetDiff(
        added=[labels.after(position) for position in added],
        removed=[labels.before(position) for position in removed],
        modified=modified,
        unchanged=len(pairs) - len(modified),
    )


def _pair(codes_per_way: list[np.ndarray], split: int) -> pd.DataFrame:
    """Positions (before, after) of rows that are the same supplier or site, trying each way of
    recognising rows in turn on the rows still unpaired."""
    found = []
    free = np.ones(len(codes_per_way[0]) if codes_per_way else 0, dtype=bool)
    for codes in codes_per_way:
        usable = free & (codes >= 0)
        before = pd.DataFrame({"code": codes[:split][usable[:split]]})
        before["before"] = np.flatnonzero(usable[:split])
        after = pd.DataFrame({"code": codes[split:][usable[split:]]})
        after["after"] = np.flatnonzero(usable[split:])
        matched = before.merge(after, on="code")[["before", "after"]]
        free[matched["before"].to_numpy()] = False
        free[split + matched["after"].to_numpy()] = False
        found.append(matched)
    return pd.concat(found, ignore_index=True)


class _Labels:
    """A row's reference in the diff: its best identity, its name and country."""

    def __init__(self, ways: list[Identity], both: pd.DataFrame, split: int) -> None:
        keys = pd.Series(None, index=both.index, dtype=TEXT_DTYPE)
        for way in reversed(ways):
            keys = way.labels().fillna(keys)
        self._keys = keys.to_numpy(dtype=object)
        self._names = both["name"].to_numpy(dtype=object)
        self._countries = both["country"].astype(object).to_numpy()
        self._split = split

    def before(self, position: int) -> RowRef:
        return self._ref(int(position))

    def after(self, position: int) -> RowRef:
        return self._ref(self._split + int(position))

    def _ref(self, position: int) -> RowRef:
        country = self._countries[position]
        return RowRef(
            key=self._keys[position],
            name=self._names[position],
            country=None if pd.isna(country) else str(country),
        )


def _modified(
    kind: DatasetKind,
    previous: pd.DataFrame,
    current: pd.DataFrame,
    pairs: pd.DataFrame,
    labels: _Labels,
) -> list[RowChange]:
    names = [field.name for field in SPECS[kind].fields]
    before_rows = previous.iloc[pairs["before"]].reset_index(drop=True)
    after_rows = current.iloc[pairs["after"]].reset_index(drop=True)
    differs = np.column_stack(
        [_differs(before_rows[name], after_rows[name]) for name in names]
    ).reshape(len(pairs), len(names))
    changed = np.flatnonzero(differs.any(axis=1))
    before = {name: _plain(before_rows[name].iloc[changed]) for name in names}
    after = {name: _plain(after_rows[name].iloc[changed]) for name in names}
    after_positions = pairs["after"].to_numpy()[changed]
    changes = []
    for row, pair in enumerate(changed):
        reference = labels.after(after_positions[row])
        fields = [
            FieldChange(name, before[name][row], after[name][row])
            for column, name in enumerate(names)
            if differs[pair, column]
        ]
        changes.append(RowChange(reference.key, reference.name, reference.country, fields))
    return changes


def _differs(before: pd.Series, after: pd.Series) -> np.ndarray:
    both_missing = before.isna() & after.isna()
    same = before.eq(after).fillna(False).astype(bool)
    return (~(same | both_missing)).to_numpy()


def _plain(values: pd.Series) -> list[Scalar]:
    """Frame cells as JSON-friendly values: dates as dates, missing as None."""
    if pd.api.types.is_datetime64_any_dtype(values):
        values = values.dt.date
    return values.astype(object).where(values.notna(), None).tolist()
