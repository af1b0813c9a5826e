"""Bitstring Status List v1.0: bit order, encoding, the list credential and status entries."""

from __future__ import annotations

import base64
import gzip
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from compliance.credentials.data_integrity import sign_credential, verify_credential
from compliance.credentials.status_list import (
    MIN_ENTRIES,
    Bitstring,
    StatusListError,
    StatusPurpose,
    read_status,
    status_entry,
    status_list_credential,
)

# The all-zero 16 KB list from the Bitstring Status List v1.0 specification's examples.
SPEC_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
LIST_URL = "https://hrd-sentinel.example/status/revocation/1"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_new_list_has_the_minimum_size_and_no_bit_set() -> None:
    bitstring = Bitstring()
    assert bitstring.size == MIN_ENTRIES == 131_072
    assert not any(bitstring.get(index) for index in range(0, MIN_ENTRIES, 997))


def test_index_zero_is_the_leftmost_bit_of_the_first_byte() -> None:
    bitstring = Bitstring()
    bitstring.set(0)
    bitstring.set(9)
    bitstring.set(MIN_ENTRIES - 1)
    raw = gzip.decompress(base64.urlsafe_b64decode(bitstring.encode()[1:] + "=="))
    assert raw[0] == 0b1000_0000 and raw[1] == 0b0100_0000 and raw[-1] == 0b0000_0001
    assert len(raw) == 16 * 1024


def test_set_get_and_clear() -> None:
    bitstring = Bitstring()
    bitstring.set(94567)
    assert bitstring.get(94567) and not bitstring.get(94566) and not bitstring.get(94568)
    bitstring.set(94567, False)
    assert not bitstring.get(94567)


def test_encoding_round_trips_and_is_compact_and_deterministic() -> None:
    bitstring = Bitstring()
    for index in (0, 7, 8, 1000, 94567, MIN_ENTRIES - 1):
        bitstring.set(index)
    encoded = bitstring.encode()
    assert encoded.startswith("u") and "=" not in encoded
    assert len(encoded) < 200
    assert encoded == bitstring.encode()
    decoded = Bitstring.decode(encoded)
    assert [index for index in range(MIN_ENTRIES) if decoded.get(index)] == [
        0,
        7,
        8,
        1000,
        94567,
        MIN_ENTRIES - 1,
    ]


def test_the_specification_example_list_decodes_to_all_zeros() -> None:
    decoded = Bitstring.decode(SPEC_EMPTY_LIST)
    assert decoded.size == MIN_ENTRIES
    assert Bitstring.decode(decoded.encode()).size == MIN_ENTRIES
    assert not any(decoded.get(index) for index in range(MIN_ENTRIES))


@pytest.mark.parametrize("index", [-1, MIN_ENTRIES])
def test_indices_outside_the_list_are_refused(index: int) -> None:
    with pytest.raises(StatusListError, match="outside the list"):
        Bitstring().get(index)


@pytest.mark.parametrize("size", [MIN_ENTRIES - 8, MIN_ENTRIES + 1])
def test_lists_below_16kb_or_not_whole_bytes_are_refused(size: int) -> None:
    with pytest.raises(StatusListError, match="multiple of 8 entries"):
        Bitstring(size)


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        (
            "u" + base64.urlsafe_b64encode(gzip.compress(bytes(1024))).decode().rstrip("="),
            "at least 131,072",
        ),
        ("u" + base64.urlsafe_b64encode(b"not gzip").decode().rstrip("="), "not valid GZIP"),
        ("z" + "1" * 10, "not readable"),
        (
            "u"
            + base64.urlsafe_b64encode(gzip.compress(bytes(17 * 1024 * 1024))).decode().rstrip("="),
            "larger than",
        ),
    ],
    ids=["too-short", "not-gzip", "not-base64url", "decompression-bomb"],
)
def test_unreadable_lists_are_explained(encoded: str, message: str) -> None:
    with pytest.raises(StatusListError, match=message):
        Bitstring.decode(encoded)


def test_unknown_status_purpose_is_refused() -> None:
    with pytest.raises(StatusListError, match="'revoked' is not one of revocation, suspension"):
        status_entry(status_list_credential=LIST_URL, index=1, purpose="revoked")


def test_status_entry_has_the_specified_shape() -> None:
    assert status_entry(
        status_list_credential=LIST_URL, index=94567, purpose=StatusPurpose.REVOCATION
    ) == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }


def test_list_credential_is_signed_and_answers_status_queries() -> None:
    bitstring = Bitstring()
    bitstring.set(42)
    unsigned = status_list_credential(
        credential_id=LIST_URL,
        issuer="https://hrd-sentinel.example",
        valid_from=NOW,
        purpose=StatusPurpose.REVOCATION,
        bitstring=bitstring,
    )
    assert unsigned["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert unsigned["credentialSubject"]["type"] == "BitstringStatusList"
    assert unsigned["credentialSubject"]["statusPurpose"] == "revocation"
    key = Ed25519PrivateKey.generate()
    signed = sign_credential(unsigned, private_key=key, verification_method="keys#a", created=NOW)
    assert verify_credential(signed, resolve_key=lambda method: key.public_key()).valid
    revoked = status_entry(status_list_credential=LIST_URL, index=42, purpose="revocation")
    active = status_entry(status_list_credential=LIST_URL, index=43, purpose="revocation")
    assert read_status(revoked, signed) is True
    assert read_status(active, signed) is False


def test_status_entry_for_another_purpose_or_list_is_refused() -> None:
    credential = status_list_credential(
        credential_id=LIST_URL,
        issuer="https://hrd-sentinel.example",
        valid_from=NOW,
        purpose=StatusPurpose.REVOCATION,
        bitstring=Bitstring(),
    )
    suspension = status_entry(
        status_list_credential=LIST_URL, index=1, purpose=StatusPurpose.SUSPENSION
    )
    elsewhere = status_entry(
        status_list_credential="https://elsewhere.example/list", index=1, purpose="revocation"
    )
    with pytest.raises(StatusListError, match="the list publishes 'revocation'"):
        read_status(suspension, credential)
    with pytest.raises(StatusListError, match="points at"):
        read_status(elsewhere, credential)
