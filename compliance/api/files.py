"""Shared helpers for views that receive or send files."""

from __future__ import annotations

from flask import Response, current_app
from werkzeug.datastructures import FileStorage

from compliance.errors import InvalidInput
from compliance.storage import FileStore

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_store() -> FileStore:
    return FileStore(current_app.config["UPLOAD_DIR"])


def read_upload(upload: FileStorage | None, *, max_bytes: int, what: str) -> bytes:
    """The uploaded bytes, refusing a missing or oversized file before reading it all."""
    if upload is None or not upload.filename:
        raise InvalidInput(f"Attach the {what} as the multipart field 'file'.")
    data = upload.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InvalidInput(
            f"The {what} is larger than {max_bytes / 2**20:.0f} MiB; send a smaller one."
        )
    return data


def download(data: bytes, *, filename: str, mimetype: str) -> Response:
    """Bytes as an attachment the browser saves rather than renders."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
