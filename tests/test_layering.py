"""The one-way dependency rule of DESIGN.md, enforced on the source."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {"compliance", "questionnaires", "scoring", "reports"}
WEB_AND_DB = {
    "flask",
    "flask_openapi3",
    "flask_wtf",
    "flask_babel",
    "werkzeug",
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "requests",
    "rq",
    "redis",
    "psycopg",
}


def _imports(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("package", ["questionnaires", "scoring"])
def test_pure_packages_import_no_other_project_package(package: str) -> None:
    imported = _imports(package)
    offenders = {
        name: files
        for name, files in imported.items()
        if (name in PROJECT and name != package) or name in WEB_AND_DB
    }
    assert not offenders, offenders


def test_scoring_uses_the_standard_library_only() -> None:
    imported = _imports("scoring")
    outside = {
        name: files
        for name, files in imported.items()
        if name != "scoring" and name not in sys.stdlib_module_names
    }
    assert not outside, outside


def test_reports_import_no_flask_no_database_and_not_the_application() -> None:
    imported = _imports("reports")
    offenders = {
        name: files
        for name, files in imported.items()
        if name == "compliance" or name in WEB_AND_DB
    }
    assert not offenders, offenders
