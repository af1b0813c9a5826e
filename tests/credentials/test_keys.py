"""Signing keys in a directory: loading, rotation, the published JWKS, old keys still verify."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from compliance.credentials.data_integrity import sign_credential, verify_credential
from compliance.credentials.keys import (
    SigningKeyError,
    current_signing_key,
    jwks,
    key_resolver,
    load_signing_keys,
    public_keys_from_jwks,
    rotate_signing_key,
)
from compliance.credentials.multikey import raw_public_bytes
from compliance.secrets_store import ensure_signing_key

BASE = "https://hrd-sentinel.example/.well-known/hrd-sentinel/keys.json"
SIGNED_AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "issuer": "https://hrd-sentinel.example",
    "credentialSubject": {"id": "https://hrd-sentinel.example/organisations/7", "tier": "silver"},
}


def test_the_key_the_app_generates_is_loaded(tmp_path: Path) -> None:
    path = ensure_signing_key(str(tmp_path))
    key = current_signing_key(tmp_path)
    assert key.path == path and key.number == 1
    assert len(key.kid) == 43 and len(key.fingerprint) == 64


def test_rotation_adds_the_next_key_which_then_signs(tmp_path: Path) -> None:
    ensure_signing_key(str(tmp_path))
    first = current_signing_key(tmp_path)
    second = rotate_signing_key(tmp_path)
    assert second.path.name == "key-0002.pem"
    assert stat.S_IMODE(second.path.stat().st_mode) == 0o600
    assert current_signing_key(tmp_path).kid == second.kid != first.kid
    assert [key.number for key in load_signing_keys(tmp_path)] == [1, 2]


def test_rotation_creates_the_first_key_in_an_empty_directory(tmp_path: Path) -> None:
    key = rotate_signing_key(tmp_path / "keys")
    assert key.path.name == "key-0001.pem"


def test_keys_are_ordered_by_number_not_by_name(tmp_path: Path) -> None:
    for _ in range(3):
        rotate_signing_key(tmp_path)
    (tmp_path / "key-0003.pem").rename(tmp_path / "key-10000.pem")
    (tmp_path / "notes.pem").write_text("not a key file name")
    assert [key.number for key in load_signing_keys(tmp_path)] == [1, 2, 10000]
    assert rotate_signing_key(tmp_path).path.name == "key-10001.pem"


def test_a_missing_key_directory_is_explained(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyError, match="hrd-sentinel keys rotate"):
        current_signing_key(tmp_path / "absent")


def test_a_key_file_that_is_not_ed25519_is_explained(tmp_path: Path) -> None:
    (tmp_path / "key-0001.pem").write_text("-----BEGIN PRIVATE KEY-----\nnope\n")
    with pytest.raises(SigningKeyError, match=r"key-0001\.pem is not a readable"):
        load_signing_keys(tmp_path)


def test_jwks_lists_every_key_with_kid_and_fingerprint(tmp_path: Path) -> None:
    keys = [rotate_signing_key(tmp_path) for _ in range(2)]
    document = json.loads(json.dumps(jwks(key.public_key for key in keys)))
    assert [entry["kid"] for entry in document["keys"]] == [key.kid for key in keys]
    assert [entry["fingerprint"] for entry in document["keys"]] == [key.fingerprint for key in keys]
    assert all("d" not in entry for entry in document["keys"])
    read_back = public_keys_from_jwks(document)
    assert {kid: raw_public_bytes(key) for kid, key in read_back.items()} == {
        key.kid: raw_public_bytes(key.public_key) for key in keys
    }


def test_certificate_signed_by_an_old_key_still_verifies_after_rotation(tmp_path: Path) -> None:
    old = rotate_signing_key(tmp_path)
    old_certificate = sign_credential(
        CREDENTIAL,
        private_key=old.private_key,
        verification_method=f"{BASE}#{old.kid}",
        created=SIGNED_AT,
    )
    new = rotate_signing_key(tmp_path)
    new_certificate = sign_credential(
        CREDENTIAL,
        private_key=current_signing_key(tmp_path).private_key,
        verification_method=f"{BASE}#{new.kid}",
        created=SIGNED_AT,
    )
    published = json.loads(json.dumps(jwks(key.public_key for key in load_signing_keys(tmp_path))))
    resolve = key_resolver(public_keys_from_jwks(published))
    assert verify_credential(old_certificate, resolve_key=resolve).valid
    assert verify_credential(new_certificate, resolve_key=resolve).valid


def test_a_key_missing_from_the_published_set_is_unknown(tmp_path: Path) -> None:
    kept, dropped = rotate_signing_key(tmp_path), rotate_signing_key(tmp_path)
    certificate = sign_credential(
        CREDENTIAL,
        private_key=dropped.private_key,
        verification_method=f"{BASE}#{dropped.kid}",
        created=SIGNED_AT,
    )
    resolve = key_resolver(public_keys_from_jwks(jwks([kept.public_key])))
    result = verify_credential(certificate, resolve_key=resolve)
    assert not result.valid
    assert result.problems == [
        f"the key {BASE}#{dropped.kid} is unknown: it is not among the published keys"
    ]


def test_a_forged_key_document_is_refused(tmp_path: Path) -> None:
    real, impostor = rotate_signing_key(tmp_path), rotate_signing_key(tmp_path)
    document = jwks([impostor.public_key])
    document["keys"][0]["kid"] = real.kid
    with pytest.raises(SigningKeyError, match="key 1 in the key document: the kid"):
        public_keys_from_jwks(document)
    with pytest.raises(SigningKeyError, match="no list of keys"):
        public_keys_from_jwks({"keys": "all of them"})
