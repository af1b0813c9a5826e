"""Messages the API writes in English and the web pages in the reader's language.

A service raises `InvalidInput(Phrase("The file is empty; …"))`: the phrase *is* the English
text (a `str`), so the API, the logs, stored job results and every test that compares strings
see English, as DESIGN.md wants. A page that shows the message translates the same msgid with
its catalogue and fills in the parameters (`compliance.web.terms.localized`, also the
`localized` template filter). This module imports no Flask: services and the screening engine
build phrases without an application. `Phrase` itself is defined in `questionnaires.phrases`,
since the questionnaire engine, which cannot import `compliance`, words its messages with it too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Literal

from questionnaires.phrases import Phrase, Worded, kept, restored

__all__ = [
    "Phrase",
    "Separator",
    "Worded",
    "joined",
    "kept",
    "restored",
    "terms_of",
    "tree_terms",
    "worded",
    "worded_tree",
]

_TAG = "$phrase"  # marks a kept phrase inside a tree of JSON values


def terms_of(text: str | None) -> dict[str, Any] | None:
    """What a JSON column beside a text column keeps of it: a phrase's msgid and parameters,
    None for any other text."""
    return text.as_json() if isinstance(text, Phrase) else None


def tree_terms(tree: Any) -> Any:
    """A JSON value (a job's result) with each phrase in it kept as its terms, tagged; None when
    it holds no phrase, so nothing is stored twice for nothing."""

    def keep(value: Any) -> Any:
        if isinstance(value, Phrase):
            return {_TAG: value.as_json()}
        if isinstance(value, dict):
            return {key: keep(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [keep(item) for item in value]
        return value

    kept_tree = keep(tree)
    return kept_tree if kept_tree != tree else None


def worded_tree(tree: Any, terms: Any) -> Any:
    """The JSON value as stored, or, when `tree_terms` kept terms beside it, the same value
    with its phrases back."""
    if terms is None:
        return tree

    def restore(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {_TAG}:
                return Phrase.from_json(value[_TAG])
            return {key: restore(item) for key, item in value.items()}
        if isinstance(value, list):
            return [restore(item) for item in value]
        return value

    return restore(terms)


def worded(text: str | None, terms: dict[str, Any] | None) -> str | None:
    """A text column read back with the terms `terms_of` kept beside it: the phrase when there
    are terms, the text as stored otherwise."""
    return Phrase.from_json(terms) if terms else text


Separator = Literal["; ", ", ", " ", " or "]
# Each way of putting two parts of a message one after the other, as a phrase of its own, so
# that a translation may change the separator (French writes " ; ").
_ONE_AFTER_THE_OTHER: dict[Separator, Callable[[str, str], Phrase]] = {
    "; ": lambda earlier, later: Phrase("%(earlier)s; %(later)s", earlier=earlier, later=later),
    ", ": lambda earlier, later: Phrase("%(earlier)s, %(later)s", earlier=earlier, later=later),
    " ": lambda earlier, later: Phrase("%(earlier)s %(later)s", earlier=earlier, later=later),
    " or ": lambda earlier, later: Phrase("%(earlier)s or %(later)s", earlier=earlier, later=later),
}


def joined(parts: Sequence[str], separator: Separator) -> str:
    """`separator.join(parts)` in English, and on a page each part that is a `Phrase` in the
    page's language: a list of problems or of checks becomes one parameter of a sentence."""
    if not parts:
        return ""
    return functools.reduce(_ONE_AFTER_THE_OTHER[separator], parts)
