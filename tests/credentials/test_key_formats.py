"""Multibase, Multikey and JWK encodings of Ed25519 keys, checked against published vectors."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from compliance.credentials.jwk import (
    JwkError,
    fingerprint,
    key_id,
    public_jwk,
    public_key_from_jwk,
)
from compliance.credentials.multibase import (
    MultibaseError,
    b64url_decode,
    decode_base58btc,
    decode_base64url,
    encode_base58btc,
    encode_base64url,
)
from compliance.credentials.multikey import (
    MultikeyError,
    public_key_from_multibase,
    public_key_multibase,
    raw_public_bytes,
)

# RFC 8037 Appendix A (the RFC 8032 test key 1): x, d and the RFC 7638 thumbprint.
RFC8037_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC8037_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
RFC8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


@pytest.mark.parametrize(
    "data", [b"", b"\0", b"\0\0\x01", b"hello world", bytes(range(256)), b"\xff" * 64]
)
def test_base58btc_round_trips_including_leading_zero_bytes(data: bytes) -> None:
    encoded = encode_base58btc(data)
    assert encoded.startswith("z")
    assert decode_base58btc(encoded) == data


def test_base58btc_matches_the_bitcoin_alphabet() -> None:
    assert encode_base58btc(b"Hello World!") == "z2NEpo7TZRRrLZSi2U"
    assert encode_base58btc(b"\0\0\x28\x7f\xb4\xcd") == "z11233QC4"


@pytest.mark.parametrize("text", ["2NEpo7", "z0abc", "zIl", "zO"])
def test_base58btc_refuses_other_text(text: str) -> None:
    with pytest.raises(MultibaseError):
        decode_base58btc(text)


def test_base64url_multibase_round_trips_without_padding() -> None:
    assert encode_base64url(b"\xfb\xff") == "u-_8"
    assert decode_base64url("u-_8") == b"\xfb\xff"


@pytest.mark.parametrize("text", ["+/8", "-_8=", "-_9", "a b", "A"])
def test_base64url_accepts_only_the_canonical_unpadded_spelling(text: str) -> None:
    with pytest.raises(MultibaseError):
        b64url_decode(text)


def test_multikey_round_trip_starts_with_z6mk() -> None:
    public_key = Ed25519PrivateKey.generate().public_key()
    encoded = public_key_multibase(public_key)
    assert encoded.startswith("z6Mk")
    assert raw_public_bytes(public_key_from_multibase(encoded)) == raw_public_bytes(public_key)


def test_multikey_with_another_codec_is_refused() -> None:
    x25519_like = encode_base58btc(b"\xec\x01" + bytes(32))
    with pytest.raises(MultikeyError, match="multicodec prefix 0xed01"):
        public_key_from_multibase(x25519_like)


def test_rfc8037_key_gives_the_published_jwk_and_thumbprint() -> None:
    private_key = Ed25519PrivateKey.from_private_bytes(b64url_decode(RFC8037_D))
    jwk = public_jwk(private_key.public_key())
    assert jwk["x"] == RFC8037_X
    assert jwk["kid"] == key_id(private_key.public_key()) == RFC8037_THUMBPRINT
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and jwk["alg"] == "EdDSA"
    assert jwk["fingerprint"] == (
        "21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9"
    )
    assert fingerprint(private_key.public_key()) == jwk["fingerprint"]


def test_jwk_round_trip() -> None:
    public_key = Ed25519PrivateKey.generate().public_key()
    assert raw_public_bytes(public_key_from_jwk(public_jwk(public_key))) == raw_public_bytes(
        public_key
    )


@pytest.mark.parametrize(
    ("jwk", "message"),
    [
        ({"kty": "EC", "crv": "P-256", "x": RFC8037_X}, "not an Ed25519 key"),
        ({"kty": "OKP", "crv": "Ed25519"}, "no public key value"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}, "an Ed25519 key is 32"),
        ({"kty": "OKP", "crv": "Ed25519", "x": RFC8037_X, "kid": "key-1"}, "not the thumbprint"),
        ({"kty": "OKP", "crv": "Ed25519", "x": RFC8037_X, "d": RFC8037_D}, "private material"),
    ],
)
def test_bad_jwks_are_refused_with_a_reason(jwk: dict, message: str) -> None:
    with pytest.raises(JwkError, match=message):
        public_key_from_jwk(jwk)
