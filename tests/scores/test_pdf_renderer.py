"""The shared PDF renderer fetches only the assets it is given (and data: URLs)."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

from pypdf import PdfReader

from reports.pdf import AssetFetcher, PdfAttachment, render_pdf


class _Recorder(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


def test_local_files_and_other_hosts_are_never_fetched(tmp_path) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    secret = tmp_path / "secret.css"
    secret.write_text("h1 { color: red }")
    host = f"http://127.0.0.1:{server.server_port}"
    html = f"""<html lang="en"><head><title>t</title>
      <link rel="stylesheet" href="{host}/evil.css"><link rel="stylesheet" href="file://{secret}">
      <link rel="stylesheet" href="print.css"></head>
      <body><h1>Certificate</h1><img src="{host}/pixel.png" alt=""></body></html>"""
    try:
        pdf = render_pdf(html, assets={"print.css": (b"h1 { font-size: 30pt }", "text/css")})
    finally:
        server.shutdown()
        server.server_close()
    assert pdf.startswith(b"%PDF") and _Recorder.hits == []
    assert "Certificate" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_fetcher_serves_named_assets_and_data_urls_and_refuses_the_rest() -> None:
    fetcher = AssetFetcher({"logo.svg": (b"<svg/>", "image/svg+xml")})
    served = fetcher.fetch("https://assets.invalid/logo.svg")
    assert served.read() == b"<svg/>" and served.headers["Content-Type"] == "image/svg+xml"
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
    for url in (
        "file:///etc/passwd",
        "https://example.org/x.css",
        "https://assets.invalid/other.css",
    ):
        try:
            fetcher.fetch(url)
        except ValueError:
            continue
        raise AssertionError(f"{url} was fetched")
    assert len(fetcher.refused) == 3


def test_attachments_are_embedded() -> None:
    pdf = render_pdf(
        "<html lang='en'><head><title>t</title></head><body><p>x</p></body></html>",
        attachments=[PdfAttachment("payload.json", b'{"signed": true}', "the signed payload")],
    )
    assert dict(PdfReader(io.BytesIO(pdf)).attachments) == {"payload.json": [b'{"signed": true}']}
