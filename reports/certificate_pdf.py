"""The one-page certificate PDF: the facts of a certificate, a chart of its section scores, a QR
code to its verification page, and the signed JSON attached, so the paper copy carries the exact
document a verifier checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources

import segno
from markupsafe import Markup, escape

from reports.i18n import environment, format_share, translations
from reports.pdf import PdfAttachment, render_pdf

TEMPLATE = "certificate.html"
STYLESHEET = "certificate.css"
CHART_WIDTH = 640
BAR_HEIGHT = 16
BAR_GAP = 7
LABEL_WIDTH = 250


@dataclass(frozen=True)
class SectionBar:
    """One bar of the chart: a questionnaire section and the share of its points earned."""

    section_id: str
    label: str
    percent: float


@dataclass(frozen=True)
class CertificateSheet:
    """Everything printed on a certificate; public data only (it is the register's content)."""

    cert_id: str
    organisation_name: str
    country: str | None
    sector: str | None
    tier_label: str
    score: float
    sections: tuple[SectionBar, ...]
    scope_lines: tuple[str, ...]
    issued_on: date
    expires_on: date
    status: str
    status_label: str
    status_note: str | None
    verify_url: str
    key_id: str
    key_fingerprint: str
    methodology: str
    methodology_hash: str
    inputs_hash: str
    credential_sha256: str
    signed_json: bytes

    @property
    def attachment_name(self) -> str:
        return f"{self.cert_id}.json"


def section_chart_svg(sections: tuple[SectionBar, ...], locale: str = "en") -> str:
    """A horizontal bar chart (0-100 %) of the section scores, as inline SVG text."""
    height = len(sections) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    track = CHART_WIDTH - LABEL_WIDTH - 50
    rows = []
    for position, bar in enumerate(sections):
        top = BAR_GAP + position * (BAR_HEIGHT + BAR_GAP)
        share = max(0.0, min(100.0, bar.percent))
        width = round(track * share / 100, 1)
        middle = top + BAR_HEIGHT * 0.72
        rows.append(
            f'<text x="0" y="{middle}" class="label">{_escape(bar.section_id)}. '
            f"{_escape(_shorten(bar.label, 46))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{top}" width="{track}" height="{BAR_HEIGHT}" '
            'class="track"/>'
            f'<rect x="{LABEL_WIDTH}" y="{top}" width="{width}" height="{BAR_HEIGHT}" '
            'class="bar"/>'
            f'<text x="{LABEL_WIDTH + track + 6}" y="{middle}" class="value">'
            f"{format_share(share, locale, decimals=0)}</text>"
        )
    label = _escape(translations(locale).gettext("Section scores"))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" height="{height}" '
        f'viewBox="0 0 {CHART_WIDTH} {height}" role="img" aria-label="{label}">'
        "<style>.label,.value{font-family:'DejaVu Sans',sans-serif;font-size:9px;fill:#1b1f24}"
        ".track{fill:#e6ebf0}.bar{fill:#1d4f91}</style>" + "".join(rows) + "</svg>"
    )


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI (nothing is fetched to draw it)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#1b1f24")


def render_certificate_pdf(sheet: CertificateSheet, locale: str = "en") -> bytes:
    """The certificate as a one-page PDF with the signed JSON attached; the fixed texts, dates
    and numbers in `locale` (en, es, fr), the sheet's own texts as the caller gives them."""
    html = (
        environment(locale)
        .get_template(TEMPLATE)
        .render(
            sheet=sheet,
            chart=Markup(section_chart_svg(sheet.sections, locale)),  # noqa: S704 (text escaped)
            qr=qr_data_uri(sheet.verify_url),
        )
    )
    description = translations(locale).gettext(
        "The signed certificate %(cert_id)s (W3C Verifiable Credential, eddsa-jcs-2022); "
        "SHA-256 %(sha256)s"
    ) % {"cert_id": sheet.cert_id, "sha256": sheet.credential_sha256}
    stylesheet = resources.files("reports").joinpath(STYLESHEET).read_bytes()
    return render_pdf(
        html,
        assets={STYLESHEET: (stylesheet, "text/css")},
        attachments=[
            PdfAttachment(
                name=sheet.attachment_name,
                data=sheet.signed_json,
                description=description,
            )
        ],
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _escape(text: str) -> str:
    return str(escape(text))
