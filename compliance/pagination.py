"""Keyset pagination for list endpoints: `limit` and an opaque `cursor`, answered as
`{items, next_cursor}`.

The cursor encodes the key (an integer id) of the last item of the page; the next page starts
after it, so pages stay stable while rows are added. `limit` is capped by PAGE_MAX_LIMIT.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from compliance.errors import InvalidInput, ProblemDetail
from compliance.phrases import Phrase

T = TypeVar("T")
_PREFIX = "k1:"
_MAX_KEY = 2**63 - 1


class QueryModel(BaseModel):
    """An endpoint's query parameters: one it does not know is a 422 naming it, so a mistyped
    parameter (`limt=5`) is never silently ignored."""

    model_config = ConfigDict(extra="forbid")


class PageQuery(QueryModel):
    """The query parameters every list endpoint accepts."""

    limit: int | None = Field(default=None, ge=1, le=10_000, description="Items per page.")
    cursor: str | None = Field(
        default=None, max_length=100, description="`next_cursor` of the previous page."
    )


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def page_size(requested: int | None, config: Mapping[str, Any]) -> int:
    """The requested size, or the default, never above PAGE_MAX_LIMIT."""
    return min(requested or config["PAGE_DEFAULT_LIMIT"], config["PAGE_MAX_LIMIT"])


def encode_cursor(last_key: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{last_key}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    """The key a cursor stands for; a cursor this API did not give out is a 422."""
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        digits = text[len(_PREFIX) :]
        # ASCII digits only, and a key the database can hold (a forged 40-digit key crashed it)
        valid = text.startswith(_PREFIX) and digits.isascii() and digits.isdigit()
        if valid and int(digits) <= _MAX_KEY:
            return int(digits)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidInput(
        Phrase("The cursor is not one this API gave out. Start again without `cursor`."),
        errors=[ProblemDetail(pointer="/cursor", detail=Phrase("unknown cursor"))],
    )


def paginate(
    session: Session,
    statement: Select,
    *,
    key: ColumnElement[int],
    key_of: Callable[[Any], int],
    limit: int,
    cursor: str | None,
    descending: bool = True,
) -> Page[Any]:
    """One page of `statement`'s rows ordered by `key`, and the cursor of the next page."""
    after = decode_cursor(cursor)
    if after is not None:
        statement = statement.where(key < after if descending else key > after)
    statement = statement.order_by(key.desc() if descending else key.asc()).limit(limit + 1)
    rows = list(session.execute(statement).all())
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(key_of(rows[-1])) if more and rows else None)
