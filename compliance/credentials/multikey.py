"""Ed25519 keys as W3C Multikeys (``publicKeyMultibase`` ``z6Mk...``, ``secretKeyMultibase``).

A Multikey is the raw key behind its multicodec prefix (0xed01 for an Ed25519 public key,
0x8026 for an Ed25519 private key), written in base58-btc multibase.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from compliance.credentials.multibase import MultibaseError, decode_base58btc, encode_base58btc

ED25519_PUBLIC_PREFIX = b"\xed\x01"
ED25519_PRIVATE_PREFIX = b"\x80\x26"
KEY_SIZE = 32
_MAX_MULTIKEY_CHARS = 64


class MultikeyError(ValueError):
    """A Multikey string that is not an Ed25519 key."""


def raw_public_bytes(public_key: Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of an Ed25519 public key."""
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    """The ``publicKeyMultibase`` value of a key (it always starts with ``z6Mk``)."""
    return encode_base58btc(ED25519_PUBLIC_PREFIX + raw_public_bytes(public_key))


def public_key_from_multibase(text: str) -> Ed25519PublicKey:
    """The Ed25519 public key written as a ``publicKeyMultibase`` value."""
    raw = _decode(text, ED25519_PUBLIC_PREFIX, "public")
    return Ed25519PublicKey.from_public_bytes(raw)


def private_key_from_multibase(text: str) -> Ed25519PrivateKey:
    """The Ed25519 private key written as a ``secretKeyMultibase`` value."""
    raw = _decode(text, ED25519_PRIVATE_PREFIX, "private")
    return Ed25519PrivateKey.from_private_bytes(raw)


def _decode(text: str, prefix: bytes, kind: str) -> bytes:
    if len(text) > _MAX_MULTIKEY_CHARS:
        raise MultikeyError(f"the value is too long to be an Ed25519 {kind} Multikey")
    try:
        data = decode_base58btc(text)
    except MultibaseError as error:
        raise MultikeyError(f"the Ed25519 {kind} Multikey is not readable: {error}") from error
    if not data.startswith(prefix) or len(data) != len(prefix) + KEY_SIZE:
        raise MultikeyError(
            f"the value is not an Ed25519 {kind} Multikey (multicodec prefix 0x{prefix.hex()} "
            f"followed by {KEY_SIZE} bytes)"
        )
    return data[len(prefix) :]
