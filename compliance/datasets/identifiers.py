"""Check digits of supplier identifiers, computed for a whole column at once.

LEI: ISO 17442, 20 characters whose last two are ISO 7064 MOD 97-10 check digits (letters count
as 10-35; the whole code read as a number leaves 1 when divided by 97).
Open Supply Hub ID: country code, the day it was issued (YYYYDDD), five base-32 characters and a
check character (the sum of the country letters' codes and the other characters' base-32
values, modulo 32), as Open Supply Hub issues them; hyphens between the parts are allowed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_LEI_FORMAT = r"[0-9A-Z]{18}[0-9]{2}"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_OS_ID_FORMAT = r"[A-Z]{2}[0-9]{7}[0-9A-HJKMNP-TV-Z]{6}"
_BASE32_VALUE = np.full(128, -1, dtype=np.int64)
_BASE32_VALUE[np.frombuffer(_CROCKFORD.encode(), dtype=np.uint8)] = np.arange(32)


def _as_matrix(codes: pd.Series, width: int) -> np.ndarray:
    """Fixed-width ASCII codes as a (rows, width) array of byte values."""
    joined = "".join(codes.tolist()).encode("ascii")
    return np.frombuffer(joined, dtype=np.uint8).reshape(-1, width).astype(np.int64)


def lei_is_valid(codes: pd.Series) -> pd.Series:
    """True where the LEI has the right shape and its MOD 97-10 check digits match."""
    valid = codes.str.fullmatch(_LEI_FORMAT).fillna(False).astype(bool)
    if valid.any():
        matrix = _as_matrix(codes[valid], 20)
        values = np.where(matrix >= ord("A"), matrix - ord("A") + 10, matrix - ord("0"))
        remainder = np.zeros(len(matrix), dtype=np.int64)
        for position in range(20):
            value = values[:, position]
            remainder = np.where(value >= 10, remainder * 100 + value, remainder * 10 + value) % 97
        valid[valid] = remainder == 1
    return valid


def os_hub_id_is_valid(codes: pd.Series) -> pd.Series:
    """True where the ID has Open Supply Hub's shape and check character."""
    valid = codes.str.fullmatch(_OS_ID_FORMAT).fillna(False).astype(bool)
    if valid.any():
        matrix = _as_matrix(codes[valid], 15)
        total = matrix[:, 0] + matrix[:, 1] + _BASE32_VALUE[matrix[:, 2:14]].sum(axis=1)
        valid[valid] = _BASE32_VALUE[matrix[:, 14]] == total % 32
    return valid
