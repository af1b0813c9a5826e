"""Resolving holdings to known organisations (companies and financial institutions).

For each holding, in this order:
1. a mapping the investor chose by hand for one of the holding's keys (ISIN, LEI, normalised
   name with country) is applied (resolution `mapped`);
2. an identifier: the LEI, or an ISIN listed on an organisation (`identifier`); identifiers that
   point at several organisations make the holding `ambiguous`;
3. the name, normalised and scored as the screening engine scores company names (same
   normalisation, blocking index and similarity), with the engine's country bonus and penalty:
   exactly one organisation at or above `STRONG` and no other within `AMBIGUITY_MARGIN` points
   resolves it (`name`); otherwise every organisation at or above `FLOOR` is a candidate
   (`ambiguous`); none leaves it `unresolved`.

The directory of organisations is built once per call (one query) and mappings are read in one
query, so thousands of holdings resolve without a query each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from compliance.accounts.models import Organisation, OrganisationKind
from compliance.matching import ScreeningSettings, name_similarity, normalise_identifier
from compliance.matching.index import NameIndex
from compliance.matching.names import NormalisedName, normalise_name
from compliance.portfolios.models import HoldingMapping, PortfolioHolding, Resolution

RESOLVABLE_KINDS = (OrganisationKind.company, OrganisationKind.financial_institution)
_ENGINE = ScreeningSettings()
STRONG = _ENGINE.suggest_threshold  # a name this alike (country included) resolves alone
FLOOR = _ENGINE.min_score  # below this an organisation is not even a candidate
AMBIGUITY_MARGIN = 5  # a runner-up this close makes the holding ambiguous
CANDIDATES_KEPT = 5
KEY_MAX = 400


@dataclass(frozen=True, slots=True)
class Candidate:
    organisation_id: int
    name: str
    country: str | None
    score: int

    def as_json(self) -> dict[str, Any]:
        return {
            "organisation_id": self.organisation_id,
            "name": self.name,
            "country": self.country,
            "score": self.score,
        }


@dataclass(frozen=True, slots=True)
class Decision:
    organisation_id: int | None
    resolution: Resolution
    candidates: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class KnownOrganisation:
    id: int
    name: str
    country: str | None
    lei: str | None
    isins: tuple[str, ...]
    aliases: tuple[str, ...]


def holding_keys(*, isin: str | None, lei: str | None, name: str, country: str | None) -> list[str]:
    """The keys a remembered mapping may be stored under, most specific first."""
    keys = []
    if isin:
        keys.append(f"isin:{normalise_identifier(isin)}")
    if lei:
        keys.append(f"lei:{normalise_identifier(lei)}")
    normalised = normalise_name(name).sorted_text or name.casefold().strip()
    if normalised:
        keys.append(f"name:{normalised[: KEY_MAX - 10]}|{country or ''}")
    return keys


def keys_of(holding: PortfolioHolding) -> list[str]:
    return holding_keys(
        isin=holding.isin, lei=holding.lei, name=holding.name, country=holding.country
    )


class OrganisationDirectory:
    """Every resolvable organisation, indexed once by identifier and by normalised name."""

    def __init__(self, organisations: Iterable[KnownOrganisation]) -> None:
        self.organisations = {organisation.id: organisation for organisation in organisations}
        self._by_identifier: dict[str, set[int]] = {}
        for organisation in self.organisations.values():
            codes = [organisation.lei] if organisation.lei else []
            for code in (*codes, *organisation.isins):
                self._by_identifier.setdefault(normalise_identifier(code), set()).add(
                    organisation.id
                )

    @cached_property
    def _names(self) -> list[tuple[int, NormalisedName]]:
        """Every name and alias, normalised; built on the first name look-up only, so holdings
        resolved by a mapping or an identifier never pay for it."""
        names: list[tuple[int, NormalisedName]] = []
        for organisation in self.organisations.values():
            seen: set[str] = set()
            for written in (organisation.name, *organisation.aliases):
                normalised = normalise_name(written)
                if normalised.sorted_text and normalised.sorted_text not in seen:
                    seen.add(normalised.sorted_text)
                    names.append((organisation.id, normalised))
        return names

    @cached_property
    def _index(self) -> NameIndex:
        return NameIndex(
            [normalised for _, normalised in self._names],
            common_share=_ENGINE.common_token_share,
            common_floor=_ENGINE.common_token_floor,
        )

    @classmethod
    def load(cls, session: Session) -> OrganisationDirectory:
        """The organisations now in the database. Normalising every name takes seconds at scale
        (every hand search on a holding's page needs them), so one directory serves as long as
        no resolvable organisation is added or changed: it is kept per content."""
        rows = session.execute(
            sa.select(
                Organisation.id,
                Organisation.name,
                Organisation.country,
                Organisation.lei,
                Organisation.isins,
                Organisation.aliases,
            )
            .where(Organisation.kind.in_(RESOLVABLE_KINDS))
            .order_by(Organisation.id)
        )
        return _directory_of(
            tuple(
                KnownOrganisation(
                    id=row.id,
                    name=row.name,
                    country=row.country,
                    lei=row.lei,
                    isins=tuple(row.isins or ()),
                    aliases=tuple(row.aliases or ()),
                )
                for row in rows
            )
        )

    def __contains__(self, organisation_id: object) -> bool:
        return organisation_id in self.organisations

    def by_identifier(self, *codes: str | None) -> set[int]:
        found: set[int] = set()
        for code in codes:
            if code:
                found |= self._by_identifier.get(normalise_identifier(code), set())
        return found

    def by_name(self, name: str, country: str | None, *, floor: int = FLOOR) -> list[Candidate]:
        """Organisations whose name or alias is alike, best first, one entry each."""
        query = normalise_name(name)
        if not query.sorted_text:
            return []
        best: dict[int, int] = {}
        for position in self._index.candidates(query):
            organisation_id, normalised = self._names[position]
            score = self._with_country(name_similarity(query, normalised), country, organisation_id)
            if score >= floor and score > best.get(organisation_id, -1):
                best[organisation_id] = score
        return self.ranked(best)

    def search(self, text: str, *, limit: int = 20) -> list[Candidate]:
        """Organisations for a person typing part of a name: alike names, then names
        containing the text."""
        text = text.strip()
        if not text:
            return []
        found = {c.organisation_id: c.score for c in self.by_name(text, None, floor=50)}
        folded = text.casefold()
        for organisation in self.organisations.values():
            if organisation.id not in found and any(
                folded in written.casefold()
                for written in (organisation.name, *organisation.aliases)
            ):
                found[organisation.id] = 50
        return self.ranked(found)[:limit]

    def candidate(self, organisation_id: int, score: int) -> Candidate:
        organisation = self.organisations[organisation_id]
        return Candidate(organisation.id, organisation.name, organisation.country, score)

    def _with_country(self, score: int, country: str | None, organisation_id: int) -> int:
        known = self.organisations[organisation_id].country
        if not country or not known:
            return score
        if country == known:
            return min(100, score + _ENGINE.country_bonus)
        return score - _ENGINE.country_penalty

    def ranked(self, scores: dict[int, int]) -> list[Candidate]:
        ranked = sorted(
            scores.items(), key=lambda item: (-item[1], self.organisations[item[0]].name)
        )
        return [self.candidate(organisation_id, score) for organisation_id, score in ranked]


@lru_cache(maxsize=4)
def _directory_of(organisations: tuple[KnownOrganisation, ...]) -> OrganisationDirectory:
    return OrganisationDirectory(organisations)


def decide(
    *,
    isin: str | None,
    lei: str | None,
    name: str,
    country: str | None,
    directory: OrganisationDirectory,
    mappings: dict[str, int],
) -> Decision:
    """How one holding resolves (pure: the directory and the investor's mappings are given)."""
    for key in holding_keys(isin=isin, lei=lei, name=name, country=country):
        mapped = mappings.get(key)
        if mapped is not None and mapped in directory:
            return Decision(mapped, Resolution.mapped, [])
    by_identifier = directory.by_identifier(lei, isin)
    if len(by_identifier) == 1:
        return Decision(next(iter(by_identifier)), Resolution.identifier, [])
    if len(by_identifier) > 1:
        candidates = directory.ranked(dict.fromkeys(by_identifier, 100))
        return Decision(None, Resolution.ambiguous, [c.as_json() for c in candidates])
    ranked = directory.by_name(name, country)
    if not ranked:
        return Decision(None, Resolution.unresolved, [])
    best = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else None
    if best.score >= STRONG and (runner_up is None or best.score - runner_up >= AMBIGUITY_MARGIN):
        return Decision(best.organisation_id, Resolution.name, [])
    return Decision(None, Resolution.ambiguous, [c.as_json() for c in ranked[:CANDIDATES_KEPT]])


def investor_mappings(*, session: Session, investor_id: int) -> dict[str, int]:
    rows = session.execute(
        sa.select(HoldingMapping.key, HoldingMapping.organisation_id).where(
            HoldingMapping.investor_id == investor_id
        )
    )
    return {key: organisation_id for key, organisation_id in rows}


def resolve_holdings(
    *,
    session: Session,
    investor_id: int,
    holdings: Sequence[PortfolioHolding],
    directory: OrganisationDirectory | None = None,
) -> None:
    """Set `organisation_id`, `resolution` and `candidates` of each holding in place."""
    directory = directory or OrganisationDirectory.load(session)
    mappings = investor_mappings(session=session, investor_id=investor_id)
    for holding in holdings:
        decision = decide(
            isin=holding.isin,
            lei=holding.lei,
            name=holding.name,
            country=holding.country,
            directory=directory,
            mappings=mappings,
        )
        holding.organisation_id = decision.organisation_id
        holding.resolution = decision.resolution
        holding.candidates = decision.candidates
