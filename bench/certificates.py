"""Benchmark of certificates: rendering one certificate PDF, serving a stored PDF, and inclusion
proofs of the transparency log at 100,000 and 1,000,000 entries.

- render_pdf_s: median of 5 renders of a demo certificate's one-page PDF (after one warm-up
  render, which is reported on stderr), the work done inside an approval's transaction.
- serve_pdf_ms: mean time of GET /api/v1/certificates/<id>.pdf through the app's test client
  (SQLite, 200 requests): the stored bytes, never rendered.
- proof_100k_ms, proof_1m_ms: bench/transparency_proofs.py's measurement (mean of 2,000
  inclusion proofs). Target: proof_1m_ms <= 5.

Prints one line: ``render_pdf_s=... serve_pdf_ms=... proof_100k_ms=... proof_1m_ms=...``.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time

from sqlmodel import select
from transparency_proofs import build, time_proofs

from compliance import create_app, db, demo
from compliance.certificates import rendering
from compliance.certificates.issuer import Issuer
from compliance.certificates.models import Certificate
from compliance.clock import now
from reports.certificate_pdf import render_certificate_pdf

RENDERS = 5
REQUESTS = 200


def _demo_app(instance: str):
    app = create_app({"INSTANCE_PATH": instance, "SCHEDULER_IN_WEB": False})
    db.upgrade(app)
    with app.app_context():
        demo.seed(app=app, now=now())
    return app


def time_render(app) -> float:
    """Median seconds of rendering one certificate PDF."""
    with db.session_scope(app) as session:
        certificate = session.exec(select(Certificate).order_by(Certificate.id)).first()
        sheet = rendering.sheet_for(certificate, base_url=Issuer.from_config(app.config).base_url)
    started = time.perf_counter()
    render_certificate_pdf(sheet)
    print(f"first render in this process: {time.perf_counter() - started:.3f}s", file=sys.stderr)
    timings = []
    for _ in range(RENDERS):
        started = time.perf_counter()
        render_certificate_pdf(sheet)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def time_serving(app) -> float:
    """Mean milliseconds of serving a stored certificate PDF."""
    with db.session_scope(app) as session:
        cert_id = session.exec(select(Certificate.cert_id).order_by(Certificate.id)).first()
    client = app.test_client()
    url = f"/api/v1/certificates/{cert_id}.pdf"
    first = client.get(url)
    if first.status_code != 200 or not first.data.startswith(b"%PDF-"):
        raise SystemExit(f"{url} answered {first.status_code}")
    started = time.perf_counter()
    for _ in range(REQUESTS):
        client.get(url).close()
    return (time.perf_counter() - started) * 1000 / REQUESTS


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="hrd-bench-certificates-") as instance:
        app = _demo_app(instance)
        render_s = time_render(app)
        serve_ms = time_serving(app)
        db.engine(app).dispose()
    rng = random.Random(6962)
    proofs = {}
    for label, size in (("100k", 100_000), ("1m", 1_000_000)):
        store, build_s = build(size)
        proofs[label] = time_proofs(store, size, rng)
        print(f"{label}: build_s={build_s:.2f} proof_ms={proofs[label]:.4f}", file=sys.stderr)
        del store
    print(
        f"render_pdf_s={render_s:.3f} serve_pdf_ms={serve_ms:.2f} "
        f"proof_100k_ms={proofs['100k']:.3f} proof_1m_ms={proofs['1m']:.3f}"
    )


if __name__ == "__main__":
    main()
