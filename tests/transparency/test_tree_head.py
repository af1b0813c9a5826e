"""Signed tree heads: round trip, and every alteration is named."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from compliance.credentials.jwk import key_id
from compliance.transparency.merkle import extend, root_hash
from compliance.transparency.store import MemoryNodeStore
from compliance.transparency.tree_head import sign_tree_head, verify_tree_head

AT = datetime(2026, 3, 1, 12, 30, 15, tzinfo=UTC)


@pytest.fixture(scope="module")
def private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def head(private_key: Ed25519PrivateKey) -> dict:
    store = MemoryNodeStore()
    extend(store, [b"certificate.issued HRD-2026-000001", b"certificate.revoked HRD-2026-000001"])
    return sign_tree_head(2, root_hash(store), AT, private_key)


def resolver(private_key: Ed25519PrivateKey):
    known = {key_id(private_key.public_key()): private_key.public_key()}
    return known.get


def test_signed_head_names_its_key_and_verifies(head: dict, private_key: Ed25519PrivateKey) -> None:
    assert head["key_id"] == key_id(private_key.public_key())
    assert head["timestamp"] == "2026-03-01T12:30:15Z"
    result = verify_tree_head(json.loads(json.dumps(head)), resolve_key=resolver(private_key))
    assert result.valid and result.problems == []
    assert result.tree_size == 2
    assert result.root_hash == bytes.fromhex(head["root_hash"])
    assert result.timestamp == AT


@pytest.mark.parametrize(
    "change",
    [
        {"tree_size": 3},
        {"root_hash": "00" * 32},
        {"timestamp": "2026-03-01T12:30:16Z"},
    ],
)
def test_altered_heads_fail_in_plain_words(
    head: dict, private_key: Ed25519PrivateKey, change: dict
) -> None:
    result = verify_tree_head({**head, **change}, resolve_key=resolver(private_key))
    assert not result.valid
    assert result.problems == [
        "the tree head's signature does not match its size, root and time: it was altered or "
        f"not signed by the key {head['key_id']}"
    ]
    assert result.tree_size is None and result.root_hash is None


def test_head_by_an_unpublished_key_is_refused(head: dict) -> None:
    result = verify_tree_head(head, resolve_key=lambda kid: None)
    assert result.problems == [f"the key {head['key_id']} that signed the tree head is unknown"]


def test_head_signed_by_another_key_under_our_kid_is_refused(
    head: dict, private_key: Ed25519PrivateKey
) -> None:
    forged = sign_tree_head(2, bytes.fromhex(head["root_hash"]), AT, Ed25519PrivateKey.generate())
    forged["key_id"] = head["key_id"]
    assert not verify_tree_head(forged, resolve_key=resolver(private_key)).valid


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tree_size": -1}, "tree_size is not a whole number"),
        ({"tree_size": True}, "tree_size is not a whole number"),
        ({"root_hash": "AB" * 32}, "root_hash is not 32 bytes written in lowercase hex"),
        ({"root_hash": "00"}, "root_hash is not 32 bytes"),
        ({"signature": "zz"}, "signature is not 64 bytes"),
        ({"timestamp": "2026-03-01"}, "timestamp:"),
    ],
)
def test_malformed_heads_are_explained(
    head: dict, private_key: Ed25519PrivateKey, change: dict, message: str
) -> None:
    result = verify_tree_head({**head, **change}, resolve_key=resolver(private_key))
    assert not result.valid
    assert any(message in problem for problem in result.problems), result.problems


def test_signing_refuses_impossible_heads(private_key: Ed25519PrivateKey) -> None:
    with pytest.raises(ValueError, match="32 bytes, not 31"):
        sign_tree_head(1, bytes(31), AT, private_key)
    with pytest.raises(ValueError, match="tree size"):
        sign_tree_head(-1, bytes(32), AT, private_key)
