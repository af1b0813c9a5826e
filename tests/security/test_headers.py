"""Every answer carries the security headers; only the API reference may run its inline script."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/", "/login", "/healthz", "/api/v1/questionnaires", "/nope"])
def test_pages_and_api_forbid_inline_scripts_framing_and_sniffing(client, path: str) -> None:
    answer = client.get(path)
    csp = answer.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in answer.headers


def test_hsts_only_over_tls(client) -> None:
    answer = client.get("/", base_url="https://hrd.example.org")
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


def test_api_reference_alone_may_run_its_inline_script(client) -> None:
    csp = client.get("/api/v1/docs").headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in csp and "frame-ancestors 'none'" in csp
