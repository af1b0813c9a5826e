"""Signing keys kept as PEM files in one directory: ``key-0001.pem``, ``key-0002.pem``, ...

The highest number signs; older keys stay in the directory so certificates they signed remain
verifiable, and all of them are published as a JWKS. Rotation only ever adds a file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from compliance.credentials.jwk import (
    JwkError,
    fingerprint,
    key_id,
    public_jwk,
    public_key_from_jwk,
)

KEY_FILE = re.compile(r"key-(\d+)\.pem")


class SigningKeyError(ValueError):
    """A key directory or key document that cannot be used."""


@dataclass(frozen=True)
class SigningKey:
    """One Ed25519 key from the key directory."""

    number: int
    path: Path
    private_key: Ed25519PrivateKey

    @cached_property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @cached_property
    def kid(self) -> str:
        """RFC 7638 thumbprint of the public key."""
        return key_id(self.public_key)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the raw public key, hex."""
        return fingerprint(self.public_key)


# directory -> (the key files' names and modification times, the keys read from them)
_loaded: dict[Path, tuple[tuple[tuple[str, int], ...], tuple[SigningKey, ...]]] = {}


def load_signing_keys(key_dir: str | Path) -> list[SigningKey]:
    """Every ``key-NNNN.pem`` in the directory, oldest first; other files are ignored.

    Every verification needs the keys, so they are parsed once and read again only when a key
    file appears or changes (a rotation in another process is seen at the next call).
    """
    directory = Path(key_dir)
    if not directory.is_dir():
        return []
    files = tuple(
        sorted(
            (entry.name, entry.stat().st_mtime_ns)
            for entry in os.scandir(directory)
            if KEY_FILE.fullmatch(entry.name)
        )
    )
    cached = _loaded.get(directory)
    if cached is not None and cached[0] == files:
        return list(cached[1])
    keys = sorted(
        (
            SigningKey(
                int(KEY_FILE.fullmatch(name).group(1)),
                directory / name,
                _read_private_key(directory / name),
            )
            for name, _modified in files
        ),
        key=lambda key: key.number,
    )
    _loaded[directory] = (files, tuple(keys))
    return keys


def current_signing_key(key_dir: str | Path) -> SigningKey:
    """The newest key: the one that signs from now on."""
    keys = load_signing_keys(key_dir)
    if not keys:
        raise SigningKeyError(
            f"there is no signing key (key-0001.pem) in {key_dir}; start the app once or run "
            "`hrd-sentinel keys rotate` to create one"
        )
    return keys[-1]


def rotate_signing_key(key_dir: str | Path) -> SigningKey:
    """Create the next key file (readable by its owner only) and return it.

    Safe against a concurrent rotation: a file is never overwritten, the loser takes the next
    number.
    """
    directory = Path(key_dir)
    directory.mkdir(parents=True, exist_ok=True)
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    while True:
        keys = load_signing_keys(directory)
        number = keys[-1].number + 1 if keys else 1
        path = directory / f"key-{number:04d}.pem"
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        return SigningKey(number, path, private_key)


def jwks(public_keys: Iterable[Ed25519PublicKey]) -> dict[str, list[dict[str, str]]]:
    """The JWKS document of the given public keys (each with kid and fingerprint)."""
    return {"keys": [public_jwk(public_key) for public_key in public_keys]}


def public_keys_from_jwks(document: Mapping[str, object]) -> dict[str, Ed25519PublicKey]:
    """The keys of a JWKS document by kid; every kid must be its key's thumbprint."""
    entries = document.get("keys")
    if not isinstance(entries, list):
        raise SigningKeyError('the key document has no list of keys (expected {"keys": [...]})')
    keys = {}
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, Mapping):
            raise SigningKeyError(f"key {position} in the key document is not a JSON object")
        try:
            public_key = public_key_from_jwk(entry)
        except JwkError as error:
            raise SigningKeyError(f"key {position} in the key document: {error}") from error
        keys[key_id(public_key)] = public_key
    return keys


def key_resolver(
    public_keys: Mapping[str, Ed25519PublicKey],
) -> Callable[[str], Ed25519PublicKey | None]:
    """Resolve a verification method ``<anything>#<kid>`` (or a bare kid) to a known key."""

    def resolve(verification_method: str) -> Ed25519PublicKey | None:
        return public_keys.get(verification_method.rpartition("#")[2])

    return resolve


def _read_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as error:
        raise SigningKeyError(
            f"{path} is not a readable unencrypted PEM private key: {error}"
        ) from error
    if not isinstance(private_key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} holds a {type(private_key).__name__}, not an Ed25519 key")
    return private_key
