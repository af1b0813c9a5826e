"""Words users type for the same thing: folding for comparison, country names, choice lists.

Uploads come from people writing English, Spanish or French, in spreadsheets edited by hand.
Everything that is compared (headers, countries, choices, names for duplicates) is first folded:
accents and case removed, punctuation turned into single spaces.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
import pycountry
from babel import Locale

from compliance.datasets.cells import TEXT_DTYPE, joined_ascii

_COMBINING_MARKS = "[\u0300-\u036f]"
_NOT_WORD = r"[\W_]+"
_KEPT_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789\x00")
_ASCII_FOLD = bytes(byte if byte in _KEPT_BYTES else ord(" ") for byte in range(256))
_RUNS_OF_SPACES = re.compile(rb" {2,}")


def fold(text: str) -> str:
    """Comparison key: 'País ' -> 'pais', 'Côte d’Ivoire' -> 'cote d ivoire'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = re.sub(_COMBINING_MARKS, "", decomposed).casefold()
    return re.sub(_NOT_WORD, " ", bare).strip()


def fold_series(texts: pd.Series) -> pd.Series:
    """`fold` over a column of text; missing values stay missing."""
    present = texts.notna()
    words = texts[present].tolist()
    joined = joined_ascii(words)
    if joined is None:
        bare = texts.str.normalize("NFKD").str.replace(_COMBINING_MARKS, "", regex=True)
        return bare.str.casefold().str.replace(_NOT_WORD, " ", regex=True).str.strip()
    folded = _RUNS_OF_SPACES.sub(b" ", joined.lower().translate(_ASCII_FOLD))
    folded = folded.replace(b" \x00", b"\x00").replace(b"\x00 ", b"\x00").strip(b" ")
    keys = pd.Series(folded.decode("ascii").split("\x00"), index=texts.index[present])
    return keys.astype(TEXT_DTYPE).reindex(texts.index)


@dataclass(frozen=True)
class Choices:
    """A closed list of values, each with the words (three languages) that mean it."""

    synonyms: Mapping[str, tuple[str, ...]]
    lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for value, words in self.synonyms.items():
            for word in (value, *words):
                key = fold(word)
                if lookup.get(key, value) != value:
                    raise ValueError(f"'{word}' would mean both {lookup[key]} and {value}")
                lookup[key] = value
        object.__setattr__(self, "lookup", lookup)

    @property
    def values(self) -> list[str]:
        return list(self.synonyms)

    def describe(self) -> str:
        """The canonical values for a 'how to fix' message."""
        return ", ".join(value.replace("_", " ") for value in self.synonyms)


YES = ("y", "true", "1", "si", "sí", "oui", "vrai")
NO = ("n", "false", "0", "non", "faux")
UNKNOWN = (
    "don't know",
    "dont know",
    "not known",
    "unsure",
    "desconocido",
    "se desconoce",
    "no se sabe",
    "no sé",
    "inconnu",
    "non connu",
    "ne sait pas",
)
YES_NO = Choices({"yes": YES, "no": NO})
YES_NO_UNKNOWN = Choices({"yes": YES, "no": NO, "unknown": UNKNOWN})

# Common names that neither pycountry nor the CLDR names (Babel) spell this way.
_COUNTRY_ALIASES = {
    "UK": "GB",
    "Great Britain": "GB",
    "England": "GB",
    "EE UU": "US",
    "EEUU": "US",
    "United States of America": "US",
    "Turkey": "TR",
    "Turquie": "TR",
    "Ivory Coast": "CI",
    "Holland": "NL",
    "Burma": "MM",
    "Birmanie": "MM",
    "DRC": "CD",
    "DR Congo": "CD",
    "RDC": "CD",
    "RD Congo": "CD",
    "Democratic Republic of Congo": "CD",
    "Congo Kinshasa": "CD",
    "Congo Brazzaville": "CG",
    "Russia": "RU",
    "South Korea": "KR",
    "North Korea": "KP",
    "Swaziland": "SZ",
    "Czech Republic": "CZ",
    "Macedonia": "MK",
    "Cape Verde": "CV",
    "Palestine": "PS",
    "Vatican": "VA",
}


def _country_lookup() -> dict[str, str]:
    """Folded name or code -> ISO 3166-1 alpha-2, from pycountry and CLDR en/es/fr names."""
    lookup: dict[str, str] = {}
    alpha2 = set()
    for country in pycountry.countries:
        alpha2.add(country.alpha_2)
        for name in (country.alpha_2, country.alpha_3, country.name):
            lookup[fold(name)] = country.alpha_2
        for attribute in ("official_name", "common_name"):
            if hasattr(country, attribute):
                lookup[fold(getattr(country, attribute))] = country.alpha_2
    for language in ("en", "es", "fr"):
        for code, name in Locale(language).territories.items():
            if code in alpha2:
                lookup.setdefault(fold(name), code)
    for name, code in _COUNTRY_ALIASES.items():
        lookup.setdefault(fold(name), code)
    return lookup


COUNTRY_BY_KEY = _country_lookup()
COUNTRY_CODES = frozenset(COUNTRY_BY_KEY.values())
