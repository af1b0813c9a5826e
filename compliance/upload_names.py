"""Refuse uploads whose file name carries folders or control characters.

Browsers send a file's bare name; a name such as `../../etc/cron.d/x.pdf` or one with a NUL byte
only comes from a hand-made request. Nothing stores files under their given names (the file
store is content-addressed), but such a request is refused outright, for every upload of the
API and the pages, the moment its form is parsed: after the route's own body-size limit is set,
before the view sees a file.
"""

from __future__ import annotations

import re

from flask import Flask
from flask import Request as FlaskRequest

from compliance.errors import InvalidInput, ProblemDetail
from compliance.phrases import Phrase

_NOT_BARE = re.compile(r"[/\\\x00-\x1f\x7f]|^\.\.?$")


def is_bare(name: str) -> bool:
    """True for a plain file name: no folder separators, no control characters, not . or .."""
    return not _NOT_BARE.search(name)


class Request(FlaskRequest):
    """Flask's request, checking the names of uploaded files as the form is parsed."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        if self.mimetype == "multipart/form-data":
            _check(self)


def _check(request: FlaskRequest) -> None:
    for field, storage in request.files.items(multi=True):
        if storage.filename and not is_bare(storage.filename):
            raise InvalidInput(
                Phrase(
                    "A file name must be a plain name such as policy.pdf, without folders or "
                    "control characters: rename the file and upload it again."
                ),
                errors=[
                    ProblemDetail(
                        pointer=f"/{field}", detail=Phrase("file name is not a plain name")
                    )
                ],
            )


def init_app(app: Flask) -> None:
    app.request_class = Request
