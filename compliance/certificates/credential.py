"""A certificate as a W3C Verifiable Credential 2.0, and the addresses it refers to.

The credential carries the certificate's public facts only (no assessment answers, no incident
data), two `credentialStatus` entries pointing at this service's revocation and suspension
lists, and is stored as its RFC 8785 canonical JSON: the SHA-256 of those bytes is what the
transparency log records and what "matches the register" compares.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from compliance.certificates.models import Certificate
from compliance.credentials.data_integrity import VC_CONTEXT_V2, sign_credential
from compliance.credentials.jcs import JsonValue, canonicalize
from compliance.credentials.keys import SigningKey
from compliance.credentials.status_list import StatusPurpose, status_entry
from compliance.credentials.timestamps import TimestampError, parse_datetime_stamp
from compliance.credentials.timestamps import to_datetime_stamp as stamp
from compliance.phrases import Phrase

CREDENTIAL_TYPE = "HRDProtectionCertificate"
SUBJECT_TYPE = "CertifiedOrganisation"
ISSUER_NAME = "HRD Sentinel"
KEYS_PATH = "/.well-known/hrd-sentinel/keys.json"


def issuer_id(base_url: str) -> str:
    return base_url.rstrip("/")


def certificate_url(base_url: str, cert_id: str) -> str:
    """The public page of a certificate (what its QR code opens)."""
    return f"{issuer_id(base_url)}/certificates/{cert_id}"


def status_list_url(base_url: str, purpose: StatusPurpose | str) -> str:
    return f"{issuer_id(base_url)}/api/v1/status-lists/{StatusPurpose(purpose).value}"


def verification_method(base_url: str, kid: str) -> str:
    return f"{issuer_id(base_url)}{KEYS_PATH}#{kid}"


def unsigned_credential(
    certificate: Certificate, *, tier_label: str, base_url: str
) -> dict[str, JsonValue]:
    """The credential of a certificate whose row (with its id) is already written."""
    organisation = {
        name: value
        for name, value in (
            ("name", certificate.organisation_name),
            ("country", certificate.country),
            ("sector", certificate.sector),
        )
        if value is not None
    }
    return {
        "@context": [VC_CONTEXT_V2],
        "id": certificate_url(base_url, certificate.cert_id),
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "name": f"HRD Sentinel certificate {certificate.cert_id}",
        "issuer": {"id": issuer_id(base_url), "name": ISSUER_NAME},
        "validFrom": stamp(certificate.issued_at),
        "validUntil": stamp(certificate.expires_at),
        "credentialSubject": {
            "type": SUBJECT_TYPE,
            "certificateId": certificate.cert_id,
            "organisation": organisation,
            "tier": certificate.tier.value,
            "tierLabel": tier_label,
            "score": certificate.score,
            "sectionScores": [
                {"section": s["section_id"], "label": s["label"], "percent": s["percent"]}
                for s in certificate.sections
            ],
            "scope": {
                "sites": certificate.scope.get("sites"),
                "suppliers": certificate.scope.get("suppliers"),
                "datasetVersions": list(certificate.scope.get("dataset_versions", [])),
            },
            "methodology": {
                "id": certificate.methodology_id,
                "version": certificate.methodology_version,
                "hash": certificate.methodology_hash,
            },
            "questionnaire": certificate.questionnaire,
            "scoreInputsHash": certificate.inputs_hash,
        },
        "credentialStatus": [
            status_entry(
                status_list_credential=status_list_url(base_url, purpose),
                index=certificate.status_list_index,
                purpose=purpose,
            )
            for purpose in (StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION)
        ],
    }


def sign(
    credential: Mapping[str, JsonValue], *, key: SigningKey, base_url: str, now: datetime
) -> dict[str, JsonValue]:
    return sign_credential(
        credential,
        private_key=key.private_key,
        verification_method=verification_method(base_url, key.kid),
        created=now,
    )


def canonical_text(credential: Mapping[str, JsonValue]) -> str:
    """The stored and served form: RFC 8785 canonical JSON."""
    return canonicalize(dict(credential)).decode("utf-8")


def sha256_of(credential: Mapping[str, JsonValue]) -> str:
    """SHA-256 of the canonical JSON: the same whatever whitespace a copy was saved with."""
    return hashlib.sha256(canonicalize(dict(credential))).hexdigest()


def cert_id_of(credential: Mapping[str, Any]) -> str | None:
    """The certificate id a credential claims to be, if it says."""
    subject = credential.get("credentialSubject")
    value = subject.get("certificateId") if isinstance(subject, Mapping) else None
    return value if isinstance(value, str) else None


def register_differences(certificate: Certificate, credential: Mapping[str, Any]) -> list[str]:
    """Where the register's row says something other than the signed certificate, named in
    words a page shows in its language."""
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, Mapping) else {}
    # what the signed certificate says, and what the register's row says
    compared = {
        Phrase("certificate id"): (subject.get("certificateId"), certificate.cert_id),
        Phrase("organisation"): (
            _member(subject.get("organisation"), "name"),
            certificate.organisation_name,
        ),
        Phrase("tier"): (subject.get("tier"), certificate.tier.value),
        Phrase("score"): (subject.get("score"), certificate.score),
        Phrase("methodology hash"): (
            _member(subject.get("methodology"), "hash"),
            certificate.methodology_hash,
        ),
        Phrase("score inputs hash"): (subject.get("scoreInputsHash"), certificate.inputs_hash),
        Phrase("issue date"): (
            _moment(credential.get("validFrom")),
            certificate.issued_at.replace(microsecond=0),
        ),
        Phrase("expiry date"): (
            _moment(credential.get("validUntil")),
            certificate.expires_at.replace(microsecond=0),
        ),
    }
    return [name for name, (signed, registered) in compared.items() if signed != registered]


def _member(value: object, name: str) -> object:
    return value.get(name) if isinstance(value, Mapping) else None


def _moment(value: object) -> datetime | None:
    try:
        return parse_datetime_stamp(value)
    except TimestampError:
        return None
