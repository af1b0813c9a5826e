"""HTML to PDF with WeasyPrint, fetching nothing but the assets the caller hands over.

Every document (methodology, certificates, briefings) is rendered here. WeasyPrint's default
fetcher reads `file://` and `http(s)://` URLs; ours serves `data:` URLs and the given assets
(at `app://assets/<name>`, the document's base URL, so `href="print.css"` works) and refuses
everything else, so text that reaches a template can never make the server read a local file or
call another host.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSET_BASE = "https://assets.invalid/"  # reserved name: never resolves, and is never fetched

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF (for example the signed JSON a certificate is made of)."""

    name: str
    data: bytes
    description: str = ""


class AssetFetcher(URLFetcher):
    """Serve `data:` URLs and an explicit set of in-memory assets; refuse everything else."""

    def __init__(self, assets: Mapping[str, tuple[bytes, str]]) -> None:
        super().__init__(allowed_protocols={"data"})
        self.assets = dict(assets)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        name = url.removeprefix(ASSET_BASE) if url.startswith(ASSET_BASE) else None
        if name is not None and name in self.assets:
            body, media_type = self.assets[name]
            return URLFetcherResponse(url, body, {"Content-Type": media_type})
        self.refused.append(url)
        log.warning("PDF rendering refused to fetch %s", url[:200])
        raise ValueError(f"fetch refused: {url[:200]}")


def render_pdf(
    html: str,
    *,
    assets: Mapping[str, tuple[bytes, str]] | None = None,
    attachments: Sequence[PdfAttachment] = (),
) -> bytes:
    """The PDF of `html`; `assets` maps names to (bytes, media type) for stylesheets, fonts and
    images the HTML refers to by name."""
    fetcher = AssetFetcher(assets or {})
    document = HTML(string=html, base_url=ASSET_BASE, url_fetcher=fetcher)
    return document.write_pdf(
        attachments=[
            Attachment(
                string=item.data,
                name=item.name,
                description=item.description or None,
                url_fetcher=fetcher,
            )
            for item in attachments
        ]
    )
