"""Open an untrusted xlsx upload safely: refuse what could hurt before any parser sees it.

Every workbook a user sends (questionnaire answers, supplier and site lists, portfolios) goes
through `open_untrusted_xlsx`. The zip container is inspected first (declared sizes, member
count, compression ratio, macros, XML entity declarations), then python-calamine reads the
cached cell values; formulas are found in the sheet XML because calamine never reports them.
"""

from __future__ import annotations

import gc
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from questionnaires.phrases import Phrase

CellValue = str | float | int | bool | date | datetime | time | timedelta | None

_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_ENTITY_TRICK = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
# A cell element that is not self-closing (`<c r="D7" s="1"/>` holds no formula) and whose
# content, before its closing tag or the next cell, opens an `<f>` element.
_FORMULA_TAG = re.compile(rb"<f[\s>/]")
_FORMULA_CELL = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"[^>]*(?<!/)>(?:(?!</c>|<c\b).){0,200}?<f\b', re.S
)
_CHUNK = 2**20
_ENTITY = b"<!ENTITY"
_HEAD = 4096  # where a DOCTYPE would stand: checked in any letter case
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


class WorkbookRefused(ValueError):
    """The upload is not a workbook we are willing to read; `str(exc)` tells the user why in
    English, `args[0]` is the same reason as a `Phrase` that a page can translate."""


@dataclass(frozen=True)
class WorkbookLimits:
    """Ceilings checked on the zip container before parsing (zip bombs, hostile files)."""

    max_bytes: int = 20 * 2**20
    max_unpacked_bytes: int = 200 * 2**20
    max_members: int = 1_000
    max_ratio: float = 250.0


