"""Auditing a copy of the log: what `hrd-sentinel log verify` decides, without any I/O.

Given the entries, a signed tree head, the published keys and optionally a head seen earlier,
it recomputes the tree and checks, in order: the head's signature, each entry against the leaf
hash the log lists for it, the root, the log's own inclusion proofs (when the log can be asked
for them), and that the earlier head is a prefix of this one. Each check ends in a verdict a
person can read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from compliance.credentials.jcs import JsonValue, NotCanonicalizable, canonicalize
from compliance.credentials.keys import key_resolver
from compliance.transparency import merkle
from compliance.transparency.store import MemoryNodeStore
from compliance.transparency.tree_head import verify_tree_head
from compliance.transparency.verify import verify_consistency, verify_inclusion

BATCH = 1000


@dataclass(frozen=True)
class EntryCopy:
    """One entry as the log publishes it (`leaf_hash` is the log's own claim, hex)."""

    index: int
    entry: Mapping[str, JsonValue]
    leaf_hash: str | None = None


class ProofUnavailable(Exception):
    """The log did not give a proof it should be able to give."""


class ProofSource(Protocol):
    """Where the log's own proofs come from (its API); raises `ProofUnavailable`."""

    def inclusion(self, index: int, tree_size: int) -> list[bytes]: ...

    def consistency(self, first: int, second: int) -> list[bytes]: ...


@dataclass(frozen=True)
class Check:
    """One check: `failure` names what went wrong (e.g. 'root mismatch') when it did."""

    name: str
    passed: bool
    detail: str
    failure: str | None = None


@dataclass
class LogReport:
    """Every check made, in order; the log is intact when all passed."""

    checks: list[Check] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    @property
    def failures(self) -> list[str]:
        return [check.failure or check.name for check in self.checks if not check.passed]

    def passed(self, name: str, detail: str) -> None:
        self.checks.append(Check(name, True, detail))

    def failed(self, name: str, failure: str, detail: str) -> None:
        self.checks.append(Check(name, False, detail, failure))


@dataclass(frozen=True)
class _Head:
    tree_size: int
    root: bytes


def check_log(
    *,
    head: Mapping[str, JsonValue],
    entries: Iterable[EntryCopy],
    keys: Mapping[str, Ed25519PublicKey],
    previous_head: Mapping[str, JsonValue] | None = None,
    proofs: ProofSource | None = None,
    inclusion_sample: int = 32,
) -> LogReport:
    """Audit the log copy against its signed head; see the module docstring for the checks."""
    report = LogReport()
    current = _check_signature(report, "signature", head, keys, "the tree head")
    if current is None:
        return report
    store = _rebuild(report, entries, current.tree_size)
    if store is None:
        return report
    _check_root(report, store, current)
    if proofs is not None and current.tree_size:
        _check_inclusion(report, store, current, proofs, inclusion_sample)
    if previous_head is not None:
        earlier = _check_signature(
            report, "previous signature", previous_head, keys, "the previous tree head"
        )
        if earlier is not None:
            _check_consistency(report, store, earlier, current, proofs)
    return report


def _check_signature(
    report: LogReport,
    name: str,
    head: Mapping[str, JsonValue],
    keys: Mapping[str, Ed25519PublicKey],
    what: str,
) -> _Head | None:
    result = verify_tree_head(head, resolve_key=key_resolver(keys))
    if result.valid and result.tree_size is not None and result.root_hash is not None:
        report.passed(
            name,
            f"{what} ({result.tree_size} entries, {head.get('timestamp')}) is signed by key "
            f"{head.get('key_id')}, which is in the published keys",
        )
        return _Head(result.tree_size, result.root_hash)
    kid = head.get("key_id")
    unknown = isinstance(kid, str) and kid not in keys
    report.failed(
        name,
        "unknown key" if unknown else "signature invalid",
        f"{what} cannot be trusted: " + "; ".join(result.problems),
    )
    return None


def _rebuild(
    report: LogReport, entries: Iterable[EntryCopy], tree_size: int
) -> MemoryNodeStore | None:
    """Recompute the tree of the first `tree_size` entries; report entries that do not fit."""
    store = MemoryNodeStore()
    batch: list[bytes] = []
    mismatched: list[int] = []
    for expected, copy in enumerate(entries):
        if expected >= tree_size:
            break
        if copy.index != expected:
            report.failed(
                "entries",
                "missing entries",
                f"entry {expected} is missing (the next one listed is {copy.index}); the copy "
                "must hold every entry from 0 in order",
            )
            return None
        try:
            canonical = canonicalize(copy.entry)
        except NotCanonicalizable as error:
            report.failed("entries", "entry mismatch", f"entry {expected} is not JSON: {error}")
            return None
        if copy.leaf_hash is not None and merkle.leaf_hash(canonical).hex() != copy.leaf_hash:
            mismatched.append(expected)
        batch.append(canonical)
        if len(batch) == BATCH:
            merkle.extend(store, batch)
            batch = []
    merkle.extend(store, batch)
    count = store.leaf_count()
    if count < tree_size:
        report.failed(
            "entries",
            "missing entries",
            f"the signed head covers {tree_size} entries but only {count} were found",
        )
        return None
    if mismatched:
        shown = ", ".join(str(index) for index in mismatched[:10])
        more = f" and {len(mismatched) - 10} more" if len(mismatched) > 10 else ""
        report.failed(
            "entries",
            "entry mismatch",
            f"the content of entries {shown}{more} does not hash to the leaf hash the log lists "
            "for it: the entry was changed after it was logged",
        )
    else:
        report.passed("entries", f"{count} entries read; each hashes to the leaf hash listed")
    return store


def _check_root(report: LogReport, store: MemoryNodeStore, head: _Head) -> None:
    root = merkle.root_hash(store, head.tree_size)
    if root == head.root:
        report.passed("root", f"the entries hash to the signed root {root.hex()}")
    else:
        report.failed(
            "root",
            "root mismatch",
            f"the entries hash to {root.hex()} but the signed head says {head.root.hex()}: an "
            "entry was changed, removed or reordered, or the head was signed over other entries",
        )


def _sample(tree_size: int, count: int) -> list[int]:
    """Up to `count` indices spread over the log, always with the first and the last."""
    if count >= tree_size:
        return list(range(tree_size))
    if count <= 1:
        return [tree_size - 1][:count]
    step = (tree_size - 1) / (count - 1)
    return sorted({round(position * step) for position in range(count)})


def _check_inclusion(
    report: LogReport, store: MemoryNodeStore, head: _Head, proofs: ProofSource, sample: int
) -> None:
    indices = _sample(head.tree_size, sample)
    if not indices:
        return
    leaves = store.read([(0, index) for index in indices])
    failed = []
    for index, leaf in zip(indices, leaves, strict=True):
        try:
            path = proofs.inclusion(index, head.tree_size)
        except ProofUnavailable as error:
            failed.append(f"{index} (the log gave no proof: {error})")
            continue
        if not verify_inclusion(leaf, index, head.tree_size, path, head.root):
            failed.append(str(index))
    if failed:
        report.failed(
            "inclusion",
            "inclusion failure",
            f"the log's inclusion proofs for entries {', '.join(failed[:10])} do not lead to the "
            "signed root: the log's stored tree is damaged or was altered",
        )
    else:
        report.passed(
            "inclusion",
            f"the log's inclusion proofs for {len(indices)} entries lead to the signed root",
        )


def _check_consistency(
    report: LogReport,
    store: MemoryNodeStore,
    earlier: _Head,
    current: _Head,
    proofs: ProofSource | None,
) -> None:
    if earlier.tree_size > current.tree_size:
        report.failed(
            "consistency",
            "consistency failure",
            f"the previous head covered {earlier.tree_size} entries, the current one only "
            f"{current.tree_size}: the log was rolled back",
        )
        return
    source = "the log's" if proofs is not None else "a locally computed"
    try:
        proof: Sequence[bytes] = (
            proofs.consistency(earlier.tree_size, current.tree_size)
            if proofs is not None
            else merkle.consistency_proof(store, earlier.tree_size, current.tree_size)
        )
    except ProofUnavailable as error:
        report.failed(
            "consistency", "consistency failure", f"the log gave no consistency proof: {error}"
        )
        return
    if verify_consistency(earlier.tree_size, current.tree_size, earlier.root, current.root, proof):
        report.passed(
            "consistency",
            f"{source} consistency proof shows the previous head ({earlier.tree_size} entries) "
            f"is a prefix of this one ({current.tree_size}): the log was only appended to",
        )
    else:
        report.failed(
            "consistency",
            "consistency failure",
            f"{source} consistency proof does not connect the previous head "
            f"({earlier.tree_size} entries) to this one ({current.tree_size}): the log was "
            "rewritten, or shows different histories to different people",
        )
