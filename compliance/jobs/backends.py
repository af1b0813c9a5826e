"""Where jobs run: a thread pool inside the web process, or RQ workers on Redis."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from flask import Flask
from sqlalchemy.exc import OperationalError

from compliance.jobs import runner

log = logging.getLogger(__name__)
# Pauses before trying a job again whose claim or record met a busy database (SQLite allows
# one writer at a time); after the last, `jobs.recover` dispatches it again later.
BUSY_RETRY_SECONDS = (0.5, 2.0, 5.0)


class JobBackend(Protocol):
    name: str

    def submit(self, job_id: str) -> None: ...

    def health(self) -> dict[str, Any]: ...


class ThreadBackend:
    """Jobs in a small thread pool of this process: no extra service to run."""

    name = "thread"

    def __init__(self, app: Flask, threads: int) -> None:
        self._app = app
        self._threads = threads
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="hrd-job")

    def submit(self, job_id: str) -> None:
        self._executor.submit(self._run, job_id)

    def health(self) -> dict[str, Any]:
        return {"backend": self.name, "status": "ok", "threads": self._threads}

    def _run(self, job_id: str) -> None:
        """Run the job; a database too busy to claim it, or to record its end, is waited for,
        not left to swallow the job silently (a pool thread's exception reaches nobody)."""
        for tries, pause in enumerate((*BUSY_RETRY_SECONDS, None)):
            try:
                # a retry takes back the job its busy attempt may have left running
                runner.run(self._app, job_id, reclaim_running=tries > 0)
                return
            except OperationalError:
                if pause is None:
                    log.exception("job %s: database busy; jobs.recover will dispatch it", job_id)
                    return
                log.warning("job %s: database busy, trying again in %.1f s", job_id, pause)
                time.sleep(pause)


class RQBackend:
    """Jobs on a Redis queue, run by `hrd-sentinel worker` processes on any host."""

    name = "rq"

    def __init__(self, redis_url: str, queue_name: str, timeout_seconds: int) -> None:
        from redis import Redis
        from rq import Queue

        self._redis = Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
        self.queue = Queue(queue_name, connection=self._redis)
        self._timeout = timeout_seconds

    def submit(self, job_id: str) -> None:
        from rq import Retry

        self.queue.enqueue(
            "compliance.jobs.runner.run_in_worker",
            job_id,
            job_id=job_id,
            job_timeout=self._timeout,
            result_ttl=3600,
            failure_ttl=7 * 86400,
            # RQ retries a job whose worker died in the middle of it. At once: with an interval
            # RQ parks it in its scheduled registry, which only a worker running RQ's scheduler
            # moves back to the queue (`hrd-sentinel worker` runs none), so it never ran again.
            retry=Retry(max=2),
        )

    def health(self) -> dict[str, Any]:
        from redis.exceptions import RedisError
        from rq import Worker

        try:
            self._redis.ping()
            workers = Worker.count(queue=self.queue)
        except RedisError as exc:
            return {"backend": self.name, "status": "unavailable", "detail": type(exc).__name__}
        return {
            "backend": self.name,
            "status": "ok" if workers else "degraded",
            "workers": workers,
            "queued": self.queue.count,
        }


def make_backend(app: Flask) -> JobBackend:
    if app.config.get("REDIS_URL"):
        return RQBackend(
            app.config["REDIS_URL"], app.config["RQ_QUEUE"], int(app.config["JOB_TIMEOUT_SECONDS"])
        )
    return ThreadBackend(app, int(app.config["JOB_THREADS"]))
