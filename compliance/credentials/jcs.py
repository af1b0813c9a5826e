"""RFC 8785 JSON Canonicalization Scheme: the exact bytes that are hashed and signed.

A thin wrapper over Trail of Bits' `rfc8785` (keys sorted by UTF-16 code units, numbers
serialised as ECMAScript does, minimal string escapes), so that callers see one domain error.
"""

from __future__ import annotations

from typing import TypeAlias

import rfc8785

JsonValue: TypeAlias = (
    bool
    | int
    | float
    | str
    | list["JsonValue"]
    | tuple["JsonValue", ...]
    | dict[str, "JsonValue"]
    | None
)


class NotCanonicalizable(ValueError):
    """The value cannot be written as canonical JSON, so it cannot be signed or verified."""


def canonicalize(value: JsonValue) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value.

    Integers must lie within ±(2**53 - 1) and floats must be finite (I-JSON), as every
    standard verifier reads numbers as IEEE 754 doubles.
    """
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as error:
        raise NotCanonicalizable(
            f"the JSON cannot be canonicalized (RFC 8785): {error}; use strings for large "
            "integers and keep to JSON types (objects with string keys, arrays, strings, "
            "finite numbers, true, false, null)"
        ) from error
