"""Messages written in English that remember their msgid, so a page can word them again.

`Phrase` lives in this pure base package, which `compliance` builds on, because the
questionnaire engine's own messages (refused answers, refused workbooks) are shown on pages
too; `compliance.phrases` re-exports it with the rest of its helpers. Standard library and
pydantic only: no gettext here, a page translates (`compliance.web.terms.localized`).
"""

from __future__ import annotations

from typing import Annotated, Any

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


def _phrase_kept(value: Any, handler: ValidatorFunctionWrapHandler) -> str:
    return value if isinstance(value, Phrase) else handler(value)


# A model field of text that stays the `Phrase` it was given (pydantic would copy it into a
# plain `str`, losing its msgid), so a page can word it in its language; JSON gets the English.
Worded = Annotated[str, WrapValidator(_phrase_kept)]
