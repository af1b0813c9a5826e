"""W3C Bitstring Status List v1.0: how revocation and suspension are published.

Each certificate gets an index in a list; the list is a bitstring (bit 0 is the left-most bit of
the first byte) of at least 131,072 entries so that one certificate cannot be singled out by the
size of the list, GZIP-compressed and written as base64url multibase (prefix ``u``). A set bit
means revoked (or suspended, for a suspension list). The list itself is a credential, signed
like any other.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

from compliance.credentials.data_integrity import VC_CONTEXT_V2
from compliance.credentials.jcs import JsonValue
from compliance.credentials.multibase import MultibaseError, decode_base64url, encode_base64url
from compliance.credentials.timestamps import to_datetime_stamp

MIN_ENTRIES = 131_072
MAX_ENTRIES = 8 * 16 * 1024 * 1024
ENTRY_TYPE = "BitstringStatusListEntry"
LIST_TYPE = "BitstringStatusList"
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"


class StatusPurpose(StrEnum):
    """What a set bit means in a list."""

    REVOCATION = "revocation"
    SUSPENSION = "suspension"


class StatusListError(ValueError):
    """A status list or status entry that cannot be read or does not fit."""


class Bitstring:
    """A fixed-size list of status bits, one per certificate index."""

    def __init__(self, size: int = MIN_ENTRIES) -> None:
        if size < MIN_ENTRIES or size > MAX_ENTRIES or size % 8:
            raise StatusListError(
                f"a status list holds a multiple of 8 entries between {MIN_ENTRIES:,} and "
                f"{MAX_ENTRIES:,}, not {size:,}"
            )
        self._bits = bytearray(size // 8)

    @property
    def size(self) -> int:
        """The number of entries."""
        return len(self._bits) * 8

    def get(self, index: int) -> bool:
        """Whether the entry at `index` is set."""
        self._check(index)
        return bool(self._bits[index // 8] & (0x80 >> (index % 8)))

    def set(self, index: int, value: bool = True) -> None:
        """Set (or clear, with ``value=False``) the entry at `index`."""
        self._check(index)
        mask = 0x80 >> (index % 8)
        if value:
            self._bits[index // 8] |= mask
        else:
            self._bits[index // 8] &= ~mask & 0xFF

    def encode(self) -> str:
        """The ``encodedList`` value: GZIP, then base64url multibase. Deterministic (mtime 0)."""
        return encode_base64url(gzip.compress(bytes(self._bits), mtime=0))

    @classmethod
    def decode(cls, encoded: str) -> Bitstring:
        """Read an ``encodedList`` value, refusing lists too short or too large to be genuine."""
        try:
            compressed = decode_base64url(encoded)
        except MultibaseError as error:
            raise StatusListError(f"the encoded status list is not readable: {error}") from error
        raw = _gunzip_bounded(compressed, MAX_ENTRIES // 8)
        if len(raw) * 8 < MIN_ENTRIES:
            raise StatusListError(
                f"the status list holds {len(raw) * 8:,} entries; at least {MIN_ENTRIES:,} are "
                "required so that no certificate can be singled out"
            )
        bitstring = cls(len(raw) * 8)
        bitstring._bits[:] = raw
        return bitstring

    def _check(self, index: int) -> None:
        if not 0 <= index < self.size:
            raise StatusListError(
                f"status index {index} is outside the list (0 to {self.size - 1})"
            )


def status_entry(
    *, status_list_credential: str, index: int, purpose: StatusPurpose | str
) -> dict[str, JsonValue]:
    """The ``credentialStatus`` entry a certificate carries for one purpose."""
    if not 0 <= index < MAX_ENTRIES:
        raise StatusListError(f"status index {index} is outside any status list")
    return {
        "id": f"{status_list_credential}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": str(_purpose(purpose)),
        "statusListIndex": str(index),
        "statusListCredential": status_list_credential,
    }


def status_list_credential(
    *,
    credential_id: str,
    issuer: str,
    valid_from: datetime,
    purpose: StatusPurpose | str,
    bitstring: Bitstring,
    valid_until: datetime | None = None,
) -> dict[str, JsonValue]:
    """The unsigned ``BitstringStatusListCredential`` publishing `bitstring`; sign it to publish."""
    credential: dict[str, JsonValue] = {
        "@context": [VC_CONTEXT_V2],
        "id": credential_id,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer,
        "validFrom": to_datetime_stamp(valid_from),
        "credentialSubject": {
            "id": f"{credential_id}#list",
            "type": LIST_TYPE,
            "statusPurpose": str(_purpose(purpose)),
            "encodedList": bitstring.encode(),
        },
    }
    if valid_until is not None:
        credential["validUntil"] = to_datetime_stamp(valid_until)
    return credential


def read_status(entry: Mapping[str, JsonValue], list_credential: Mapping[str, JsonValue]) -> bool:
    """Whether the bit an entry points at is set in the (already verified) list credential."""
    if entry.get("type") != ENTRY_TYPE:
        raise StatusListError(f"the credential status type is not {ENTRY_TYPE}")
    if entry.get("statusListCredential") != list_credential.get("id"):
        raise StatusListError(
            f"the status entry points at {entry.get('statusListCredential')!r}, not at the list "
            f"{list_credential.get('id')!r}"
        )
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("type") != LIST_TYPE:
        raise StatusListError(f"the list credential's subject is not a {LIST_TYPE}")
    if subject.get("statusPurpose") != entry.get("statusPurpose"):
        raise StatusListError(
            f"the entry is for {entry.get('statusPurpose')!r} but the list publishes "
            f"{subject.get('statusPurpose')!r}"
        )
    index_text = entry.get("statusListIndex")
    if not isinstance(index_text, str) or not (index_text.isascii() and index_text.isdigit()):
        raise StatusListError('statusListIndex must be a string of digits, such as "94567"')
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise StatusListError("the list credential has no encodedList")
    return Bitstring.decode(encoded).get(int(index_text))


def _purpose(value: StatusPurpose | str) -> StatusPurpose:
    try:
        return StatusPurpose(value)
    except ValueError as error:
        choices = ", ".join(purpose.value for purpose in StatusPurpose)
        raise StatusListError(f"status purpose {value!r} is not one of {choices}") from error


def _gunzip_bounded(compressed: bytes, limit: int) -> bytes:
    """Decompress one GZIP member, stopping before a decompression bomb exhausts memory."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        raw = inflater.decompress(compressed, limit + 1)
    except zlib.error as error:
        raise StatusListError(f"the status list is not valid GZIP data: {error}") from error
    if len(raw) > limit:
        raise StatusListError(f"the status list is larger than {limit:,} bytes once decompressed")
    if not inflater.eof:
        raise StatusListError("the status list's GZIP data is truncated")
    if inflater.unused_data:
        raise StatusListError("the status list has data after its GZIP stream")
    return raw
