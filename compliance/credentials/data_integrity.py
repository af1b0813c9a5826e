"""Verifiable Credentials 2.0 secured with a Data Integrity proof, cryptosuite ``eddsa-jcs-2022``.

Follows W3C "Data Integrity EdDSA Cryptosuites v1.0" §3.3: the proof configuration (the proof
without ``proofValue``, carrying the credential's ``@context``) and the unsecured credential are
each canonicalized with RFC 8785 and hashed with SHA-256; the Ed25519 signature covers
``SHA-256(proof configuration) || SHA-256(credential)`` and is written as base58-btc multibase.
Any standard verifier can therefore check a certificate without this code.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from compliance.credentials.jcs import JsonValue, NotCanonicalizable, canonicalize
from compliance.credentials.multibase import MultibaseError, decode_base58btc, encode_base58btc
from compliance.credentials.timestamps import (
    TimestampError,
    parse_datetime_stamp,
    to_datetime_stamp,
)

VC_CONTEXT_V2 = "https://www.w3.org/ns/credentials/v2"
PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_PURPOSE = "assertionMethod"
SIGNATURE_SIZE = 64
_MAX_PROOF_VALUE_CHARS = 100

KeyResolver = Callable[[str], Ed25519PublicKey | None]


class CredentialError(ValueError):
    """A credential that cannot be signed as it stands."""


@dataclass(frozen=True)
class VerificationResult:
    """Whether a secured credential is authentic, and if not, every reason in plain words."""

    valid: bool
    problems: list[str] = field(default_factory=list)
    verification_method: str | None = None


def sign_credential(
    credential: Mapping[str, JsonValue],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
) -> dict[str, JsonValue]:
    """Return a copy of the credential with an ``eddsa-jcs-2022`` Data Integrity proof added.

    `verification_method` names the key so verifiers can find it (for example
    ``https://host/.well-known/hrd-sentinel/keys.json#<kid>``).
    """
    if "proof" in credential:
        raise CredentialError(
            "the credential already carries a proof; sign the unsecured credential"
        )
    problems = _data_model_problems(credential)
    if problems:
        raise CredentialError("the credential cannot be signed: " + "; ".join(problems))
    proof_options: dict[str, JsonValue] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": to_datetime_stamp(created),
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
        "@context": copy.deepcopy(credential["@context"]),
    }
    signature = private_key.sign(_hash_data(proof_options, credential))
    secured = copy.deepcopy(dict(credential))
    secured["proof"] = {**proof_options, "proofValue": encode_base58btc(signature)}
    return secured


def verify_credential(
    secured: Mapping[str, JsonValue], *, resolve_key: KeyResolver
) -> VerificationResult:
    """Check the credential's proof against the key its verification method names.

    `resolve_key` maps a verification method to a trusted public key, or None when the key is
    not known (not published, or not ours). Every problem found is reported, not only the first.
    """
    if not isinstance(secured, Mapping):
        return VerificationResult(False, ["the document is not a JSON object"])
    proof = secured.get("proof")
    if proof is None:
        return VerificationResult(False, ["the credential has no proof: it was never signed"])
    if isinstance(proof, list):
        if len(proof) != 1:
            return VerificationResult(
                False, [f"the credential carries {len(proof)} proofs; exactly one is expected"]
            )
        proof = proof[0]
    if not isinstance(proof, Mapping):
        return VerificationResult(False, ["the proof is not a JSON object"])

    problems = _proof_problems(proof) + _data_model_problems(secured)
    method = proof.get("verificationMethod")
    method = method if isinstance(method, str) else None
    unsecured = {name: value for name, value in secured.items() if name != "proof"}
    proof_options = {name: value for name, value in proof.items() if name != "proofValue"}
    if "@context" in proof_options:
        if not _starts_with(secured.get("@context"), proof_options["@context"]):
            problems.append(
                "the proof's @context does not match the start of the credential's @context"
            )
        elif secured.get("@context") != proof_options["@context"]:
            problems.append(
                "the credential's @context was extended after signing: the added contexts "
                "could change what its terms mean"
            )
        unsecured["@context"] = proof_options["@context"]

    signature = _signature(proof.get("proofValue"), problems)
    public_key = None
    if method is not None:
        public_key = resolve_key(method)
        if public_key is None:
            problems.append(f"the key {method} is unknown: it is not among the published keys")
    if problems or signature is None or public_key is None:
        return VerificationResult(False, problems, method)

    try:
        hash_data = _hash_data(proof_options, unsecured)
    except NotCanonicalizable as error:
        return VerificationResult(False, [str(error)], method)
    try:
        public_key.verify(signature, hash_data)
    except InvalidSignature:
        return VerificationResult(
            False,
            [
                "the signature does not match the content: the credential was changed after "
                f"signing, or it was not signed by the key {method}"
            ],
            method,
        )
    return VerificationResult(True, [], method)


def validity_problems(credential: Mapping[str, JsonValue], *, now: datetime) -> list[str]:
    """Why the credential is not within its validity period at `now` (empty when it is)."""
    problems = []
    try:
        valid_from = _optional_moment(credential.get("validFrom"))
        valid_until = _optional_moment(credential.get("validUntil"))
    except TimestampError as error:
        return [f"the validity period is not readable: {error}"]
    if valid_from is not None and now < valid_from:
        problems.append(f"the credential is not valid before {credential['validFrom']}")
    if valid_until is not None and now > valid_until:
        problems.append(f"the credential expired on {credential['validUntil']}")
    return problems


def _optional_moment(value: JsonValue) -> datetime | None:
    return None if value is None else parse_datetime_stamp(value)


def _hash_data(proof_options: Mapping[str, JsonValue], unsecured: Mapping[str, JsonValue]) -> bytes:
    """SHA-256(JCS(proof configuration)) || SHA-256(JCS(unsecured document)), spec §3.3.4."""
    proof_config_hash = hashlib.sha256(canonicalize(dict(proof_options))).digest()
    document_hash = hashlib.sha256(canonicalize(dict(unsecured))).digest()
    return proof_config_hash + document_hash


def _proof_problems(proof: Mapping[str, JsonValue]) -> list[str]:
    problems = []
    if proof.get("type") != PROOF_TYPE:
        problems.append(f"proof type is {proof.get('type')!r}, not {PROOF_TYPE}")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        problems.append(
            f"proof cryptosuite is not {CRYPTOSUITE} (it is {proof.get('cryptosuite')!r})"
        )
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        problems.append(
            f"proof purpose is {proof.get('proofPurpose')!r}, not {PROOF_PURPOSE}: the key was "
            "not used to vouch for the content"
        )
    if not isinstance(proof.get("verificationMethod"), str):
        problems.append("the proof does not say which key signed it (no verificationMethod)")
    try:
        _optional_moment(proof.get("created"))
    except TimestampError as error:
        problems.append(f"the proof's created time is not valid: {error}")
    return problems


def _data_model_problems(credential: Mapping[str, JsonValue]) -> list[str]:
    """The Verifiable Credentials 2.0 basics a certificate must have."""
    problems = []
    context = credential.get("@context")
    if not isinstance(context, list) or not context or context[0] != VC_CONTEXT_V2:
        problems.append(f"@context must be a list starting with {VC_CONTEXT_V2}")
    types = credential.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        problems.append("type must be a list that includes VerifiableCredential")
    issuer = credential.get("issuer")
    if not (
        (isinstance(issuer, str) and issuer)
        or (isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str))
    ):
        problems.append("the credential does not name its issuer")
    if "credentialSubject" not in credential:
        problems.append("the credential has no credentialSubject")
    for name in ("validFrom", "validUntil"):
        try:
            _optional_moment(credential.get(name))
        except TimestampError as error:
            problems.append(f"{name}: {error}")
    return problems


def _starts_with(document_context: JsonValue, proof_context: JsonValue) -> bool:
    """Spec §3.3.2 step 4: the document's @context begins with the proof's, in order.

    The spec then tolerates contexts appended after signing (for proof sets); certificates
    never carry proof sets, so the caller also refuses any addition.
    """
    if isinstance(proof_context, str):
        proof_context = [proof_context]
    if isinstance(document_context, str):
        document_context = [document_context]
    if not isinstance(document_context, list) or not isinstance(proof_context, list):
        return False
    return document_context[: len(proof_context)] == proof_context


def _signature(proof_value: JsonValue, problems: list[str]) -> bytes | None:
    if not isinstance(proof_value, str):
        problems.append("the proof has no proofValue (no signature)")
        return None
    if len(proof_value) > _MAX_PROOF_VALUE_CHARS:
        problems.append("the proofValue is too long to be an Ed25519 signature")
        return None
    try:
        signature = decode_base58btc(proof_value)
    except MultibaseError as error:
        problems.append(f"the proofValue is not readable: {error}")
        return None
    if len(signature) != SIGNATURE_SIZE:
        problems.append(
            f"the proofValue holds {len(signature)} bytes; an Ed25519 signature is {SIGNATURE_SIZE}"
        )
        return None
    return signature
