"""Job kinds used only by the tests (loaded through COMPLIANCE_TASK_MODULES, also by RQ workers)."""

from __future__ import annotations

import time

from compliance.errors import InvalidInput
from compliance.jobs.registry import JobContext, task


@task("test.add")
def add(context: JobContext, *, a: int, b: int, steps: int = 4, delay: float = 0.05) -> dict:
    for step in range(steps):
        time.sleep(delay)
        context.report_progress(int(100 * (step + 1) / (steps + 1)))
    return {"sum": a + b, "attempt": context.job.attempts}


@task("test.crash")
def crash(context: JobContext) -> dict:
    raise ZeroDivisionError("secret internal detail")


@task("test.refuse")
def refuse(context: JobContext) -> dict:
    raise InvalidInput("The file has no header row.")
