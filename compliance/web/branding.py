"""The logo as a data: URI, inlined in every page: no request for it, so nothing to abort."""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import quote

LOGO = Path(__file__).resolve().parent.parent / "static" / "favicon.svg"


@functools.cache
def logo_data_uri() -> str:
    # "#" must be escaped: unescaped it ends the URI, and the colours after it cut the SVG short.
    return "data:image/svg+xml," + quote(LOGO.read_text().strip(), safe=" :/=\"',.-")
