"""Holding jobs back: a backend that starts nothing until asked, then runs what it holds here,
one at a time. The demo seeding uses it (so the world is complete when `seed-demo` returns, and
SQLite never sees two writers at once); tests use it to look at a page before its job runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask

from compliance.jobs import runner
from compliance.jobs.service import BACKEND_KEY


class HeldJobs:
    """A job backend that keeps the jobs submitted to it until `run_all`."""

    name = "held"

    def __init__(self) -> None:
        self.job_ids: list[str] = []

    def submit(self, job_id: str) -> None:
        self.job_ids.append(job_id)

    def health(self) -> dict[str, Any]:
        return {"backend": self.name, "status": "ok"}

    def run_all(self, app: Flask) -> None:
        """Run the held jobs, and the jobs they queue in turn, in this thread until none is
        left (a job another runner claimed meanwhile is skipped)."""
        while self.job_ids:
            runner.run(app, self.job_ids.pop(0))


@contextmanager
def holding(app: Flask) -> Iterator[HeldJobs]:
    """While inside, the app's queued jobs are held instead of started in the background
    (threads, RQ workers); the app's own backend is back afterwards."""
    backend = app.extensions[BACKEND_KEY]
    held = HeldJobs()
    app.extensions[BACKEND_KEY] = held
    try:
        yield held
    finally:
        app.extensions[BACKEND_KEY] = backend
