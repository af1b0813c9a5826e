"""Benchmark of transparency-log inclusion proofs in logs of 100,000 and 1,000,000 entries.

Each log is built in memory the way a bulk import would (`extend`: all leaf hashes, then each
level's completed subtrees, one pass per level), then 1,000 single `append` calls are timed on
top of it (reported on stderr with the build time). Timed for stdout: the mean time of
`inclusion_proof` for 2,000 random entries at the full tree size; every tenth proof is checked
with `verify_inclusion` outside the timing. Target: proof_1m_ms <= 5.

Prints one line: ``proof_100k_ms=... proof_1m_ms=...``.
"""

from __future__ import annotations

import random
import sys
import time

from compliance.transparency.merkle import append, extend, inclusion_proof, leaf_hash, root_hash
from compliance.transparency.store import MemoryNodeStore
from compliance.transparency.verify import verify_inclusion

SIZES = {"100k": 100_000, "1m": 1_000_000}
PROOFS = 2_000
APPENDS = 1_000


def entry(index: int) -> bytes:
    return f'{{"seq":{index},"kind":"certificate.issued","cert":"HRD-2026-{index:06d}"}}'.encode()


def build(size: int) -> tuple[MemoryNodeStore, float]:
    store = MemoryNodeStore()
    started = time.perf_counter()
    extend(store, [entry(index) for index in range(size)])
    return store, time.perf_counter() - started


def time_appends(store: MemoryNodeStore) -> float:
    """Mean milliseconds per single append on top of the built log."""
    first = store.leaf_count()
    started = time.perf_counter()
    for index in range(first, first + APPENDS):
        append(store, entry(index))
    return (time.perf_counter() - started) * 1000 / APPENDS


def time_proofs(store: MemoryNodeStore, size: int, rng: random.Random) -> float:
    """Mean milliseconds per inclusion proof at tree size `size`."""
    indices = [rng.randrange(size) for _ in range(PROOFS)]
    started = time.perf_counter()
    proofs = [inclusion_proof(store, index, size) for index in indices]
    elapsed = time.perf_counter() - started
    root = root_hash(store, size)
    for index, proof in list(zip(indices, proofs, strict=True))[::10]:
        if not verify_inclusion(leaf_hash(entry(index)), index, size, proof, root):
            raise SystemExit(f"inclusion proof for entry {index} of {size} does not verify")
    return elapsed * 1000 / PROOFS


def main() -> None:
    rng = random.Random(6962)
    results = {}
    for label, size in SIZES.items():
        store, build_s = build(size)
        results[label] = time_proofs(store, size, rng)
        append_ms = time_appends(store)
        print(
            f"{label}: build_s={build_s:.2f} append_ms={append_ms:.4f} "
            f"proof_ms={results[label]:.4f}",
            file=sys.stderr,
        )
        del store
    print(f"proof_100k_ms={results['100k']:.3f} proof_1m_ms={results['1m']:.3f}")


if __name__ == "__main__":
    main()