@dataclass
class UntrustedWorkbook:
    """Cell values of a checked workbook, with the cells that hold formulas per sheet."""

    sheet_names: list[str]
    hidden_sheets: set[str]
    _book: CalamineWorkbook
    _formulas: dict[str, list[str]] = field(default_factory=dict)

    def rows(self, sheet: str) -> list[list[CellValue]]:
        """All rows of a sheet as Python values (empty cells are '')."""
        cells = self._book.get_sheet_by_name(sheet)
        with _cycle_collector_paused():
            return cells.to_python(skip_empty_area=False)

    def formula_cells(self, sheet: str) -> list[str]:
        """References ('B7') of the cells of `sheet` that contain a formula."""
        return self._formulas.get(sheet, [])


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Building a sheet's rows allocates one list per row (values only, no reference cycles);
    without this pause the cycle collector would rescan the rows built so far again and again,
    nearly doubling the time. Reference counting frees memory as usual meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_container(data: bytes, limits: WorkbookLimits) -> zipfile.ZipFile:
    if len(data) > limits.max_bytes:
        raise WorkbookRefused(
            Phrase(
                "The file is %(size)s MiB; the limit is %(limit)s MiB. Split it or remove unused "
                "sheets.",
                size=format(len(data) / 2**20, ".1f"),
                limit=format(limits.max_bytes / 2**20, ".0f"),
            )
        )
    if data.startswith(_OLE_MAGIC):
        raise WorkbookRefused(
            Phrase(
                "This is an encrypted (password-protected) or legacy .xls file. Save it as an "
                "unprotected .xlsx workbook and upload it again."
            )
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WorkbookRefused(
            Phrase("This file is not an .xlsx workbook. Save it as .xlsx and try again.")
        )
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise WorkbookRefused(
            Phrase(
                "The workbook has %(parts)s parts; the limit is %(limit)s.",
                parts=len(members),
                limit=limits.max_members,
            )
        )
    declared = sum(m.file_size for m in members)
    if declared > limits.max_unpacked_bytes:
        raise WorkbookRefused(
            Phrase(
                "The workbook unpacks to %(size)s MiB; the limit is %(limit)s MiB.",
                size=format(declared / 2**20, ".0f"),
                limit=format(limits.max_unpacked_bytes / 2**20, ".0f"),
            )
        )
    for member in members:
        if member.compress_size and member.file_size / member.compress_size > limits.max_ratio:
            raise WorkbookRefused(
                Phrase(
                    "The workbook is compressed suspiciously well (a possible zip bomb); "
                    "it was not read."
                )
            )
        if _is_macro_part(member.filename):
            raise WorkbookRefused(
                Phrase(
                    "Workbooks with macros (.xlsm) are refused. Save it as a plain .xlsx workbook."
                )
            )
    if "xl/workbook.xml" not in archive.namelist():
        raise WorkbookRefused(Phrase("This file is a zip archive but not an .xlsx workbook."))
    return archive


def _is_macro_part(name: str) -> bool:
    """VBA projects, and Excel 4.0 (XLM) or dialog macro sheets, which need no VBA at all."""
    lowered = name.lower()
    return lowered.endswith("vbaproject.bin") or lowered.startswith(
        ("xl/macrosheets/", "xl/dialogsheets/")
    )


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """A small member whole (the workbook's structure files), after the same checks."""
    content = b"".join(_checked_chunks(archive, name))
    _refuse_entities(content, at_start=True)
    return content


def _checked_chunks(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """The member inflated a chunk at a time (never whole), refused as soon as it outgrows the
    size it declared. Every chunk but the last is `_CHUNK` bytes long."""
    declared = archive.getinfo(name).file_size
    inflated = 0
    try:
        with archive.open(name) as handle:
            while chunk := handle.read(_CHUNK):
                inflated += len(chunk)
                if inflated > declared:
                    raise WorkbookRefused(
                        Phrase(
                            "The workbook lies about its size (a possible zip bomb); it was not "
                            "read."
                        )
                    )
                yield chunk
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise WorkbookRefused(Phrase("The workbook is damaged and could not be read.")) from exc


def _refuse_entities(content: bytes, *, at_start: bool) -> None:
    """Refuse DOCTYPE or ENTITY declarations: in any letter case at the start of a member, where
    a parser would honour them, and `<!ENTITY` anywhere."""
    if (at_start and _ENTITY_TRICK.search(content[:_HEAD])) or _ENTITY in content:
        raise WorkbookRefused(
            Phrase("The workbook declares XML entities, which are refused for safety.")
        )


def _scan_member(archive: zipfile.ZipFile, name: str, *, sheet: str | None) -> list[str]:
    """Check one member in a single streaming pass (declared size, XML entities) and, for a
    sheet, return the addresses of its formula cells."""
    formulas = _FormulaScan(sheet) if sheet is not None else None
    head = b""
    tail = b""
    for chunk in _checked_chunks(archive, name):
        if len(head) < _HEAD:
            head += chunk[: _HEAD - len(head)]
            _refuse_entities(head, at_start=True)
        _refuse_entities(chunk, at_start=False)
        _refuse_entities(tail + chunk[: len(_ENTITY) - 1], at_start=False)
        tail = (tail + chunk[1 - len(_ENTITY) :])[1 - len(_ENTITY) :]
        if formulas is not None:
            formulas.feed(chunk)
    return formulas.finish() if formulas is not None else []


class _FormulaScan:
    """Formula cells of a sheet's XML fed in chunks. The text is scanned up to the start of the
    last complete-looking cell element and the rest is kept for the next chunk, so a cell and
    its formula tag are always scanned together, as if the whole sheet were one string."""

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.pending = bytearray()
        self.refs: list[str] = []

    def feed(self, chunk: bytes) -> None:
        searched_from = max(len(self.pending) - 1, 1)
        self.pending += chunk
        cut = _last_cell_start(self.pending, searched_from)
        if cut < 0 and not self.pending.startswith(b"<c"):
            # No cell starts here, so no formula cell spans into the next chunk (but a '<'
            # at the end may open one).
            cut = len(self.pending) - self.pending.endswith(b"<")
        if cut > 0:
            self.refs += _formula_refs(self.pending[:cut], self.sheet)
            del self.pending[:cut]

    def finish(self) -> list[str]:
        self.refs += _formula_refs(self.pending, self.sheet)
        self.pending.clear()
        return self.refs


def _last_cell_start(text: bytearray, start: int) -> int:
    """Where the last `<c` element tag at or after `start` begins (or may begin, at the very
    end), or -1."""
    end = len(text)
    while (position := text.rfind(b"<c", start, end)) >= 0:
        if position + 2 == len(text) or text[position + 2] not in _WORD_BYTES:
            return position
        end = position + 1
    return -1


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Map each sheet's name to the zip member holding its XML."""
    try:
        # _read_member refuses DOCTYPE and ENTITY declarations before anything is parsed.
        book = ElementTree.fromstring(_read_member(archive, "xl/workbook.xml"))  # noqa: S314
        rels = ElementTree.fromstring(  # noqa: S314
            _read_member(archive, "xl/_rels/workbook.xml.rels")
        )
    except (ElementTree.ParseError, KeyError) as exc:
        raise WorkbookRefused(
            Phrase("The workbook's structure is damaged and could not be read.")
        ) from exc
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship")
    }
    parts = {}
    for sheet in book.iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
        parts[sheet.get("name", "")] = (
            target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        )
    return parts


def _formula_refs(content: bytes | bytearray, sheet: str) -> list[str]:
    """The addresses of the formula cells in one sheet's XML (each member is read only once)."""
    tags = len(_FORMULA_TAG.findall(content))
    if not tags:
        return []
    refs = [ref.decode() for ref in _FORMULA_CELL.findall(content)]
    if len(refs) < tags:
        raise WorkbookRefused(
            Phrase(
                "The sheet '%(sheet)s' has formulas in cells without an address. Open the file "
                "in Excel or LibreOffice, replace formulas by their values, save and upload it "
                "again.",
                sheet=sheet,
            )
        )
    return refs


def screen_untrusted_xlsx(data: bytes, *, limits: WorkbookLimits | None = None) -> None:
    """Refuse, without inflating more than the start of each part, a workbook that
    `open_untrusted_xlsx` would refuse for its container: size, zip bomb, macros, encryption,
    XML entities at the head of a part. Cheap enough to run as the upload is received; the
    full streaming scan still runs when the workbook is opened."""
    limits = limits or WorkbookLimits()
    with _check_container(data, limits) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                _refuse_entities(_member_head(archive, name), at_start=True)


def _member_head(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as handle:
            return handle.read(_HEAD)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise WorkbookRefused(Phrase("The workbook is damaged and could not be read.")) from exc


def open_untrusted_xlsx(data: bytes, *, limits: WorkbookLimits | None = None) -> UntrustedWorkbook:
    """Check an uploaded workbook and open it, or raise `WorkbookRefused` with a plain reason."""
    limits = limits or WorkbookLimits()
    archive = _check_container(data, limits)
    with archive:
        sheet_of_part = {part: sheet for sheet, part in _sheet_parts(archive).items()}
        formulas = {}
        for name in archive.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                sheet = sheet_of_part.get(name)
                refs = _scan_member(archive, name, sheet=sheet)
                if sheet is not None:
                    formulas[sheet] = refs
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as exc:
        raise WorkbookRefused(
            Phrase("The workbook is password-protected. Remove the password and upload it again.")
        ) from exc
    except CalamineError as exc:
        raise WorkbookRefused(
            Phrase("The workbook could not be read: %(reason)s.", reason=str(exc))
        ) from exc
    hidden = {
        m.name
        for m in book.sheets_metadata
        if str(m.visible).lower().endswith(("hidden", "veryhidden"))
    }
    return UntrustedWorkbook(
        sheet_names=list(book.sheet_names), hidden_sheets=hidden, _book=book, _formulas=formulas
    )
