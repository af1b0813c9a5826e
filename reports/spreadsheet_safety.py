"""Write text into openpyxl cells so that spreadsheet programs never run it as a formula.

Any text that reaches an xlsx export (names from uploads, problem messages, incident fields)
goes through `write_text`. Text starting with = + - @ (or a tab or carriage return) is stored
as a string with Excel's quote prefix: the cell shows the text as written, and editing it keeps
it text, as if the user had typed a leading apostrophe.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def write_text(cell: Cell, text: str) -> None:
    """Put `text` in `cell` as inert text (characters xlsx cannot hold are dropped)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.value = text
    if looks_like_formula(text):
        cell.data_type = "s"
        cell.quotePrefix = True
