"""The certificate PDF renderer on its own: one page, the chart drawn from the scores with its
text escaped, a QR code drawn locally, and the signed JSON attached byte for byte."""

from __future__ import annotations

import base64
import re
from datetime import date
from urllib.parse import unquote

from reports.certificate_pdf import (
    CertificateSheet,
    SectionBar,
    qr_data_uri,
    render_certificate_pdf,
    section_chart_svg,
)
from tests.certificates.support import pdf_reader

SIGNED = b'{"proof":{"proofValue":"z3x"},"type":["VerifiableCredential"]}'


def _sheet(**changes) -> CertificateSheet:
    values = {
        "cert_id": "HRD-2026-000042",
        "organisation_name": "Palmas del Norte <Agroindustrial> & Co",
        "country": "GT",
        "sector": "agribusiness",
        "tier_label": "Conditional",
        "score": 48.25,
        "sections": (SectionBar("A", "Policy and governance", 80.0), SectionBar("B", "Risk", 20.0)),
        "scope_lines": ("12 suppliers listed",),
        "issued_on": date(2026, 3, 1),
        "expires_on": date(2027, 3, 1),
        "status": "active",
        "status_label": "Active",
        "status_note": None,
        "verify_url": "https://sentinel.example/certificates/HRD-2026-000042",
        "key_id": "kid-1",
        "key_fingerprint": "f" * 64,
        "methodology": "hrd-sentinel-method 1.0",
        "methodology_hash": "a" * 64,
        "inputs_hash": "b" * 64,
        "credential_sha256": "c" * 64,
        "signed_json": SIGNED,
    }
    return CertificateSheet(**{**values, **changes})


def test_the_chart_draws_each_section_to_scale_and_escapes_labels() -> None:
    svg = section_chart_svg(
        (SectionBar("A", "Policy <script>", 100.0), SectionBar("B", "Risk", 25.0))
    )
    assert "<script>" not in svg and "Policy &lt;script&gt;" in svg
    widths = [float(w) for w in re.findall(r'class="track"/><rect [^>]*width="([\d.]+)"', svg)]
    assert len(widths) == 2 and widths[0] == 4 * widths[1]
    assert "100%" in svg and "25%" in svg


def test_the_qr_code_is_drawn_locally_as_svg() -> None:
    uri = qr_data_uri("https://sentinel.example/certificates/HRD-2026-000042")
    header, body = uri.split(",", 1)
    assert header.startswith("data:image/svg+xml")
    svg = base64.b64decode(body).decode() if header.endswith(";base64") else unquote(body)
    assert svg.startswith("<svg") or "<svg" in svg[:200]
    assert "href" not in svg  # nothing for the renderer to fetch


def test_one_page_with_the_facts_and_the_signed_json_attached() -> None:
    pdf = render_certificate_pdf(_sheet())
    reader = pdf_reader(pdf)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in ("HRD-2026-000042", "Conditional", "48.2", "Palmas del Norte <Agroindustrial>"):
        assert expected in text
    assert dict(reader.attachments) == {"HRD-2026-000042.json": [SIGNED]}
    assert reader.metadata.title == "HRD Sentinel certificate HRD-2026-000042"
