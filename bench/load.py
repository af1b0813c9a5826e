"""Load benchmark: the service under gunicorn (2 workers) on loopback with PostgreSQL, driven by
wrk (Debian's package) for a bounded time per endpoint.

- verify: POST /api/v1/verify with a certificate id of the demo world (public, no token): the
  signature, register and transparency-log checks of a real verification.
- list: GET /api/v1/assessments with a bearer token (an authenticated, paginated listing).
- health: GET /healthz served the same way in the same run, the reference for what the
  machine and the framework can do at all.

The demo world is seeded into a scratch PostgreSQL database (dropped afterwards). Rate limits
are turned off for the run: every request comes from one address, which the public verify
budget would otherwise stop after a few hundred requests.

Prints one line: ``verify_rps=... verify_p99_ms=... list_rps=... list_p99_ms=... health_rps=...``.
Target: verify >= 1,000 req/s and p99 <= 30 ms.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import sqlalchemy as sa

from compliance.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
DATABASE = "hrd_bench_load"
DURATION = os.environ.get("BENCH_LOAD_DURATION", "10s")
CONNECTIONS = 16
# A slow answer on a loaded machine is latency (it shows in p99), not a socket error.
TIMEOUT = "10s"


def _admin_engine() -> sa.Engine:
    return sa.create_engine(f"{SERVER_URL}/postgres", isolation_level="AUTOCOMMIT")


def _recreate_database() -> None:
    with _admin_engine().connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {DATABASE}"))


def _drop_database() -> None:
    with _admin_engine().connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(instance: str) -> dict[str, str]:
    return {
        **os.environ,
        "COMPLIANCE_INSTANCE_PATH": instance,
        "COMPLIANCE_DATABASE_URL": f"{SERVER_URL}/{DATABASE}",
        "COMPLIANCE_SECRET_KEY": "bench-load-secret",
        "COMPLIANCE_SCHEDULER_IN_WEB": "false",
        "COMPLIANCE_RATE_LIMIT_VERIFY": '""',
        "COMPLIANCE_RATE_LIMIT_TOKENS": '""',
    }


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [shutil.which("hrd-sentinel") or "hrd-sentinel", *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before serving")
        try:
            if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still starting up
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def _demo_login(base: str) -> tuple[str, str]:
    """A certificate id from the register, and a token of a demo company member."""
    register = requests.get(f"{base}/api/v1/register", timeout=30)
    register.raise_for_status()
    cert_id = register.json()["items"][0]["cert_id"]
    email = os.environ.get("BENCH_LOAD_EMAIL", "legal@andescobre.example")
    token = requests.post(
        f"{base}/api/v1/auth/tokens",
        json={"email": email, "password": DEMO_PASSWORD},
        timeout=30,
    )
    token.raise_for_status()
    return cert_id, token.json()["token"]


def _wrk(url: str, *, lua: str | None = None, headers: dict[str, str] | None = None) -> str:
    command = [
        "wrk",
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{DURATION}",
        f"--timeout={TIMEOUT}",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if lua:
        command += ["-s", lua]
    return subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _rps(output: str) -> float:
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def _p99_ms(output: str) -> float:
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * _UNITS_MS[unit]


def _check_no_errors(name: str, output: str) -> None:
    """Non-2xx answers or socket errors would make the figures meaningless."""
    problems = re.findall(r"(Non-2xx or 3xx responses: \d+|Socket errors: .*)", output)
    if problems:
        raise SystemExit(f"{name}: {'; '.join(problems)}")


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run bash scripts/setup.sh")
    _recreate_database()
    instance = tempfile.mkdtemp(prefix="bench-load-")
    env = _environment(instance)
    server = None
    try:
        _cli(env, "init")
        _cli(env, "seed-demo")
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                shutil.which("gunicorn") or "gunicorn",
                "--workers",
                "2",
                "--threads",
                "4",
                "--bind",
                f"127.0.0.1:{port}",
                "compliance:create_app()",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_until_up(base, server)
        cert_id, token = _demo_login(base)
        lua = Path(instance) / "verify.lua"
        body = json.dumps({"cert_id": cert_id}).replace('"', '\\"')
        lua.write_text(
            'wrk.method = "POST"\n'
            f'wrk.body = "{body}"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
        _wrk(f"{base}/healthz")  # warm both workers up
        health = _wrk(f"{base}/healthz")
        verify = _wrk(f"{base}/api/v1/verify", lua=str(lua))
        listing = _wrk(
            f"{base}/api/v1/assessments?limit=20", headers={"Authorization": f"Bearer {token}"}
        )
        for name, output in (("health", health), ("verify", verify), ("list", listing)):
            _check_no_errors(name, output)
        print(
            f"verify_rps={_rps(verify):.0f} verify_p99_ms={_p99_ms(verify):.1f} "
            f"list_rps={_rps(listing):.0f} list_p99_ms={_p99_ms(listing):.1f} "
            f"health_rps={_rps(health):.0f}"
        )
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(instance, ignore_errors=True)
        _drop_database()


if __name__ == "__main__":
    sys.exit(main())
