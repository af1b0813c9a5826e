"""Signed tree heads: the log's size and root at a moment, signed with a published key.

The signature is Ed25519 over a fixed context string followed by the RFC 8785 canonical JSON
of the head without its signature, so a tree-head signature can never be mistaken for a
certificate signature made with the same key. Hashes and the signature are written in hex.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from compliance.credentials.jcs import JsonValue, canonicalize
from compliance.credentials.jwk import key_id
from compliance.credentials.timestamps import (
    TimestampError,
    parse_datetime_stamp,
    to_datetime_stamp,
)
from compliance.transparency.store import HASH_SIZE

SIGNING_CONTEXT = b"hrd-sentinel tree head v1\n"
SIGNED_FIELDS = ("key_id", "root_hash", "timestamp", "tree_size")
MAX_TREE_SIZE = 2**53 - 1


@dataclass(frozen=True)
class TreeHeadVerification:
    """Whether a signed tree head is genuine; its size and root once it is."""

    valid: bool
    problems: list[str] = field(default_factory=list)
    tree_size: int | None = None
    root_hash: bytes | None = None
    timestamp: datetime | None = None


def sign_tree_head(
    size: int, root: bytes, timestamp: datetime, private_key: Ed25519PrivateKey
) -> dict[str, JsonValue]:
    """The signed head of a log of `size` entries whose Merkle root is `root`."""
    if not 0 <= size <= MAX_TREE_SIZE:
        raise ValueError(f"a tree size is between 0 and {MAX_TREE_SIZE}, not {size}")
    if len(root) != HASH_SIZE:
        raise ValueError(f"a root hash is {HASH_SIZE} bytes, not {len(root)}")
    head: dict[str, JsonValue] = {
        "tree_size": size,
        "root_hash": root.hex(),
        "timestamp": to_datetime_stamp(timestamp),
        "key_id": key_id(private_key.public_key()),
    }
    head["signature"] = private_key.sign(_signed_message(head)).hex()
    return head


def verify_tree_head(
    head: Mapping[str, JsonValue],
    *,
    resolve_key: Callable[[str], Ed25519PublicKey | None],
) -> TreeHeadVerification:
    """Check a signed tree head against the published key its key_id names."""
    problems = []
    size = head.get("tree_size")
    tree_size = (
        size
        if isinstance(size, int) and not isinstance(size, bool) and 0 <= size <= MAX_TREE_SIZE
        else None
    )
    if tree_size is None:
        problems.append("tree_size is not a whole number of entries")
    root = _hex_field(head, "root_hash", HASH_SIZE, problems)
    signature = _hex_field(head, "signature", 64, problems)
    timestamp = None
    try:
        timestamp = parse_datetime_stamp(head.get("timestamp"))
    except TimestampError as error:
        problems.append(f"timestamp: {error}")
    kid = head.get("key_id")
    public_key = resolve_key(kid) if isinstance(kid, str) else None
    if public_key is None:
        problems.append(f"the key {kid} that signed the tree head is unknown")
    if (
        problems
        or tree_size is None
        or root is None
        or signature is None
        or timestamp is None
        or public_key is None
    ):
        return TreeHeadVerification(False, problems)
    try:
        public_key.verify(signature, _signed_message(head))
    except InvalidSignature:
        return TreeHeadVerification(
            False,
            [
                "the tree head's signature does not match its size, root and time: it was altered "
                f"or not signed by the key {kid}"
            ],
        )
    return TreeHeadVerification(True, [], tree_size, root, timestamp)


def _signed_message(head: Mapping[str, JsonValue]) -> bytes:
    return SIGNING_CONTEXT + canonicalize({name: head.get(name) for name in SIGNED_FIELDS})


def _hex_field(
    head: Mapping[str, JsonValue], name: str, size: int, problems: list[str]
) -> bytes | None:
    value = head.get(name)
    try:
        decoded = bytes.fromhex(value) if isinstance(value, str) else None
    except ValueError:
        decoded = None
    if decoded is None or len(decoded) != size or value != decoded.hex():
        problems.append(f"{name} is not {size} bytes written in lowercase hex")
        return None
    return decoded
