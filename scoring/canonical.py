"""Canonical JSON and its SHA-256: the form that is hashed, so anyone can recompute a hash.

Keys are sorted, there is no whitespace, text stays UTF-8 (not escaped) and NaN or infinity are
refused, so one value has exactly one canonical text whatever produced it.
"""

from __future__ import annotations

import hashlib
import json


def canonical_json(value: object) -> str:
    """The one canonical JSON text of a value made of dicts, lists, text, numbers and booleans."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def sha256_hex(value: object) -> str:
    """SHA-256 (hex) of the canonical JSON of a value, encoded as UTF-8."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()
