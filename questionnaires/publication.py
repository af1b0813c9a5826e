"""Published versions are immutable: a lock file keeps the content hash of each one.

The hash covers a canonical form of the definition: the validated model as JSON with sorted
keys, defaults left out and every text reduced to its English original. Reformatting a file,
adding a field with a default or adding a translation keeps the hash; changing a question, a
choice, a condition or an English text changes it, and loading then fails.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from questionnaires.errors import PublishedVersionChanged
from questionnaires.model import Questionnaire

LOCK_FILE = "published.json"


def content_hash(definition: Questionnaire) -> str:
    """SHA-256 (hex) of the canonical form of a definition."""
    canonical = definition.model_dump(
        mode="json", exclude_defaults=True, context={"canonical": True}
    )
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_lock(path: Path) -> dict[tuple[str, int], str]:
    """The published versions recorded in a lock file: (key, version) -> content hash."""
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {
            (key, int(version)): str(digest)
            for key, versions in raw.items()
            for version, digest in versions.items()
        }
    except (ValueError, AttributeError) as exc:
        raise PublishedVersionChanged(
            f"{path}: the lock file of published questionnaires is damaged ({exc}); "
            "restore it from version control."
        ) from exc


def _write_lock(path: Path, lock: dict[tuple[str, int], str]) -> None:
    nested: dict[str, dict[str, str]] = {}
    for (key, version), digest in sorted(lock.items()):
        nested.setdefault(key, {})[str(version)] = digest
    path.write_text(json.dumps(nested, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def publish(definition: Questionnaire, lock_path: Path) -> str:
    """Record a version as published; publishing it again with other content is refused."""
    lock = read_lock(lock_path)
    digest = content_hash(definition)
    recorded = lock.get((definition.key, definition.version))
    if recorded is not None and recorded != digest:
        raise PublishedVersionChanged(
            f"{definition.key} version {definition.version} is already published with other "
            "content; publish the change as a new version."
        )
    lock[(definition.key, definition.version)] = digest
    _write_lock(lock_path, lock)
    return digest


def check_unchanged(definition: Questionnaire, recorded: str, source: str) -> None:
    """Fail loudly when a published version's content differs from what was published."""
    digest = content_hash(definition)
    if digest != recorded:
        raise PublishedVersionChanged(
            f"{source}: {definition.key} version {definition.version} is published and must not "
            f"change (published hash {recorded[:12]}…, file now {digest[:12]}…). Undo the edit "
            f"and publish the change as version {definition.version + 1} with a migration map."
        )
