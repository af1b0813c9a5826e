"""Real `hrd-sentinel worker` processes for the PostgreSQL + Redis half of the suite."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from redis import Redis
from rq import Queue, Worker

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 180


def start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """A worker on `env`'s COMPLIANCE_RQ_QUEUE, returned once it listens there.

    It imports the whole service first: on a busy machine (or beside parallel test workers)
    that takes long, and a test's own wait for a job must not pay for it.
    """
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [shutil.which("hrd-sentinel") or "hrd-sentinel", "worker"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    key = f"{Worker.redis_worker_namespace_prefix}hrd-{socket.gethostname()}-{process.pid}"
    with Redis.from_url(env["COMPLIANCE_REDIS_URL"]) as connection:
        queue = Queue(env["COMPLIANCE_RQ_QUEUE"], connection=connection)
        deadline = time.monotonic() + STARTUP_SECONDS
        while key not in Worker.all_keys(queue=queue):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                raise RuntimeError(f"the RQ worker did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.2)
    return process


def stop_worker(process: subprocess.Popen) -> None:
    """A warm shutdown (the current job finishes), a kill when that takes too long."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
