"""Secrets generated into the instance folder on first start, never committed."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def _write_private(path: Path, content: bytes) -> None:
    """Create a file readable by its owner only; keep an existing one (another process won)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def secret_key(instance_path: str) -> str:
    """The session-signing secret, created at first use."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        _write_private(path, secrets.token_hex(32).encode())
    return path.read_text().strip()


def ensure_signing_key(key_dir: str) -> Path:
    """Make sure at least one Ed25519 signing key exists; return the newest key's path."""
    directory = Path(key_dir)
    keys = sorted(directory.glob("*.pem")) if directory.exists() else []
    if keys:
        return keys[-1]
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = directory / "key-0001.pem"
    _write_private(path, pem)
    return path
