"""A job kind for the fault tests (loaded through COMPLIANCE_TASK_MODULES, also by RQ workers).

`faults.effect` writes its effect (a row) in the job's transaction, says it is under way by
writing its process id to `started-<attempt>` in `marker_dir`, and waits for `release-<attempt>`
before it returns: the test kills the worker while it waits.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from compliance.accounts.models import Organisation, OrganisationKind
from compliance.jobs.registry import JobContext, task

WAIT_SECONDS = 120


@task("faults.effect")
def effect(context: JobContext, *, marker_dir: str, name: str) -> dict:
    attempt = context.job.attempts
    context.session.add(Organisation(name=f"{name} attempt {attempt}", kind=OrganisationKind.ngo))
    context.session.flush()  # written, not yet committed: the job's commit keeps it
    markers = Path(marker_dir)
    (markers / f"started-{attempt}").write_text(str(os.getpid()))
    deadline = time.monotonic() + WAIT_SECONDS
    while not (markers / f"release-{attempt}").exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"attempt {attempt} was never released")
        time.sleep(0.05)
    return {"attempt": attempt}
