"""The README's first command: `hrd-sentinel init` and `seed-demo` through the real entry point,
and the logins it prints work."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from compliance import create_app, db
from tests.conftest import TEST_DATABASE_URL, sign_in


@pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="the demo runs on SQLite, as the README serves it"
)
def test_init_and_seed_demo_print_logins_that_work(tmp_path: Path) -> None:
    env = {**os.environ, "COMPLIANCE_INSTANCE_PATH": str(tmp_path)}
    command = shutil.which("hrd-sentinel")
    assert command, "the console entry point is installed"
    init = subprocess.run([command, "init"], env=env, capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    seeded = subprocess.run(
        [command, "seed-demo"], env=env, capture_output=True, text=True, timeout=300
    )
    assert seeded.returncode == 0, seeded.stderr
    logins = re.findall(r"^\s+(.+?)\s{2,}(\S+@\S+)\s+(\S+)$", seeded.stdout, re.M)
    kinds = " ".join(label for label, _, _ in logins)
    assert len(logins) >= 8 and all(k in kinds for k in ("Company", "Bank", "NGO", "Reviewer"))
    looks = re.findall(r"^\s+(/\S*)\s{2,}\S", seeded.stdout.split("What to look at:")[1], re.M)
    assert "/register" in looks and "/portfolios" in looks
    again = subprocess.run(
        [command, "seed-demo"], env=env, capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0 and again.stdout == seeded.stdout

    assert (tmp_path / "hrd-sentinel.sqlite3").exists()
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert list((tmp_path / "signing-keys").glob("*.pem"))
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    client = app.test_client()
    _label, email, password = logins[0]
    assert sign_in(client, email, password).status_code == 302
    assert "Company" in client.get("/").get_data(as_text=True)
    db.engine(app).dispose()
