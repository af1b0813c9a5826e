"""Messages the API writes in English and the web pages in the reader's language.

A service raises `InvalidInput(Phrase("The file is empty; …"))`: the phrase *is* the English
text (a `str`), so the API, the logs, stored job results and every test that compares strings
see English, as DESIGN.md wants. A page that shows the message translates the same msgid with
its catalogue and fills in the parameters (`compliance.web.terms.localized`, also the
`localized` template filter). This module imports no Flask: services and the screening engine
build phrases without an application.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal

from pydantic import ValidatorFunctionWrapHandler, WrapValidator


class Phrase(str):
    """An English message that remembers its msgid and parameters (pybabel extracts the
    keyword `Phrase`, see babel.cfg and README "Languages")."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Phrase:
        text = super().__new__(cls, msgid % params if params else msgid)
        text.msgid = msgid
        text.params = params
        return text

    def as_json(self) -> dict[str, Any]:
        """What a table keeps to word the phrase again later, in another language."""
        return {"msgid": self.msgid, "params": {k: kept(v) for k, v in self.params.items()}}

    @classmethod
    def from_json(cls, kept: dict[str, Any]) -> Phrase:
        """The phrase `as_json` kept."""
        return cls(kept["msgid"], **{k: restored(v) for k, v in kept["params"].items()})


def kept(text: Any) -> Any:
    """A text as a JSON column keeps it: a phrase as its msgid and parameters, anything else
    as it is."""
    return text.as_json() if isinstance(text, Phrase) else text


def restored(text: Any) -> Any:
    """A text `kept` wrote: a phrase again, or as it was (texts kept before phrases)."""
    return Phrase.from_json(text) if isinstance(text, dict) else text


def terms_of(text: str | None) -> dict[str, Any] | None:
    """What a JSON column beside a text column keeps of it: a phrase's msgid and parameters,
    None for any other text."""
    return text.as_json() if isinstance(text, Phrase) else None


def worded(text: str | None, terms: dict[str, Any] | None) -> str | None:
    """A text column read back with the terms `terms_of` kept beside it: the phrase when there
    are terms, the text as stored otherwise."""
    return Phrase.from_json(terms) if terms else text


def _phrase_kept(value: Any, handler: ValidatorFunctionWrapHandler) -> str:
    return value if isinstance(value, Phrase) else handler(value)


# A model field of text that stays the `Phrase` it was given (pydantic would copy it into a
# plain `str`, losing its msgid), so a page can word it in its language; JSON gets the English.
Worded = Annotated[str, WrapValidator(_phrase_kept)]


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
