"""The published methodology as a PDF: its HTML rendered with the print stylesheet, and the
rules file itself attached, so the PDF carries the exact data its hash covers."""

from __future__ import annotations

from importlib import resources

from reports.pdf import PdfAttachment, render_pdf
from scoring.rules import Rules

STYLESHEET = "methodology.css"


def render_methodology_pdf(*, html: str, rules: Rules, rules_file: bytes) -> bytes:
    """The PDF of the methodology page `html` (which links `STYLESHEET`), with `rules_file`
    attached under the methodology's id and version."""
    stylesheet = resources.files("reports").joinpath(STYLESHEET).read_bytes()
    return render_pdf(
        html,
        assets={STYLESHEET: (stylesheet, "text/css")},
        attachments=[
            PdfAttachment(
                name=f"{rules.id}-{rules.version}.json",
                data=rules_file,
                description=(
                    f"The rules of {rules.title} {rules.version}; SHA-256 of their canonical "
                    f"JSON: {rules.content_hash}"
                ),
            )
        ],
    )
