"""Fault: the RQ worker is killed with SIGKILL in the middle of a job.

Needs the PostgreSQL + Redis half of the suite (TEST_DATABASE_URL and TEST_REDIS_URL): real
`hrd-sentinel worker` processes on a private queue run the `faults.effect` job
(tests/faults/tasks.py), which writes a row in its transaction and waits. The worker and its
work horse are killed with SIGKILL while it waits; a second worker is started; RQ's own recovery
of abandoned jobs (what every worker's maintenance runs, `StartedJobRegistry.cleanup`, here with
the clock moved past the dead worker's heartbeat) retries the job. It then succeeds, and its
effect exists exactly once; dispatching the finished job again changes nothing. When only the
worker process dies and its work horse runs on, the horse cannot finish the job RQ retried; when
only the work horse dies (the OOM killer), its worker retries the job at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from compliance import create_app, db
from compliance.accounts.models import Organisation
from compliance.jobs import service as job_service
from compliance.jobs.models import Job, JobStatus
from tests.conftest import ROOT, TASK_MODULES, TEST_DATABASE_URL, TEST_REDIS_URL
from tests.support.rq_workers import start_worker, stop_worker

pytestmark = pytest.mark.skipif(
    not (TEST_DATABASE_URL and TEST_REDIS_URL),
    reason="kills real RQ worker processes: runs in the PostgreSQL + Redis half of the suite "
    "(TEST_DATABASE_URL and TEST_REDIS_URL set)",
)
FAULT_TASK_MODULES = [*TASK_MODULES, "tests.faults.tasks"]
HEARTBEAT_TTL_SECONDS = 30 + 60  # RQ: job monitoring interval + 60 s, then a job is abandoned


class Workers:
    """`hrd-sentinel worker` processes on one private queue."""

    def __init__(self, queue: str, database_url: str, instance: Path, upload_dir: str) -> None:
        self.queue = queue
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "COMPLIANCE_DATABASE_URL": database_url,
            "COMPLIANCE_REDIS_URL": TEST_REDIS_URL or "",
            "COMPLIANCE_RQ_QUEUE": queue,
            "COMPLIANCE_INSTANCE_PATH": str(instance),
            "COMPLIANCE_UPLOAD_DIR": upload_dir,
            "COMPLIANCE_TASK_MODULES": '["tests.support.tasks", "tests.faults.tasks"]',
        }
        self.logs = instance / "workers.log"
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        process = start_worker(self.env, self.logs)
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            stop_worker(process)


@pytest.fixture
def fault_app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """The test's app on the same database, dispatching to a queue only our workers read."""
    queue = f"hrd-fault-{uuid.uuid4().hex[:8]}"
    application = create_app(
        {
            **{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_DIR")},
            "INSTANCE_PATH": str(tmp_path / "fault-instance"),
            "TESTING": True,
            "TASK_MODULES": FAULT_TASK_MODULES,
            "REDIS_URL": TEST_REDIS_URL,
            "RQ_QUEUE": queue,
        }
    )
    yield application
    job_service.backend(application).queue.delete(delete_jobs=True)
    db.engine(application).dispose()


@pytest.fixture
def workers(fault_app: Flask, tmp_path: Path) -> Iterator[Workers]:
    (tmp_path / "worker-instance").mkdir()
    pool = Workers(
        fault_app.config["RQ_QUEUE"],
        fault_app.config["DATABASE_URL"],
        tmp_path / "worker-instance",
        fault_app.config["UPLOAD_DIR"],
    )
    yield pool
    pool.stop_all()


def _wait_for(predicate, what: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _dead(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")  # a zombie waiting for a parent that is gone is dead too


def _job(app: Flask, job_id: str) -> Job:
    with db.session_scope(app) as session:
        return session.get(Job, job_id)


def _effects(app: Flask, name: str) -> list[str]:
    with db.session_scope(app) as session:
        return list(
            session.execute(
                sa.select(Organisation.name).where(Organisation.name.startswith(name))
            ).scalars()
        )


def _start_and_kill_worker(
    fault_app: Flask,
    workers: Workers,
    markers: Path,
    name: str,
    *,
    kill_work_horse: bool,
    kill_worker: bool = True,
) -> tuple[str, int]:
    """Start a worker, give it the job, SIGKILL it (or its work horse, or both) while the job
    waits; the job's id and the work horse's pid."""
    first_worker = workers.start()
    with db.session_scope(fault_app) as session:
        job = job_service.enqueue(
            session=session,
            kind="faults.effect",
            params={"marker_dir": str(markers), "name": name},
            organisation_id=None,
            created_by_id=None,
        )
        session.commit()  # dispatched to the private queue
        job_id = job.id
    _wait_for(lambda: (markers / "started-1").exists(), "the first attempt to start")
    work_horse = int((markers / "started-1").read_text())
    assert work_horse != first_worker.pid  # RQ runs each job in a forked work horse
    if kill_worker:
        first_worker.send_signal(signal.SIGKILL)
    if kill_work_horse:
        os.kill(work_horse, signal.SIGKILL)
    if kill_worker:
        first_worker.wait(timeout=10)
    if kill_work_horse:
        _wait_for(lambda: _dead(work_horse), "the work horse to die", timeout=10)
    if kill_worker:
        interrupted = _job(fault_app, job_id)
        assert (interrupted.status, interrupted.attempts) == (JobStatus.running, 1)
    # The killed attempt committed nothing. (When only the work horse dies, its worker may
    # already be running attempt 2, whose effect can land at any moment.)
    assert f"{name} attempt 1" not in _effects(fault_app, name)
    return job_id, work_horse


def _recover_abandoned(fault_app: Flask, job_id: str) -> None:
    """What each worker's maintenance does once the dead worker's heartbeat has run out."""
    queue = job_service.backend(fault_app).queue
    assert job_id in queue.started_job_registry.get_job_ids(cleanup=False)
    queue.started_job_registry.cleanup(timestamp=time.time() + HEARTBEAT_TTL_SECONDS + 1)


def _finished(fault_app: Flask, job_id: str) -> Job:
    def finished() -> Job | None:
        job = _job(fault_app, job_id)
        return job if job.status in (JobStatus.succeeded, JobStatus.failed) else None

    return _wait_for(finished, "the retried job to finish")


def test_a_job_whose_worker_is_killed_is_retried_and_takes_effect_once(
    fault_app: Flask, workers: Workers, tmp_path: Path
) -> None:
    markers, name = tmp_path / "markers", f"fault-effect-{uuid.uuid4().hex[:8]}"
    markers.mkdir()
    job_id, _horse = _start_and_kill_worker(fault_app, workers, markers, name, kill_work_horse=True)

    (markers / "release-2").touch()
    workers.start()
    _recover_abandoned(fault_app, job_id)

    done = _finished(fault_app, job_id)
    assert done.status == JobStatus.succeeded, done.error
    assert (done.attempts, done.result) == (2, {"attempt": 2})
    assert _effects(fault_app, name) == [f"{name} attempt 2"]

    # A finished job dispatched again (a duplicate delivery) is not run twice.
    queue = job_service.backend(fault_app).queue
    job_service.backend(fault_app).submit(job_id)
    rq_job = queue.fetch_job(job_id)
    _wait_for(lambda: rq_job.get_status(refresh=True) == "finished", "the duplicate delivery")
    assert _job(fault_app, job_id).attempts == 2
    assert _effects(fault_app, name) == [f"{name} attempt 2"]


def test_a_work_horse_outliving_its_killed_worker_cannot_finish_the_retried_job(
    fault_app: Flask, workers: Workers, tmp_path: Path
) -> None:
    """Only the worker process dies; its work horse runs on while RQ retries the job."""
    markers, name = tmp_path / "markers", f"fault-orphan-{uuid.uuid4().hex[:8]}"
    markers.mkdir()
    job_id, orphan = _start_and_kill_worker(
        fault_app, workers, markers, name, kill_work_horse=False
    )
    assert not _dead(orphan)

    workers.start()
    _recover_abandoned(fault_app, job_id)
    _wait_for(lambda: (markers / "started-2").exists(), "the retry to start")
    (markers / "release-1").touch()  # the orphan finishes first...
    _wait_for(lambda: _dead(orphan), "the orphaned work horse to end")
    superseded = _job(fault_app, job_id)
    assert (superseded.status, superseded.attempts) == (JobStatus.running, 2)
    assert _effects(fault_app, name) == []  # ...but the job was no longer its to finish

    (markers / "release-2").touch()
    done = _finished(fault_app, job_id)
    assert done.status == JobStatus.succeeded, done.error
    assert (done.attempts, done.result) == (2, {"attempt": 2})
    assert _effects(fault_app, name) == [f"{name} attempt 2"]


def test_a_job_whose_work_horse_is_killed_is_retried_at_once_by_its_worker(
    fault_app: Flask, workers: Workers, tmp_path: Path
) -> None:
    """The kernel's OOM killer takes the work horse; the worker process sees it and retries."""
    markers, name = tmp_path / "markers", f"fault-horse-{uuid.uuid4().hex[:8]}"
    markers.mkdir()
    (markers / "release-2").touch()
    job_id, _horse = _start_and_kill_worker(
        fault_app, workers, markers, name, kill_work_horse=True, kill_worker=False
    )

    done = _finished(fault_app, job_id)
    assert done.status == JobStatus.succeeded, done.error
    assert (done.attempts, done.result) == (2, {"attempt": 2})
    assert _effects(fault_app, name) == [f"{name} attempt 2"]
