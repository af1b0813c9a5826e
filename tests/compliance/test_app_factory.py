"""Configuration: defaults, then COMPLIANCE_* environment variables, then test overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance import create_app, db, settings


def test_environment_overrides_defaults_and_parses_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPLIANCE_JOB_THREADS", "3")
    monkeypatch.setenv("COMPLIANCE_BASE_URL", "https://hrd.example.org")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["JOB_THREADS"] == 3
    assert app.config["BASE_URL"] == "https://hrd.example.org"
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'hrd-sentinel.sqlite3'}"
    db.engine(app).dispose()


def test_test_config_wins_over_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLIANCE_PAGE_MAX_LIMIT", "10")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "PAGE_MAX_LIMIT": 20})
    assert app.config["PAGE_MAX_LIMIT"] == 20
    db.engine(app).dispose()


def test_secrets_are_generated_once_into_the_instance_folder(tmp_path: Path) -> None:
    first = create_app({"INSTANCE_PATH": str(tmp_path)})
    second = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) == 64
    keys = list((tmp_path / "signing-keys").glob("*.pem"))
    assert len(keys) == 1 and keys[0].read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert keys[0].stat().st_mode & 0o077 == 0
    for app in (first, second):
        db.engine(app).dispose()


def test_every_setting_has_a_documented_default() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    undocumented = [name for name in settings.DEFAULTS if f"COMPLIANCE_{name}" not in readme]
    assert not undocumented, (
        f"settings missing from the README's configuration table: {undocumented}"
    )
