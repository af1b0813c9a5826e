"""Cell values as the user sees them, as text: the common first step of every column."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

TEXT_DTYPE = "str"


_SEPARATOR = "\x00"
_ASCII_WHITESPACE = bytes.maketrans(b"\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f", b" " * 9)


def joined_ascii(strings: list[str]) -> bytes | None:
    """The strings joined by NUL as bytes, when all are ASCII and none holds a NUL: whole-column
    byte operations then replace slow per-value string methods."""
    joined = _SEPARATOR.join(strings)
    if strings and joined.isascii() and joined.count(_SEPARATOR) == len(strings) - 1:
        return joined.encode("ascii")
    return None


def _untrimmed(joined: bytes) -> bool:
    spaced = joined.translate(_ASCII_WHITESPACE)
    return (
        spaced.startswith(b" ") or spaced.endswith(b" ") or b" \x00" in spaced or b"\x00 " in spaced
    )


def _has_blank(joined: bytes) -> bool:
    return joined.startswith(b"\x00") or joined.endswith(b"\x00") or b"\x00\x00" in joined


def as_text(values: np.ndarray) -> pd.Series:
    """Cells as trimmed NFC text; blank cells missing; numbers and dates as the sheet shows them."""
    strings = values.tolist()
    try:
        joined = joined_ascii(strings)
    except TypeError:
        values = np.array([cell_text(value) for value in strings], dtype=object)
        joined = joined_ascii(values.tolist())
    if joined is None or _untrimmed(joined):
        text = pd.Series(values, dtype=TEXT_DTYPE).str.strip().str.normalize("NFC")
        return text.mask(text == "")
    if len(values) == 1 or _has_blank(joined):
        values = np.where(values == "", None, values)
    return pd.Series(values, dtype=TEXT_DTYPE)


def cell_text(value: object) -> str:
    """One cell as the user sees it: 12.0 -> '12', a date -> '2021-03-04'."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime) and value == datetime.combine(value.date(), datetime.min.time()):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
