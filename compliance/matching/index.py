"""Candidate blocking: find the few known names worth scoring for each query name.

Scoring every incident name against every organisation name costs incidents x names. Instead,
names are indexed by their words; for names of several words also by the words run together
("PetroChina" meets "Petro China"), and with the legal form that followed them ("Gold Corp"
meets "Goldcorp"). A query name is compared only with names sharing a word that is not common:
a word carried by more than `common_share` of the indexed names (and by more than
`common_floor` of them), such as "mining" or "energy", tells nothing about which company is
meant. A query word the index does not know is looked up with one letter deleted, inserted,
replaced or two swapped (a deletion neighbourhood, as in SymSpell), so one typo in the word
that identifies a company does not hide it; words run together are looked up as they are.
Names equal after normalisation always meet. The work per query is a handful of dictionary
look-ups, whatever the number of names.
"""

from __future__ import annotations

from collections.abc import Sequence

from compliance.matching.names import NormalisedName

MIN_TYPO_LENGTH = 5


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _joined_words(name: NormalisedName) -> set[str]:
    """The name's words run together, with and without the legal form that followed them."""
    joined = {name.compact} if len(name.tokens) > 1 else set()
    if name.compact_with_form:
        joined.add(name.compact_with_form)
    return joined


class NameIndex:
    """Word index with a one-typo neighbourhood over the indexed words."""

    def __init__(
        self, names: Sequence[NormalisedName], *, common_share: float, common_floor: int
    ) -> None:
        self._exact: dict[str, list[int]] = {}
        postings: dict[str, list[int]] = {}
        for position, name in enumerate(names):
            self._exact.setdefault(name.sorted_text, []).append(position)
            for word in set(name.tokens) | _joined_words(name):
                postings.setdefault(word, []).append(position)
        ceiling = max(common_floor, int(common_share * len(names)))
        self._postings = {word: found for word, found in postings.items() if len(found) <= ceiling}
        self._common = frozenset(postings) - frozenset(self._postings)
        self._neighbours: dict[str, set[str]] = {}
        for word in self._postings:
            if len(word) >= MIN_TYPO_LENGTH:
                for variant in _deletions(word) | {word}:
                    self._neighbours.setdefault(variant, set()).add(word)

    def _similar_words(self, word: str) -> set[str]:
        if word in self._postings or word in self._common:
            return {word} if word in self._postings else set()
        if len(word) < MIN_TYPO_LENGTH:
            return set()
        variants = _deletions(word)
        variants.add(word)
        found: set[str] = set()
        for variant in self._neighbours.keys() & variants:
            found |= self._neighbours[variant]
        return found

    def candidates(self, query: NormalisedName) -> set[int]:
        """Positions of the indexed names worth scoring against `query`."""
        found = set(self._exact.get(query.sorted_text, ()))
        for word in set(query.tokens):
            for similar in self._similar_words(word):
                found.update(self._postings[similar])
        for word in _joined_words(query):
            found.update(self._postings.get(word, ()))
        return found
