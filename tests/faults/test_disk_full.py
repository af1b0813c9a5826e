"""Fault: the disk for uploads is full.

UPLOAD_DIR is a real 1 MiB tmpfs mounted for the test (this needs root; without it the test is
skipped and says so). Evidence files are uploaded until the disk is full, then evidence,
dataset and portfolio uploads are refused with 507 problem+json; no half-written or temporary
file is left, the database holds nothing of the refused uploads, and once space is freed the
same app accepts uploads again.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from compliance import db
from compliance.assessments.models import Evidence
from compliance.audit.models import AuditEvent
from compliance.datasets.models import DatasetUpload, DatasetVersion
from compliance.jobs.models import Job
from compliance.portfolios.models import Portfolio
from tests.conftest import World
from tests.datasets.builders import SITE_HEADER, csv_file, site

DISK_BYTES = 2**20
EVIDENCE_BYTES = 300 * 1024


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A real 1 MiB filesystem (tmpfs), unmounted afterwards."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs as the upload disk needs root and mount(8)")
    mountpoint = Path(tempfile.mkdtemp(prefix="hrd-full-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES},mode=0700", "tmpfs", str(mountpoint)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        mountpoint.rmdir()
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); run as root")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=True)
        mountpoint.rmdir()


def _fill(disk: Path) -> Path:
    """Take every byte left on the disk with one file; deleting it frees the space again."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def _pdf(size: int) -> bytes:
    return b"%PDF-1.4\n" + os.urandom(size).hex().encode()[:size]


def _post_file(client: FlaskClient, url: str, headers: dict, data: bytes, filename: str, **fields):
    values = {**fields, "file": FileStorage(io.BytesIO(data), filename=filename)}
    boundary, body = encode_multipart(values)
    return client.post(
        url, data=body, headers=headers, content_type=f"multipart/form-data; boundary={boundary}"
    )


def _counts(app: Flask) -> dict[str, int]:
    with db.session_scope(app) as session:
        return {
            model.__tablename__: session.execute(
                sa.select(sa.func.count()).select_from(model)
            ).scalar_one()
            for model in (Evidence, DatasetUpload, DatasetVersion, Portfolio, Job, AuditEvent)
        }


def _files(disk: Path) -> list[Path]:
    return sorted(p for p in disk.rglob("*") if p.is_file() and p.name != "filler")


def _assert_only_whole_files(disk: Path) -> None:
    """Every stored file is complete (its name is the SHA-256 of its bytes); no temporaries."""
    for path in _files(disk):
        assert not path.name.startswith(".upload-"), f"temporary file left: {path}"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name, f"half-written {path}"


def _assert_insufficient_storage(answer) -> None:
    assert answer.status_code == 507, answer.get_json()
    assert answer.mimetype == "application/problem+json"
    problem = answer.get_json()
    assert problem["status"] == 507 and problem["title"] == "Insufficient storage"
    assert "nothing was saved" in problem["detail"]


def test_a_full_upload_disk_answers_507_and_leaves_no_half_written_file(
    app: Flask, client: FlaskClient, world: World, small_disk: Path
) -> None:
    app.config.update(UPLOAD_DIR=str(small_disk))
    company = world["company_a"].headers
    started = client.post(
        "/api/v1/assessments", json={"questionnaire_key": "company"}, headers=company
    )
    assert started.status_code == 201, started.get_json()
    assessment_id = started.get_json()["id"]
    evidence_url = f"/api/v1/assessments/{assessment_id}/evidence"

    kept = 0
    for attempt in range(DISK_BYTES // EVIDENCE_BYTES + 2):
        answer = _post_file(client, evidence_url, company, _pdf(EVIDENCE_BYTES), f"e{attempt}.pdf")
        if answer.status_code != 201:
            break
        kept += 1
    else:
        pytest.fail("the 1 MiB disk never filled up")
    _assert_insufficient_storage(answer)
    assert kept == DISK_BYTES // EVIDENCE_BYTES  # the disk took what fitted, then refused
    assert len(_files(small_disk)) == kept
    _assert_only_whole_files(small_disk)

    filler = _fill(small_disk)
    before = _counts(app)
    assert before["evidence"] == kept
    refused = [
        _post_file(client, evidence_url, company, _pdf(2000), "small.pdf"),
        _post_file(
            client,
            f"/api/v1/assessments/{assessment_id}/datasets/sites",
            company,
            csv_file([SITE_HEADER, site(), site(Name="Represa Alta", Country="BR")]),
            "sites.csv",
        ),
        _post_file(
            client,
            "/api/v1/portfolios",
            world["investor"].headers,
            b"Name,ISIN,Weight\nMinera Alfa S.A.,US0378331005,100\n",
            "holdings.csv",
            name="Fund",
        ),
    ]
    for answer in refused:
        _assert_insufficient_storage(answer)
    assert _counts(app) == before  # no row of a refused upload, no job, no audit event
    assert len(_files(small_disk)) == kept
    _assert_only_whole_files(small_disk)

    filler.unlink()  # space again: the same app, not restarted, takes uploads
    again = _post_file(client, evidence_url, company, _pdf(2000), "after.pdf")
    assert again.status_code == 201, again.get_json()
    assert _counts(app)["evidence"] == kept + 1
    _assert_only_whole_files(small_disk)
