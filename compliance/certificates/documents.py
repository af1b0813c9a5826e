"""A certificate as a file (its signed JSON, or the PDF carrying it), and the checks anyone can
make with nothing but the published public keys: the signature and the validity period.

No database and no network: `hrd-sentinel verify` runs these offline, and the online
verification starts with the same checks.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pypdf import PdfReader

from compliance.credentials.data_integrity import validity_problems, verify_credential
from compliance.credentials.keys import key_resolver
from compliance.phrases import Phrase, joined

MAX_JSON_BYTES = 2**20
PDF_MAGIC = b"%PDF-"


class UnreadableCertificate(ValueError):
    """A file that is not a certificate's signed JSON or a certificate PDF; `detail` says why
    (a `Phrase` a page words in its language)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class Check:
    """One verification step and its outcome, in words a person understands."""

    name: Literal["signature", "validity", "register", "record", "status", "log"]
    passed: bool
    detail: str


def read_credential(data: bytes) -> tuple[Literal["json", "pdf"], dict[str, Any]]:
    """The signed credential in a file: the JSON itself, or the JSON attached to a PDF."""
    if data.startswith(PDF_MAGIC):
        return "pdf", credential_from_pdf(data)
    return "json", credential_from_json(data)


def credential_from_json(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_JSON_BYTES:
        raise UnreadableCertificate(
            Phrase(
                "the file is %(size)s bytes; a signed certificate is a few kilobytes",
                size=format(len(data), ","),
            )
        )
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise UnreadableCertificate(
            Phrase("the file is neither a PDF nor readable JSON (%(error)s)", error=str(error))
        ) from error
    if not isinstance(document, dict):
        raise UnreadableCertificate(Phrase("the JSON is not an object, so it is not a certificate"))
    return document


def credential_from_pdf(data: bytes) -> dict[str, Any]:
    """The certificate JSON attached to a certificate PDF (an attachment named HRD-....json)."""
    try:
        attachments = dict(PdfReader(io.BytesIO(data)).attachments)
    except Exception as error:  # pypdf raises many kinds of error on damaged files
        raise UnreadableCertificate(
            Phrase("the PDF cannot be read (%(error)s)", error=str(error))
        ) from error
    candidates = {name: bodies for name, bodies in attachments.items() if name.endswith(".json")}
    certificates = {name: bodies for name, bodies in candidates.items() if name.startswith("HRD-")}
    chosen = certificates or candidates
    if not chosen:
        raise UnreadableCertificate(
            Phrase(
                "the PDF carries no signed certificate (no JSON attachment): it is not an HRD "
                "Sentinel certificate, or the attachment was removed"
            )
        )
    bodies = [body for versions in chosen.values() for body in versions]
    if len(bodies) > 1:
        raise UnreadableCertificate(
            Phrase(
                "the PDF carries %(count)s JSON attachments (%(names)s); a certificate PDF "
                "carries exactly one",
                count=len(bodies),
                names=", ".join(sorted(chosen)),
            )
        )
    return credential_from_json(bodies[0])


def signature_check(
    credential: Mapping[str, Any], *, keys: Mapping[str, Ed25519PublicKey]
) -> Check:
    """Whether one of `keys` signed exactly this content."""
    result = verify_credential(credential, resolve_key=key_resolver(keys))
    if result.valid:
        return Check(
            "signature",
            True,
            Phrase(
                "The signature is valid: signed by the published key %(key)s.",
                key=result.verification_method,
            ),
        )
    return Check(
        "signature",
        False,
        Phrase("The signature is not valid: %(problems)s", problems=joined(result.problems, "; ")),
    )


def validity_check(credential: Mapping[str, Any], *, now: datetime) -> Check:
    problems = validity_problems(credential, now=now)
    if problems:
        return Check(
            "validity",
            False,
            Phrase("Outside its validity period: %(problems)s", problems=joined(problems, "; ")),
        )
    return Check(
        "validity",
        True,
        Phrase(
            "Within its validity period (%(valid_from)s to %(valid_until)s).",
            valid_from=credential.get("validFrom"),
            valid_until=credential.get("validUntil"),
        ),
    )


def offline_checks(
    credential: Mapping[str, Any], *, keys: Mapping[str, Ed25519PublicKey], now: datetime
) -> list[Check]:
    """What can be checked without asking the register: signature and validity period."""
    return [signature_check(credential, keys=keys), validity_check(credential, now=now)]
