"""Certificates as Verifiable Credentials with eddsa-jcs-2022 proofs: vectors and tampering."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from compliance.credentials.data_integrity import (
    CredentialError,
    sign_credential,
    validity_problems,
    verify_credential,
)
from compliance.credentials.jcs import canonicalize
from compliance.credentials.multikey import (
    private_key_from_multibase,
    public_key_from_multibase,
    public_key_multibase,
)
from compliance.credentials.timestamps import TimestampError

# W3C vc-di-eddsa test vectors (TestVectors/keyPair.json and TestVectors/eddsa-jcs-2022/).
W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
W3C_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/ns/credentials/examples/v2",
]
W3C_UNSIGNED = {
    "@context": W3C_CONTEXT,
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}
W3C_CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)
W3C_METHOD = f"https://vc.example/issuers/5678#{W3C_PUBLIC}"
W3C_PROOF_VALUE = (
    "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4"
)
W3C_DID_KEY_METHOD = f"did:key:{W3C_PUBLIC}#{W3C_PUBLIC}"
W3C_CANONICAL_DOCUMENT = (
    '{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/'
    'examples/v2"],"credentialSubject":{"alumniOf":"The School of Examples","id":"did:example:'
    'abcdefgh"},"description":"A minimum viable example of an Alumni Credential.","id":"urn:uuid:'
    '58172aac-d8ba-11ed-83dd-0b3aef56cc33","issuer":"https://vc.example/issuers/5678","name":'
    '"Alumni Credential","type":["VerifiableCredential","AlumniCredential"],"validFrom":'
    '"2023-01-01T00:00:00Z"}'
)
W3C_CANONICAL_PROOF_CONFIG = (
    '{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/'
    'examples/v2"],"created":"2023-02-24T23:36:38Z","cryptosuite":"eddsa-jcs-2022",'
    '"proofPurpose":"assertionMethod","type":"DataIntegrityProof","verificationMethod":'
    f'"{W3C_DID_KEY_METHOD}"}}'
)
W3C_COMBINED_HASH = (
    "66ab154f5c2890a140cb8388a22a160454f80575f6eae09e5a097cabe539a1db"
    "59b7cb6251b8991add1ce0bc83107e3db9dbbab5bd2c28f687db1a03abc92f19"
)

METHOD = "https://hrd-sentinel.example/.well-known/hrd-sentinel/keys.json#key-a"
ISSUED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SIGNATURE_MISMATCH = "the signature does not match the content: the credential was changed"


def certificate() -> dict:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "https://hrd-sentinel.example/certificates/HRD-2026-000123",
        "type": ["VerifiableCredential", "HrdCertificate"],
        "issuer": {"id": "https://hrd-sentinel.example", "name": "HRD Sentinel"},
        "validFrom": "2026-03-01T12:00:00Z",
        "validUntil": "2027-03-01T12:00:00Z",
        "credentialSubject": {
            "id": "https://hrd-sentinel.example/organisations/42",
            "name": "Acme Mining S.A.",
            "tier": "gold",
            "score": 87,
            "sections": {"policy": 92.5, "due_diligence": 81.25},
            "scope": {"sites": ["Mina Norte"], "suppliers": ["Río Azul Ltda."]},
        },
    }


@pytest.fixture(scope="module")
def private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def signed(private_key: Ed25519PrivateKey) -> dict:
    return sign_credential(
        certificate(), private_key=private_key, verification_method=METHOD, created=ISSUED
    )


def resolver_for(private_key: Ed25519PrivateKey):
    public_key = private_key.public_key()
    return lambda method: public_key if method == METHOD else None


def test_w3c_key_pair_decodes_to_matching_halves() -> None:
    secret = private_key_from_multibase(W3C_SECRET)
    assert public_key_multibase(secret.public_key()) == W3C_PUBLIC


def test_w3c_eddsa_jcs_2022_vector_is_reproduced_exactly() -> None:
    secured = sign_credential(
        W3C_UNSIGNED,
        private_key=private_key_from_multibase(W3C_SECRET),
        verification_method=W3C_METHOD,
        created=W3C_CREATED,
    )
    assert secured["proof"] == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": W3C_METHOD,
        "proofPurpose": "assertionMethod",
        "@context": W3C_CONTEXT,
        "proofValue": W3C_PROOF_VALUE,
    }


def test_w3c_signed_vector_verifies() -> None:
    published = {
        **W3C_UNSIGNED,
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-jcs-2022",
            "created": "2023-02-24T23:36:38Z",
            "verificationMethod": W3C_METHOD,
            "proofPurpose": "assertionMethod",
            "@context": W3C_CONTEXT,
            "proofValue": W3C_PROOF_VALUE,
        },
    }
    key = public_key_from_multibase(W3C_PUBLIC)
    result = verify_credential(published, resolve_key=lambda method: key)
    assert result.valid, result.problems
    assert result.verification_method == W3C_METHOD


def test_w3c_canonical_forms_and_hash_data_match_the_spec() -> None:
    proof_config = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": W3C_DID_KEY_METHOD,
        "proofPurpose": "assertionMethod",
        "@context": W3C_CONTEXT,
    }
    assert canonicalize(W3C_UNSIGNED).decode() == W3C_CANONICAL_DOCUMENT
    assert canonicalize(proof_config).decode() == W3C_CANONICAL_PROOF_CONFIG
    combined = (
        hashlib.sha256(canonicalize(proof_config)).digest()
        + hashlib.sha256(canonicalize(W3C_UNSIGNED)).digest()
    )
    assert combined.hex() == W3C_COMBINED_HASH


def test_signed_certificate_verifies_and_names_its_key(
    signed: dict, private_key: Ed25519PrivateKey
) -> None:
    result = verify_credential(signed, resolve_key=resolver_for(private_key))
    assert result.valid and result.problems == []
    assert result.verification_method == METHOD
    assert signed["proof"]["created"] == "2026-03-01T12:00:00Z"
    assert signed["proof"]["proofValue"].startswith("z")


def test_signing_leaves_the_input_untouched(private_key: Ed25519PrivateKey) -> None:
    original = certificate()
    sign_credential(original, private_key=private_key, verification_method=METHOD, created=ISSUED)
    assert original == certificate()


def test_reformatted_json_still_verifies(signed: dict, private_key: Ed25519PrivateKey) -> None:
    text = json.dumps(signed, indent=4, sort_keys=True, ensure_ascii=True)
    result = verify_credential(json.loads(text), resolve_key=resolver_for(private_key))
    assert result.valid, result.problems


def test_changing_one_byte_of_the_json_is_detected(
    signed: dict, private_key: Ed25519PrivateKey
) -> None:
    text = json.dumps(signed)
    assert '"score": 87' in text
    tampered = json.loads(text.replace('"score": 87', '"score": 88'))
    result = verify_credential(tampered, resolve_key=resolver_for(private_key))
    assert not result.valid
    assert any(problem.startswith(SIGNATURE_MISMATCH) for problem in result.problems)


def _string_paths(node, path=()):
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _string_paths(value, (*path, name))
    elif isinstance(node, list):
        for position, value in enumerate(node):
            yield from _string_paths(value, (*path, position))
    elif isinstance(node, str):
        yield path


def test_changing_any_single_character_anywhere_is_detected(
    signed: dict, private_key: Ed25519PrivateKey
) -> None:
    paths = [path for path in _string_paths(signed) if path != ("proof", "proofValue")]
    assert len(paths) > 15
    for path in paths:
        tampered = copy.deepcopy(signed)
        parent = tampered
        for step in path[:-1]:
            parent = parent[step]
        value = parent[path[-1]]
        parent[path[-1]] = value[:-1] + ("X" if value[-1] != "X" else "Y")
        result = verify_credential(tampered, resolve_key=resolver_for(private_key))
        assert not result.valid, path


def test_added_and_removed_fields_are_detected(
    signed: dict, private_key: Ed25519PrivateKey
) -> None:
    added = copy.deepcopy(signed)
    added["credentialSubject"]["note"] = "also covers subsidiaries"
    removed = copy.deepcopy(signed)
    del removed["validUntil"]
    for tampered in (added, removed):
        result = verify_credential(tampered, resolve_key=resolver_for(private_key))
        assert not result.valid
        assert result.problems[0].startswith(SIGNATURE_MISMATCH)


def test_altered_signature_is_detected(signed: dict, private_key: Ed25519PrivateKey) -> None:
    tampered = copy.deepcopy(signed)
    value = tampered["proof"]["proofValue"]
    tampered["proof"]["proofValue"] = value[:10] + ("2" if value[10] != "2" else "3") + value[11:]
    result = verify_credential(tampered, resolve_key=resolver_for(private_key))
    assert not result.valid


def test_signature_by_another_key_is_rejected(signed: dict) -> None:
    other = Ed25519PrivateKey.generate().public_key()
    result = verify_credential(signed, resolve_key=lambda method: other)
    assert not result.valid
    assert result.problems == [
        "the signature does not match the content: the credential was changed after signing, "
        f"or it was not signed by the key {METHOD}"
    ]


def test_unknown_key_is_reported_by_name(signed: dict) -> None:
    result = verify_credential(signed, resolve_key=lambda method: None)
    assert not result.valid
    assert result.problems == [f"the key {METHOD} is unknown: it is not among the published keys"]


def test_other_cryptosuite_is_refused(signed: dict, private_key: Ed25519PrivateKey) -> None:
    tampered = copy.deepcopy(signed)
    tampered["proof"]["cryptosuite"] = "ecdsa-jcs-2019"
    result = verify_credential(tampered, resolve_key=resolver_for(private_key))
    assert not result.valid
    assert "proof cryptosuite is not eddsa-jcs-2022 (it is 'ecdsa-jcs-2019')" in result.problems


def test_proof_context_must_prefix_the_credential_context(
    signed: dict, private_key: Ed25519PrivateKey
) -> None:
    tampered = copy.deepcopy(signed)
    tampered["@context"] = ["https://example.org/other", *tampered["@context"]]
    result = verify_credential(tampered, resolve_key=resolver_for(private_key))
    assert not result.valid
    assert any("proof's @context does not match" in problem for problem in result.problems)


def test_context_added_after_signing_is_refused(
    signed: dict, private_key: Ed25519PrivateKey
) -> None:
    tampered = copy.deepcopy(signed)
    tampered["@context"].append({"tier": "https://example.org/means-something-else"})
    result = verify_credential(tampered, resolve_key=resolver_for(private_key))
    assert not result.valid
    assert any("@context was extended after signing" in problem for problem in result.problems)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda doc: doc.pop("proof"), "the credential has no proof: it was never signed"),
        (lambda doc: doc["proof"].update(proofPurpose="authentication"), "proof purpose is"),
        (lambda doc: doc["proof"].update(type="Ed25519Signature2020"), "proof type is"),
        (lambda doc: doc["proof"].pop("proofValue"), "the proof has no proofValue"),
        (lambda doc: doc["proof"].update(proofValue="u" + "A" * 86), "not base58-btc"),
        (lambda doc: doc["proof"].update(proofValue="z0OIl"), "not base58"),
        (lambda doc: doc["proof"].update(proofValue="z2"), "an Ed25519 signature is 64"),
        (lambda doc: doc["proof"].update(created="yesterday"), "created time is not valid"),
        (lambda doc: doc["proof"].pop("verificationMethod"), "does not say which key"),
        (lambda doc: doc.update(proof=[doc["proof"], doc["proof"]]), "carries 2 proofs"),
        (lambda doc: doc.pop("issuer"), "does not name its issuer"),
        (lambda doc: doc.update(type=["HrdCertificate"]), "includes VerifiableCredential"),
        (lambda doc: doc["credentialSubject"].update(score=2**60), "cannot be canonicalized"),
    ],
)
def test_malformed_proofs_and_credentials_are_explained(
    signed: dict, private_key: Ed25519PrivateKey, mutate, expected: str
) -> None:
    tampered = copy.deepcopy(signed)
    mutate(tampered)
    result = verify_credential(tampered, resolve_key=resolver_for(private_key))
    assert not result.valid
    assert any(expected in problem for problem in result.problems), result.problems


def test_a_single_proof_in_a_list_is_accepted(signed: dict, private_key: Ed25519PrivateKey) -> None:
    wrapped = {**signed, "proof": [signed["proof"]]}
    assert verify_credential(wrapped, resolve_key=resolver_for(private_key)).valid


def test_a_signed_credential_cannot_be_signed_again(
    signed: dict, private_key: Ed25519PrivateKey
) -> None:
    with pytest.raises(CredentialError, match="already carries a proof"):
        sign_credential(signed, private_key=private_key, verification_method=METHOD, created=ISSUED)


def test_only_verifiable_credentials_are_signed(private_key: Ed25519PrivateKey) -> None:
    with pytest.raises(CredentialError, match="does not name its issuer"):
        sign_credential(
            {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential"],
                "credentialSubject": {},
            },
            private_key=private_key,
            verification_method=METHOD,
            created=ISSUED,
        )


def test_signing_time_must_carry_a_timezone(private_key: Ed25519PrivateKey) -> None:
    with pytest.raises(TimestampError, match="no timezone"):
        sign_credential(
            certificate(),
            private_key=private_key,
            verification_method=METHOD,
            created=datetime(2026, 3, 1, 12, 0),
        )


def test_validity_period_is_checked_against_the_given_time() -> None:
    credential = certificate()
    assert validity_problems(credential, now=ISSUED + timedelta(days=30)) == []
    assert validity_problems(credential, now=ISSUED - timedelta(seconds=1)) == [
        "the credential is not valid before 2026-03-01T12:00:00Z"
    ]
    assert validity_problems(credential, now=ISSUED + timedelta(days=366)) == [
        "the credential expired on 2027-03-01T12:00:00Z"
    ]
