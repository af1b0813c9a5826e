"""Uploaded files, stored once by content (SHA-256), written atomically, typed by their bytes.

No file is ever trusted by its name or declared type: the first bytes decide what it is, and
only the kinds listed in `ALLOWED_KINDS` are kept.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from compliance.errors import InvalidInput, Problem
from compliance.phrases import Phrase


class StorageFull(Problem):
    status = 507
    title = Phrase("Insufficient storage")


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size_bytes: int
    content_type: str


ALLOWED_KINDS = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet",
    "text/plain": "plain text",
}
_ZIP_KINDS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                return declared if declared in ALLOWED_KINDS else None
    except zipfile.BadZipFile:
        return None
    for prefix, kind in _ZIP_KINDS.items():
        if "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names):
            return kind
    return None


def sniff(data: bytes) -> str | None:
    """The content type of `data` judged by its bytes, or None when it is not an allowed kind."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain"
    return None


class FileStore:
    """Content-addressed files under one folder: `<root>/ab/abcdef…`."""

    def __init__(self, root: str) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 digest")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes, *, max_bytes: int, what: str = Phrase("file")) -> StoredFile:
        """Check and keep `data`; refuse a forbidden kind or size with a message to act on."""
        if not data:
            raise InvalidInput(Phrase("The %(what)s is empty.", what=what))
        if len(data) > max_bytes:
            raise InvalidInput(
                Phrase(
                    "The %(what)s is %(size)s MiB; the limit is %(limit)s MiB.",
                    what=what,
                    size=format(len(data) / 2**20, ".1f"),
                    limit=format(max_bytes / 2**20, ".0f"),
                )
            )
        content_type = sniff(data)
        if content_type is None:
            raise InvalidInput(
                Phrase(
                    "This kind of %(what)s is not accepted. Upload one of: %(allowed)s.",
                    what=what,
                    allowed=", ".join(sorted(set(ALLOWED_KINDS.values()))),
                )
            )
        digest = hashlib.sha256(data).hexdigest()
        self.write(digest, data)
        return StoredFile(sha256=digest, size_bytes=len(data), content_type=content_type)

    def write(self, sha256: str, data: bytes) -> None:
        """Write through a temporary file and an atomic rename: never a half-written file."""
        target = self.path(sha256)
        if target.exists():
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StorageFull(
                    Phrase(
                        "The server has no room for this file right now; nothing was saved. "
                        "Try again later."
                    )
                ) from exc
            raise

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()
