"""Rows that describe the same supplier or site: within one file, and across versions.

Two rows are the same when they share an identifier (LEI, Open Supply Hub ID, registry number
within a country, site ID) or when their names fold to the same text in the same country.
Within a file the later row is reported and the problem names the earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from compliance.datasets.cells import TEXT_DTYPE
from compliance.datasets.issues import Issues
from compliance.datasets.kinds import DatasetKind, DatasetSpec
from compliance.datasets.vocabulary import fold_series


@dataclass(frozen=True)
class Identity:
    """One way of recognising a row: a value (missing where the row has none) and optionally a
    scope it is unique within (registry numbers and names are unique within a country)."""

    field: str
    value: pd.Series
    scope: pd.Series | None = None

    def codes(self) -> np.ndarray:
        """One integer per distinct identity; -1 where the row has no value."""
        codes, _ = pd.factorize(self.value)
        if self.scope is None:
            return codes
        scope_codes, scopes = pd.factorize(self.scope)
        combined = codes.astype(np.int64) * (len(scopes) + 1) + scope_codes + 1
        return np.where(codes < 0, -1, combined)

    def labels(self) -> pd.Series:
        """'lei:5493...', or 'name:acme ltd|CO' with the scope; missing where there is no value."""
        labels = self.field + ":" + self.value.astype(TEXT_DTYPE)
        if self.scope is None:
            return labels
        return labels + "|" + self.scope.astype(TEXT_DTYPE).fillna("")


def identities(kind: DatasetKind, frame: pd.DataFrame) -> list[Identity]:
    """The ways rows of `kind` are recognised, most reliable first (the name comes last)."""
    name = Identity("name", fold_series(frame["name"]), frame["country"])
    if kind is DatasetKind.SITES:
        return [Identity("site_id", frame["site_id"].str.casefold()), name]
    registry = frame["registry_number"].str.upper().str.replace(r"[\s.\-/]", "", regex=True)
    return [
        Identity("lei", frame["lei"]),
        Identity("os_hub_id", frame["os_hub_id"]),
        Identity("registry_number", registry, frame["country"]),
        name,
    ]


def find_duplicates(
    spec: DatasetSpec, frame: pd.DataFrame, columns: dict[str, int], issues: Issues
) -> None:
    """Add a problem for every row that repeats an earlier one."""
    for identity in identities(spec.kind, frame):
        if identity.field in columns:
            rule = "duplicate_name" if identity.field == "name" else "duplicate_identifier"
            _repeats(identity.codes(), columns[identity.field], identity.field, rule, issues)


def _repeats(codes: np.ndarray, column: int, field: str, rule: str, issues: Issues) -> None:
    seen_before = pd.Series(codes).duplicated().to_numpy()
    repeated = np.flatnonzero(seen_before & (codes >= 0))
    if len(repeated):
        firsts = np.flatnonzero(~seen_before)
        first_of_code = pd.Series(firsts, index=codes[firsts])
        issues.add(repeated, column, field, rule, other=first_of_code[codes[repeated]].to_numpy())
