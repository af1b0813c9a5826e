"""The in-process job backend waits for a busy database instead of losing the job."""

from __future__ import annotations

import logging
import sqlite3

import pytest
from flask import Flask
from sqlalchemy.exc import OperationalError

from compliance.jobs import backends, runner


def _locked() -> OperationalError:
    return OperationalError("UPDATE job", {}, sqlite3.OperationalError("database is locked"))


def _run_with(
    app: Flask, monkeypatch: pytest.MonkeyPatch, busy_times: int
) -> list[tuple[str, bool]]:
    """The calls of `runner.run`: job id and whether it may take back a running job."""
    calls: list[tuple[str, bool]] = []

    def busy_then_run(_app: Flask, job_id: str, *, reclaim_running: bool = False) -> None:
        calls.append((job_id, reclaim_running))
        if len(calls) <= busy_times:
            raise _locked()

    monkeypatch.setattr(runner, "run", busy_then_run)
    monkeypatch.setattr(backends, "BUSY_RETRY_SECONDS", (0.01, 0.01, 0.01))
    backend = backends.ThreadBackend(app, threads=1)
    backend.submit("job-1")
    backend._executor.shutdown(wait=True)
    return calls


def test_a_job_whose_claim_met_a_busy_database_is_tried_again(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the retries take back the job a busy attempt may have left running
    assert _run_with(app, monkeypatch, busy_times=2) == [
        ("job-1", False),
        ("job-1", True),
        ("job-1", True),
    ]


def test_a_database_busy_for_good_is_logged_for_recovery(
    app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="compliance.jobs.backends"):
        calls = _run_with(app, monkeypatch, busy_times=10)
    assert len(calls) == len(backends.BUSY_RETRY_SECONDS) + 1
    assert any("jobs.recover will dispatch it" in r.getMessage() for r in caplog.records)
