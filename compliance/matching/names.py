"""Company-name normalisation: the same company written two ways should give the same key.

Sources name companies as they please: "COMPAÑÍA MINERA ANTAMINA S.A.", "Cía. Minera Antamina",
"Antamina Mining Company". Normalising folds case and accents, drops punctuation, joining words
and legal forms in many languages, and maps a few abbreviations and translations of generic
words to one spelling, so that the fuzzy scorer compares what identifies a company.

Choices worth knowing:
- Legal forms are removed only at the end of a name (and a short list of prefixes such as
  Indonesian "PT" or Russian "OOO"), never in the middle, where the same letters may be a word.
- A trailing "Group" / "Grupo" / "Holding(s)" is dropped: it says which level of a corporate
  structure is meant, not which company ("the Adani Group" is Adani). A leading "Grupo" is kept
  ("Grupo México" is not "México"). Parent and subsidiary are told apart by entity records
  (parent links, aliases), never by this word.
- Joining words and articles ("&", "and", "y", "et", "und", "de", "del", "the", "of"...) are
  removed anywhere: "Jindal Steel & Power" is "Jindal Steel and Power", "Palmas del Ixcán" is
  "Palmas Ixcan". Initials written apart are joined ("S. A." is "S.A.").
- If removing legal forms would leave nothing ("The Company Ltd"), the name keeps its words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_LETTER_FOLDS = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "&": " and ",
        "+": " and ",
        ".": None,
        "'": None,
        "’": None,
        "`": None,
        "´": None,
    }
)

# Russian and Ukrainian Cyrillic to Latin (BGN/PCGN-like, apostrophes dropped): enough for
# names such as "Норильский никель" to meet their Latin spellings.
_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", "є": "ye", "і": "i", "ї": "yi", "ґ": "g",
    }
)  # fmt: skip

_COMBINING_MARKS = re.compile(r"[\u0300-\u036f]")
_SLASHED_INITIALS = re.compile(r"\b(\w)\s*/\s*(\w)\b")
_WORD = re.compile(r"[^\W_]+")

# Words that join or introduce rather than name; removed wherever they stand.
_PARTICLES = frozenset(
    {
        "and", "y", "e", "et", "und", "en", "the", "of", "de", "del", "della", "di", "da", "do",
        "dos", "das", "du", "des", "el", "la", "las", "los", "le", "les", "il", "lo",
    }
)  # fmt: skip

# One spelling for abbreviations and translations of generic words in company names.
_CANONICAL = {
    "compania": "cia",
    "companhia": "cia",
    "compagnie": "cia",
    "cie": "cia",
    "co": "company",
    "intl": "international",
    "internacional": "international",
    "internationale": "international",
    "mfg": "manufacturing",
    "hldgs": "holdings",
    "bros": "brothers",
    "soc": "sociedad",
    "minera": "mining",
    "mineira": "mining",
    "mineracao": "mining",
    "mineradora": "mining",
    "mineria": "mining",
    "miniere": "mining",
    "minas": "mining",
    "mines": "mining",
    "energia": "energy",
    "energie": "energy",
    "enerji": "energy",
    "recursos": "resources",
    "ressources": "resources",
    "industrias": "industries",
    "industria": "industries",
    "corporacao": "corporacion",
    "industry": "industries",
    "hidroelectrica": "hydroelectric",
    "hidreletrica": "hydroelectric",
    "hydroelectrique": "hydroelectric",
    "brasil": "brazil",
    "mocambique": "mozambique",
    "filipinas": "philippines",
    "espana": "spain",
    "cameroun": "cameroon",
    "rdc": "drc",
    "italia": "italy",
    "deutschland": "germany",
    "mexicana": "mexico",
    "peruana": "peru",
}

# Country names (one spelling each, see _CANONICAL) as they appear in subsidiaries' names.
COUNTRY_WORDS = frozenset(
    {
        "peru", "brazil", "chile", "colombia", "mexico", "argentina", "bolivia", "ecuador",
        "guatemala", "honduras", "nicaragua", "panama", "venezuela", "paraguay", "uruguay",
        "salvador", "canada", "indonesia", "malaysia", "philippines", "india", "china", "cambodia",
        "myanmar", "laos", "vietnam", "thailand", "bangladesh", "pakistan", "nepal", "mongolia",
        "kazakhstan", "japan", "korea", "singapore", "africa", "mozambique", "ghana", "nigeria",
        "kenya", "tanzania", "uganda", "zambia", "zimbabwe", "congo", "drc", "cameroon", "gabon",
        "liberia", "guinea", "senegal", "mali", "niger", "chad", "sudan", "ethiopia", "madagascar",
        "malawi", "namibia", "botswana", "angola", "australia", "spain", "france", "italy",
        "germany", "norway", "sweden", "finland", "poland", "russia", "turkey", "switzerland",
        "netherlands",
    }
)  # fmt: skip
# Words that describe a company's form, activity or country rather than which company it is.
# Two names whose other words agree are the same company written more or less fully ("Antamina"
# / "Compañía Minera Antamina"); two names whose other words differ are different companies,
# however much they share ("Tahoe Resources" / "Teck Resources"). Product words such as "gold"
# or "platinum" are not generic: "Anglo American Platinum" is not "Anglo American".
GENERIC_WORDS = COUNTRY_WORDS | frozenset(
    {
        "cia", "company", "corporacion", "empresa", "empresas", "enterprises", "group", "grupo",
        "groupe", "gruppe", "gruppo", "holdings", "industries", "international", "sociedad",
        "sociedade", "societe", "inversiones", "investments", "organizacao", "organizacion",
        "organization", "engineering", "ingenieria", "engenharia", "construction", "constructora",
        "construcoes", "mining", "minerals", "resources", "energy", "power", "hydroelectric",
    }
)  # fmt: skip

_GROUP_WORDS = frozenset({"group", "grupo", "groupe", "gruppe", "gruppo", "holding", "holdings"})

_LEGAL_SUFFIXES = frozenset(
    tuple(_CANONICAL.get(word, word) for word in form.split())
    for form in (
        # English-speaking and common-law jurisdictions
        "ltd", "limited", "plc", "inc", "incorporated", "corp", "corporation", "co", "llc",
        "llp", "lp", "pty", "pte", "pvt", "pty ltd", "pte ltd", "pvt ltd", "private limited",
        "public limited company", "public company limited", "pcl", "limited liability company",
        "co ltd", "co inc", "co llc",
        # Spanish, Portuguese, Latin America
        "sa", "sab", "sa cv", "sab cv", "sapi cv", "s rl", "s rl cv", "srl cv", "cv",
        "sociedad anonima", "sociedade anonima", "ltda", "lda", "eireli", "sac", "saa", "sas",
        "srl", "eirl", "sl", "slu", "sca", "esp", "spa", "sa esp", "sas esp",
        # French, Italian, Belgian, Dutch
        "sarl", "sasu", "snc", "societe anonyme", "sapa", "nv", "bv", "bvba", "vof",
        # German-speaking, Nordic, Central Europe
        "gmbh", "mbh", "ag", "kg", "kgaa", "ohg", "ug", "eg", "se", "aktiengesellschaft",
        "gesellschaft mit beschrankter haftung", "ab", "publ", "asa", "as", "aps", "oyj", "oy",
        "sp z oo", "spzoo", "kft", "zrt", "sro",
        # Asia, Africa, Middle East
        "tbk", "persero", "bhd", "berhad", "sdn bhd", "sendirian berhad", "kk", "gk",
        "kabushiki kaisha", "youxian gongsi", "gufen youxian gongsi", "jsc", "pjsc", "ojsc",
        "cjsc", "sae", "saog", "psc", "wll", "fze", "fzco", "ooo", "oao", "zao", "pao", "ao",
    )
)  # fmt: skip
_LEGAL_PREFIXES = frozenset(
    tuple(form.split())
    for form in (
        "pt", "perseroan terbatas", "cv", "ci", "ooo", "oao", "zao", "pao", "ao", "pjsc", "ojsc",
        "jsc", "kk", "kabushiki kaisha", "cong ty", "cong ty co phan", "cong ty tnhh", "tap doan",
    )
)  # fmt: skip


def _by_edge_word(forms: frozenset[tuple[str, ...]], edge: int) -> dict[str, list[tuple[str, ...]]]:
    """Forms keyed by their last (edge=-1) or first (edge=0) word, longest first."""
    keyed: dict[str, list[tuple[str, ...]]] = {}
    for form in sorted(forms, key=len, reverse=True):
        keyed.setdefault(form[edge], []).append(form)
    return keyed


_SUFFIXES_BY_LAST_WORD = _by_edge_word(
    _LEGAL_SUFFIXES | {(word,) for word in _GROUP_WORDS}, edge=-1
)
_PREFIXES_BY_FIRST_WORD = _by_edge_word(_LEGAL_PREFIXES, edge=0)


@dataclass(frozen=True, slots=True)
class NormalisedName:
    """A company name reduced to what identifies it.

    `text` keeps the source's word order; `sorted_text` (tokens in alphabetical order) makes a
    plain ratio behave like rapidfuzz's token_sort_ratio without re-sorting on every comparison;
    `compact` (no spaces) lets "Anglo Gold" meet "AngloGold", and `compact_with_form` (with the
    first legal-form word removed) lets "Gold Corp" meet "Goldcorp Inc."; `distinctive` is the
    sorted non-generic words and `countries` the country words; `digits` tells "Lote 8" from
    "Lote 88".
    """

    text: str
    tokens: tuple[str, ...]
    sorted_text: str
    compact: str
    compact_with_form: str
    distinctive: str
    countries: str
    digits: str

    @classmethod
    def from_tokens(cls, tokens: tuple[str, ...], removed_form: str = "") -> NormalisedName:
        compact = "".join(tokens)
        return cls(
            text=" ".join(tokens),
            tokens=tokens,
            sorted_text=" ".join(sorted(tokens)),
            compact=compact,
            compact_with_form=compact + removed_form if removed_form else "",
            distinctive=" ".join(sorted(set(tokens) - GENERIC_WORDS)),
            countries=" ".join(sorted(COUNTRY_WORDS.intersection(tokens))),
            digits="" if compact.isalpha() else "".join(filter(str.isdigit, compact)),
        )


def fold(text: str) -> str:
    """Lower-case text without accents or dots; Cyrillic transliterated, ß/ø/æ... spelt out."""
    text = text.translate(_LETTER_FOLDS).casefold()
    if not text.isascii():
        text = text.translate(_CYRILLIC)
        text = _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text))
    return text


def _core_span(words: list[str]) -> tuple[int, int]:
    """Start and end of the words left once legal forms are removed from both ends."""
    start, end = 0, len(words)
    while end > start:
        for form in _SUFFIXES_BY_LAST_WORD.get(words[end - 1], ()):
            if end - start >= len(form) and tuple(words[end - len(form) : end]) == form:
                end -= len(form)
                break
        else:
            break
    while end > start:
        for form in _PREFIXES_BY_FIRST_WORD.get(words[start], ()):
            if end - start >= len(form) and tuple(words[start : start + len(form)]) == form:
                start += len(form)
                break
        else:
            break
    return start, end


def _join_initials(words: list[str]) -> list[str]:
    """Runs of single letters become one word: "S. A. de C. V." reads as "sa de cv"."""
    joined: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1:
            run.append(word)
            continue
        if len(run) > 1:
            joined.append("".join(run))
        else:
            joined += run
        run = []
        if word:
            joined.append(word)
    return joined


def normalise_name(name: str) -> NormalisedName:
    """Normalise a company name as written in any source; an empty name gives empty text."""
    text = fold(name)
    if "/" in text:
        text = _SLASHED_INITIALS.sub(r"\1\2", text)
    written = _WORD.findall(text)
    if any(len(word) == 1 for word in written):
        written = _join_initials(written)
    meaningful = [word for word in written if word not in _PARTICLES] or written
    words = [_CANONICAL.get(word, word) for word in meaningful]
    start, end = _core_span(words)
    if start == end:
        return NormalisedName.from_tokens(tuple(words))
    removed = meaningful[end] if end < len(words) else ""
    return NormalisedName.from_tokens(tuple(words[start:end]), removed)
