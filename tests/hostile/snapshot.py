"""What a request may not change: the row count of every table and the files kept on disk."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from sqlmodel import SQLModel

from compliance import db


@dataclass(frozen=True)
class Snapshot:
    rows: dict[str, int]
    files: frozenset[str]

    def changes_since(self, before: Snapshot) -> dict[str, object]:
        """Tables whose row count moved (name -> difference) and files added or removed."""
        moved = Counter(self.rows)
        moved.subtract(before.rows)
        changes: dict[str, object] = {name: n for name, n in moved.items() if n}
        if added := sorted(self.files - before.files):
            changes["files added"] = added
        if removed := sorted(before.files - self.files):
            changes["files removed"] = removed
        return changes


def _files(*folders: Path) -> frozenset[str]:
    found = set()
    for folder in folders:
        if folder.exists():
            found.update(str(p) for p in folder.rglob("*") if p.is_file())
    return frozenset(found)


def take(app: Flask) -> Snapshot:
    """Row counts of every table in `SQLModel.metadata` and every file under the upload and
    instance folders (a path-traversal write would land near one of them)."""
    with db.engine(app).connect() as connection:
        rows = {
            table.name: connection.execute(
                sa.select(sa.func.count()).select_from(table)
            ).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }
    upload = Path(app.config["UPLOAD_DIR"])
    instance = Path(app.config["INSTANCE_PATH"])
    return Snapshot(rows, _files(upload, instance))
