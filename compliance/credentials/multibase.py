"""Multibase text encodings used by Data Integrity proofs, Multikeys and status lists.

Only the two bases the W3C specifications require: base58-btc (prefix ``z``) and base64url
without padding (prefix ``u``).
"""

from __future__ import annotations

import base64
import binascii

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {character: value for value, character in enumerate(BASE58_ALPHABET)}


class MultibaseError(ValueError):
    """Text that is not the multibase encoding it claims to be."""


def encode_base58btc(data: bytes) -> str:
    """``z`` followed by the Bitcoin base58 alphabet encoding of `data`."""
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(BASE58_ALPHABET[remainder])
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "z" + "1" * leading_zeros + "".join(reversed(digits))


def decode_base58btc(text: str) -> bytes:
    """The bytes of a ``z``-prefixed base58-btc string."""
    if not text.startswith("z"):
        raise MultibaseError("the value is not base58-btc multibase: it must start with 'z'")
    body = text[1:]
    number = 0
    for character in body:
        value = _BASE58_INDEX.get(character)
        if value is None:
            raise MultibaseError(f"the value contains {character!r}, which is not base58")
        number = number * 58 + value
    leading_zeros = len(body) - len(body.lstrip("1"))
    return b"\0" * leading_zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def encode_base64url(data: bytes) -> str:
    """``u`` followed by base64url without padding (RFC 4648 §5)."""
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_base64url(text: str) -> bytes:
    """The bytes of a ``u``-prefixed base64url string (padding is not expected)."""
    if not text.startswith("u"):
        raise MultibaseError("the value is not base64url multibase: it must start with 'u'")
    return b64url_decode(text[1:])


def b64url_encode(data: bytes) -> str:
    """Plain base64url without padding, as JOSE (JWK members, thumbprints) writes it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Plain base64url without padding; only the one canonical spelling of the bytes is accepted."""
    if any(character in text for character in "=+/"):
        raise MultibaseError("the value is not unpadded base64url")
    standard = text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4)
    try:
        data = base64.b64decode(standard, validate=True)
    except (binascii.Error, ValueError) as error:
        raise MultibaseError(f"the value is not valid base64url: {error}") from error
    if b64url_encode(data) != text:
        raise MultibaseError("the value is not the canonical base64url spelling of its bytes")
    return data
