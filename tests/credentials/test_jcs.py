"""RFC 8785 canonical JSON, checked against the RFC's own examples."""

from __future__ import annotations

import json
import struct

import pytest

from compliance.credentials.jcs import NotCanonicalizable, canonicalize

# RFC 8785 §3.2.4: the JSON text as a person would write it, and its canonical form.
RFC_INPUT = r"""{
  "numbers": [333333333.33333329, 1E30, 4.50,
              2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"""
RFC_OUTPUT = (
    r'{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
    '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
)

# RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript serialisation.
RFC_NUMBERS = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


def test_rfc_example_document_is_canonicalized_byte_for_byte() -> None:
    assert canonicalize(json.loads(RFC_INPUT)) == RFC_OUTPUT.encode("utf-8")


def test_keys_sort_by_utf16_code_units_as_in_the_rfc() -> None:
    document = json.loads(
        r"""{"\u20ac": "Euro Sign", "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One",
        "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis"}"""
    )
    order = [value for value in json.loads(canonicalize(document)).values()]
    assert order == [
        "Carriage Return",
        "One",
        "Control",
        "Latin Small Letter O With Diaeresis",
        "Euro Sign",
        "Emoji: Grinning Face",  # U+1F600 sorts as its surrogates D83D DE00, before U+FB33
        "Hebrew Letter Dalet With Dagesh",
    ]


@pytest.mark.parametrize(("bits", "expected"), RFC_NUMBERS)
def test_numbers_follow_ecmascript_serialisation(bits: str, expected: str) -> None:
    (number,) = struct.unpack(">d", bytes.fromhex(bits))
    assert canonicalize(number) == expected.encode()


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (-0.0, "0"),
        (333333333.33333329, "333333333.3333333"),
        (1e20, "100000000000000000000"),
        (4.50, "4.5"),
        (87.0, "87"),
        (-12, "-12"),
    ],
)
def test_number_boundaries_between_plain_and_exponent_forms(number: float, expected: str) -> None:
    assert canonicalize(number) == expected.encode()


def test_strings_escape_only_what_json_requires() -> None:
    assert (
        canonicalize("\u00e9\t\x01</script>\u2028") == '"\u00e9\\t\\u0001</script>\u2028"'.encode()
    )


def test_nested_objects_are_sorted_and_whitespace_free() -> None:
    assert canonicalize({"b": [1, {"z": None, "a": True}], "a": {}}) == (
        b'{"a":{},"b":[1,{"a":true,"z":null}]}'
    )


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), 2**53, {1: "non-string key"}, "\ud800", b"bytes"],
    ids=["nan", "infinity", "unsafe-integer", "integer-key", "lone-surrogate", "bytes"],
)
def test_values_json_cannot_carry_are_refused_with_a_reason(value: object) -> None:
    with pytest.raises(NotCanonicalizable, match="cannot be canonicalized"):
        canonicalize(value)  # type: ignore[arg-type]
