"""The kinds of job the service knows, each a function registered under a name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from compliance.jobs.models import Job


@dataclass
class JobContext:
    """What a task receives: its session (committed with the job's result), the job, and a way
    to report progress that is visible at once, before the task's own work is committed."""

    session: Session
    job: Job
    report_progress: Callable[[int], None]


Task = Callable[..., dict[str, Any] | None]
TASKS: dict[str, Task] = {}
PERIODIC: dict[str, timedelta] = {}


def task(kind: str, *, every: timedelta | None = None) -> Callable[[Task], Task]:
    """Register `fn(context, **params) -> result` as the job kind `kind`; with `every`, the
    scheduler also runs it (without parameters) once per period."""

    def register(fn: Task) -> Task:
        if kind in TASKS and TASKS[kind] is not fn:
            raise ValueError(f"job kind {kind!r} is registered twice")
        TASKS[kind] = fn
        if every is not None:
            PERIODIC[kind] = every
        return fn

    return register
