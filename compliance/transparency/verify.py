"""Offline checks of the log's proofs, exactly the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2.

They trust nothing but their arguments: a verifier holding two signed tree heads and the proofs
can tell whether an entry is in the log and whether the log was only ever appended to.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from compliance.transparency.merkle import EMPTY_ROOT, node_hash
from compliance.transparency.store import HASH_SIZE


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether `proof` shows the leaf at `index` is in the tree of `tree_size` with `root`."""
    if not _hashes_well_formed([leaf_hash, root, *proof]) or not 0 <= index < tree_size:
        return False
    fn, sn = index, tree_size - 1
    result = leaf_hash
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(result, root)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether `proof` shows the tree (old_size, old_root) is a prefix of (new_size, new_root).

    Equal sizes need equal roots and an empty proof; the empty tree (whose root is SHA-256 of
    nothing) is a prefix of every tree.
    """
    if not _hashes_well_formed([old_root, new_root, *proof]) or not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and hmac.compare_digest(old_root, new_root)
    if old_size == 0:
        return not proof and hmac.compare_digest(old_root, EMPTY_ROOT)
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for sibling in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(sibling, fr)
            sr = node_hash(sibling, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(fr, old_root) and hmac.compare_digest(sr, new_root)


def _hashes_well_formed(hashes: Sequence[bytes]) -> bool:
    return all(isinstance(digest, bytes) and len(digest) == HASH_SIZE for digest in hashes)
