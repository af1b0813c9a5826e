"""Ed25519 public keys as JSON Web Keys (RFC 8037) with a key id derived from the key.

The key id is the RFC 7638 JWK thumbprint: base64url(SHA-256) of the canonical JSON of the
required members ``crv``, ``kty`` and ``x``. Anyone can recompute it from the key, so a kid
cannot be attached to a different key without being noticed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from compliance.credentials.multibase import MultibaseError, b64url_decode, b64url_encode
from compliance.credentials.multikey import KEY_SIZE, raw_public_bytes


class JwkError(ValueError):
    """A JWK that is not a well-formed Ed25519 public key."""


def key_id(public_key: Ed25519PublicKey) -> str:
    """The RFC 7638 thumbprint of the key, used as its ``kid`` everywhere."""
    members = {"crv": "Ed25519", "kty": "OKP", "x": b64url_encode(raw_public_bytes(public_key))}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode("ascii")
    return b64url_encode(hashlib.sha256(canonical).digest())


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key in hex: what the certificate PDF prints for people."""
    return hashlib.sha256(raw_public_bytes(public_key)).hexdigest()


def public_jwk(public_key: Ed25519PublicKey) -> dict[str, str]:
    """The public JWK of the key, with its kid and fingerprint."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url_encode(raw_public_bytes(public_key)),
        "kid": key_id(public_key),
        "alg": "EdDSA",
        "use": "sig",
        "fingerprint": fingerprint(public_key),
    }


def public_key_from_jwk(jwk: Mapping[str, object]) -> Ed25519PublicKey:
    """Read an Ed25519 public JWK; its kid, if given, must be the key's thumbprint."""
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise JwkError("the key is not an Ed25519 key (kty must be OKP and crv Ed25519)")
    if "d" in jwk:
        raise JwkError("the key contains private material (d); publish public keys only")
    encoded = jwk.get("x")
    if not isinstance(encoded, str):
        raise JwkError("the key has no public key value x")
    try:
        raw = b64url_decode(encoded)
    except MultibaseError as error:
        raise JwkError(f"the key's x is not readable: {error}") from error
    if len(raw) != KEY_SIZE:
        raise JwkError(f"the key's x is {len(raw)} bytes long; an Ed25519 key is {KEY_SIZE}")
    public_key = Ed25519PublicKey.from_public_bytes(raw)
    kid = jwk.get("kid")
    if kid is not None and kid != key_id(public_key):
        raise JwkError(f"the kid {kid!r} is not the thumbprint of the key it labels")
    return public_key
