"""Refuse uploads whose file name carries folders or control characters.

Browsers send a file's bare name; a name such as `../../etc/cron.d/x.pdf` or one with a NUL byte
only comes from a hand-made request. Nothing stores files under their given names (the file
store is content-addressed), but such a request is refused outright, for every upload of the
API and the pages, before any view reads it.
"""

from __future__ import annotations

import re

from flask import Flask, request

from compliance.errors import InvalidInput, ProblemDetail

_NOT_BARE = re.compile(r"[/\\\x00-\x1f\x7f]|^\.\.?$")


def is_bare(name: str) -> bool:
    """True for a plain file name: no folder separators, no control characters, not . or .."""
    return not _NOT_BARE.search(name)


def _check() -> None:
    if request.mimetype != "multipart/form-data":
        return
    for field, storage in request.files.items(multi=True):
        if storage.filename and not is_bare(storage.filename):
            raise InvalidInput(
                "A file name must be a plain name such as policy.pdf, without folders or "
                "control characters: rename the file and upload it again.",
                errors=[ProblemDetail(pointer=f"/{field}", detail="file name is not a plain name")],
            )


def init_app(app: Flask) -> None:
    app.before_request(_check)
