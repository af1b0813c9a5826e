"""Shared helpers for views that receive or send files."""

from __future__ import annotations

from flask import Response, current_app
from werkzeug.datastructures import FileStorage

from compliance.errors import InvalidInput, ProblemDetail
from compliance.phrases import Phrase
from compliance.storage import FileStore

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_store() -> FileStore:
    return FileStore(current_app.config["UPLOAD_DIR"])


def optional_upload(value: object, *, what: str) -> FileStorage | None:
    """The file of an optional multipart field 'file': None when absent or empty, refused when
    the field came as text instead of a file."""
    if value is None or value == "":
        return None
    if not isinstance(value, FileStorage):
        raise InvalidInput(
            Phrase("'file' must be a file part of the form (the %(what)s), not text.", what=what),
            errors=[ProblemDetail(pointer="/file", detail=Phrase("not a file"))],
        )
    return value if value.filename else None


def read_upload(upload: object, *, max_bytes: int, what: str) -> bytes:
    """The uploaded bytes, refusing a missing or oversized file before reading it all."""
    upload = optional_upload(upload, what=what)
    if upload is None:
        raise InvalidInput(Phrase("Attach the %(what)s as the multipart field 'file'.", what=what))
    data = upload.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InvalidInput(
            Phrase(
                "The %(what)s is larger than %(limit)s MiB; send a smaller one.",
                what=what,
                limit=format(max_bytes / 2**20, ".0f"),
            )
        )
    return data


def download(data: bytes, *, filename: str, mimetype: str) -> Response:
    """Bytes as an attachment the browser saves rather than renders."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
