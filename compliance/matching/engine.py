"""The screening engine: incidents in, explained matches to organisations, suppliers and sites out.

Build a `ScreeningIndex` once over every entity, then screen incidents in batches; a batch
shares its work (each distinct company name is normalised, blocked and scored once, all
located incidents meet the site tree in one query). For each incident:
- identifiers (LEI, ISIN) given in the record match exactly and win over any name match;
- alleged company names are scored against names, aliases and former names; agreement of
  incident and entity country adds `country_bonus`, disagreement takes `country_penalty`;
- precisely located incidents find sites within `radius_km` (plus the location's own
  uncertainty); incidents located only by region find sites in the same country and admin
  region, which count only when the sectors agree;
- every finding is shown on the organisation at the head of its path (a supplier's or site's
  owner) and, with method 'parent', on each group above it.
Distances appear only as coarse bands in explanations: exact incident locations are protected.
Each explanation is a `Phrase`: English text that a page can word again in its reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from compliance.matching.entities import (
    Entity,
    EntityId,
    IncidentFacts,
    InvalidScreeningInput,
    Match,
    MatchMethod,
    PathStep,
    normalise_identifier,
)
from compliance.matching.index import NameIndex
from compliance.matching.names import NormalisedName, normalise_name
from compliance.matching.places import SiteLocator, region_keys
from compliance.matching.sectors import INFORMATIVE_SECTORS, Sector, normalise_sector
from compliance.matching.settings import ScreeningSettings
from compliance.matching.similarity import name_similarity
from compliance.phrases import Phrase

# When two findings tie on score, the more direct kind of evidence is kept.
_PRECEDENCE: dict[MatchMethod, int] = {
    "identifier": 0,
    "name": 1,
    "alias": 2,
    "former_name": 3,
    "place_radius": 4,
    "place_region": 5,
    "parent": 6,
}
_NAME_LABELS = {
    "name": Phrase("name"),
    "alias": Phrase("alias"),
    "former_name": Phrase("former name"),
}
_RADIUS_BANDS = ((0.25, 95), (0.5, 90))
_RADIUS_EDGE_SCORE = 85


@dataclass(frozen=True, slots=True)
class _NameKey:
    entity: int
    method: MatchMethod
    written: str
    normalised: NormalisedName


@dataclass(frozen=True, slots=True)
class _Finding:
    """`evidence` is the score before country and sector adjustments (capped at 100), so an
    exact alias beats a near name that the country bonus also lifted to 100."""

    method: MatchMethod
    score: int
    evidence: int
    explanation: Phrase

    def rank(self) -> tuple[int, int, int]:
        return (self.score, self.evidence, -_PRECEDENCE[self.method])


def _better(new: _Finding, old: _Finding | None) -> bool:
    return old is None or new.rank() > old.rank()


def _radius_band(distance: float, radius: float, search_radius: float) -> tuple[float, int]:
    """(distance shown, score): distances are shown only as bands, never exactly."""
    for share, score in _RADIUS_BANDS:
        if distance <= share * radius:
            return share * radius, score
    return (radius if distance <= radius else search_radius), _RADIUS_EDGE_SCORE


def _sector_effect(incident: Sector, site: Sector) -> tuple[int, str]:
    """(sign, clause): +1 same informative sector, -1 two different ones, 0 when either is vague
    (then no clause)."""
    if incident not in INFORMATIVE_SECTORS or site not in INFORMATIVE_SECTORS:
        return 0, ""
    if incident == site:
        return 1, Phrase("; same sector (%(sector)s)", sector=site)
    return -1, Phrase(
        "; different sector (incident %(incident_sector)s, site %(site_sector)s)",
        incident_sector=incident,
        site_sector=site,
    )


class ScreeningIndex:
    """Entities indexed once for screening; `screen` may be called many times."""

    def __init__(self, entities: Iterable[Entity], settings: ScreeningSettings | None = None):
        self.settings = settings or ScreeningSettings()
        self._entities = list(entities)
        self._positions: dict[tuple[str, EntityId], int] = {}
        for position, entity in enumerate(self._entities):
            if entity.key in self._positions:
                raise InvalidScreeningInput(
                    Phrase("%(kind)s %(id)s is listed twice", kind=entity.kind, id=repr(entity.id))
                )
            self._positions[entity.key] = position
        self._steps = [PathStep(e.kind, e.id, e.name) for e in self._entities]
        self._lineage = [self._organisations_above(entity) for entity in self._entities]
        self._sectors = [normalise_sector(entity.sector) for entity in self._entities]
        self._keys = self._name_keys()
        self._names = NameIndex(
            [key.normalised for key in self._keys],
            common_share=self.settings.common_token_share,
            common_floor=self.settings.common_token_floor,
        )
        self._identifiers: dict[str, list[tuple[int, str]]] = {}
        for position, entity in enumerate(self._entities):
            if entity.lei:
                self._add_identifier(entity.lei, position, "LEI")
            for isin in entity.isins:
                self._add_identifier(isin, position, "ISIN")
        located = [
            position
            for position, entity in enumerate(self._entities)
            if entity.kind == "site" and entity.lat is not None
        ]
        self._located_sites = np.array(located, dtype=np.int64)
        self._locator = SiteLocator(
            [self._entities[p].lat for p in located], [self._entities[p].lon for p in located]
        )
        self._sites_by_region: dict[tuple[str, str], dict[Sector, list[int]]] = {}
        for position, entity in enumerate(self._entities):
            if entity.kind == "site" and entity.country:
                for key in region_keys(entity.admin_region):
                    by_sector = self._sites_by_region.setdefault((entity.country, key), {})
                    by_sector.setdefault(self._sectors[position], []).append(position)

    def _add_identifier(self, value: str, position: int, label: str) -> None:
        self._identifiers.setdefault(normalise_identifier(value), []).append((position, label))

    def _organisation(self, entity_id: EntityId, role: str, entity: Entity) -> int:
        position = self._positions.get(("organisation", entity_id))
        if position is None:
            raise InvalidScreeningInput(
                Phrase(
                    "%(kind)s %(id)s names %(role)s %(named)s, which is not among the entities "
                    "given to the screening index; include that organisation",
                    kind=entity.kind,
                    id=repr(entity.id),
                    role=role,
                    named=repr(entity_id),
                )
            )
        return position

    def _organisations_above(self, entity: Entity) -> tuple[int, ...]:
        """Owner (for suppliers and sites), then each parent up to the top of the group."""
        chain: list[int] = []
        if entity.kind != "organisation":
            chain.append(self._organisation(entity.owner_id, "owner", entity))
        current = self._entities[chain[-1]] if chain else entity
        while current.parent_id is not None:
            position = self._organisation(current.parent_id, "parent", current)
            if position in chain or self._entities[position] is entity:
                raise InvalidScreeningInput(
                    Phrase(
                        "%(kind)s %(id)s: the parent chain loops back to organisation "
                        "%(parent)s; fix the parent links",
                        kind=entity.kind,
                        id=repr(entity.id),
                        parent=repr(self._entities[position].id),
                    )
                )
            chain.append(position)
            current = self._entities[position]
        return tuple(chain)

    def _name_keys(self) -> list[_NameKey]:
        keys: list[_NameKey] = []
        for position, entity in enumerate(self._entities):
            seen: set[str] = set()
            written: list[tuple[MatchMethod, str]] = [("name", entity.name)]
            written += [("alias", alias) for alias in entity.aliases]
            written += [("former_name", former) for former in entity.former_names]
            for method, text in written:
                normalised = normalise_name(text)
                if normalised.sorted_text and normalised.sorted_text not in seen:
                    seen.add(normalised.sorted_text)
                    keys.append(_NameKey(position, method, text, normalised))
        return keys

    def screen(self, incidents: Iterable[IncidentFacts]) -> list[Match]:
        """Every match at or above `min_score` for each incident, best first per incident."""
        batch = list(incidents)
        findings: dict[int, dict[int, _Finding]] = {}
        self._match_names(batch, findings)
        self._match_identifiers(batch, findings)
        self._match_points(batch, findings)
        self._match_regions(batch, findings)
        matches: list[Match] = []
        for number in sorted(findings):
            matches += self._matches(batch[number], findings[number])
        return matches

    @staticmethod
    def _record(
        findings: dict[int, dict[int, _Finding]], incident: int, entity: int, finding: _Finding
    ) -> None:
        found = findings.setdefault(incident, {})
        if _better(finding, found.get(entity)):
            found[entity] = finding

    def _match_names(
        self, batch: Sequence[IncidentFacts], findings: dict[int, dict[int, _Finding]]
    ) -> None:
        written = [
            (number, name)
            for number, incident in enumerate(batch)
            for name in incident.alleged_companies
            if name and not name.isspace()
        ]
        query_of: dict[str, int] = {}
        queries: list[NormalisedName] = []
        query_of_name: dict[str, int] = {}
        for name in dict.fromkeys(name for _, name in written):
            normalised = normalise_name(name)
            if not normalised.sorted_text:
                continue
            if normalised.sorted_text not in query_of:
                query_of[normalised.sorted_text] = len(queries)
                queries.append(normalised)
            query_of_name[name] = query_of[normalised.sorted_text]
        hits: list[list[tuple[_NameKey, int]]] = [[] for _ in queries]
        floor = self.settings.min_score - self.settings.country_bonus
        for query, hit in zip(queries, hits, strict=True):
            for position in self._names.candidates(query):
                key = self._keys[position]
                similarity = name_similarity(query, key.normalised)
                if similarity >= floor:
                    hit.append((key, similarity))
        for number, name in written:
            query = query_of_name.get(name)
            for key, similarity in hits[query] if query is not None else ():
                finding = self._name_finding(batch[number], name, key, similarity)
                if finding is not None:
                    self._record(findings, number, key.entity, finding)

    def _name_finding(
        self, incident: IncidentFacts, written: str, key: _NameKey, similarity: int
    ) -> _Finding | None:
        entity = self._entities[key.entity]
        score, country = similarity, ""
        if incident.country and entity.country:
            if incident.country == entity.country:
                score = min(100, score + self.settings.country_bonus)
                country = Phrase("; same country")
            else:
                score -= self.settings.country_penalty
                country = Phrase(
                    "; different country (incident %(incident_country)s, %(entity_country)s)",
                    incident_country=incident.country,
                    entity_country=entity.country,
                )
        if score < self.settings.min_score:
            return None
        explanation = Phrase(
            "%(label)s '%(entity_name)s' ≈ '%(alleged)s' %(similarity)s%(country)s",
            label=_NAME_LABELS[key.method],
            entity_name=key.written,
            alleged=written,
            similarity=similarity,
            country=country,
        )
        return _Finding(key.method, score, similarity, explanation)

    def _match_identifiers(
        self, batch: Sequence[IncidentFacts], findings: dict[int, dict[int, _Finding]]
    ) -> None:
        for number, incident in enumerate(batch):
            for value in incident.identifiers:
                code = normalise_identifier(value)
                for position, label in self._identifiers.get(code, ()):
                    explanation = Phrase(
                        "%(scheme)s %(code)s in the incident record is the %(scheme)s of "
                        "'%(entity_name)s'",
                        scheme=label,
                        code=code,
                        entity_name=self._entities[position].name,
                    )
                    self._record(
                        findings, number, position, _Finding("identifier", 100, 100, explanation)
                    )

    def _point_precision_m(self, incident: IncidentFacts) -> float | None:
        """Uncertainty of a usable point location in metres; None if only the region counts."""
        if incident.lat is None or incident.precision in ("region", "country"):
            return None
        if incident.precision == "exact":
            return 0.0
        if incident.precision is None or incident.precision == "approximate":
            return self.settings.approximate_precision_m
        metres = float(incident.precision)
        return metres if metres <= self.settings.max_point_precision_m else None

    def _match_points(
        self, batch: Sequence[IncidentFacts], findings: dict[int, dict[int, _Finding]]
    ) -> None:
        located = [
            (number, precision)
            for number, incident in enumerate(batch)
            if (precision := self._point_precision_m(incident)) is not None
        ]
        if not located:
            return
        radius = self.settings.radius_km
        hits = self._locator.within(
            [batch[number].lat for number, _ in located],
            [batch[number].lon for number, _ in located],
            [radius + precision / 1000 for _, precision in located],
        )
        for query, site, distance in zip(
            hits.query.tolist(), hits.site.tolist(), hits.distance_km.tolist(), strict=True
        ):
            number, precision = located[query]
            position = int(self._located_sites[site])
            limit, base = _radius_band(distance, radius, radius + precision / 1000)
            score = base
            sign, sector = _sector_effect(
                normalise_sector(batch[number].sector), self._sectors[position]
            )
            score += self.settings.radius_sector_bonus if sign > 0 else 0
            score -= self.settings.sector_penalty if sign < 0 else 0
            if score < self.settings.min_score:
                continue
            uncertainty = (
                Phrase(
                    " (location known to ±%(precision)s km)",
                    precision=format(precision / 1000, "g"),
                )
                if precision
                else ""
            )
            explanation = Phrase(
                "site '%(site)s' within %(distance)s km of the incident location"
                "%(uncertainty)s%(sector)s",
                site=self._entities[position].name,
                distance=format(limit, "g"),
                uncertainty=uncertainty,
                sector=sector,
            )
            finding = _Finding("place_radius", min(score, 100), base, explanation)
            self._record(findings, number, position, finding)

    def _match_regions(
        self, batch: Sequence[IncidentFacts], findings: dict[int, dict[int, _Finding]]
    ) -> None:
        for number, incident in enumerate(batch):
            if not incident.country or not incident.region or incident.precision == "country":
                continue
            if self._point_precision_m(incident) is not None:
                continue
            incident_sector = normalise_sector(incident.sector)
            for key in region_keys(incident.region):
                by_sector = self._sites_by_region.get((incident.country, key), {})
                for site_sector, positions in by_sector.items():
                    sign, sector = _sector_effect(incident_sector, site_sector)
                    score = self.settings.region_score
                    score += self.settings.region_sector_bonus if sign > 0 else 0
                    score -= self.settings.sector_penalty if sign < 0 else 0
                    if score < self.settings.min_score:
                        continue
                    for position in positions:
                        explanation = Phrase(
                            "site '%(site)s' is in the incident's region (%(region)s, "
                            "%(country)s), where the incident is located only by region%(sector)s",
                            site=self._entities[position].name,
                            region=incident.region,
                            country=incident.country,
                            sector=sector,
                        )
                        finding = _Finding(
                            "place_region", score, self.settings.region_score, explanation
                        )
                        self._record(findings, number, position, finding)

    def _matches(self, incident: IncidentFacts, found: dict[int, _Finding]) -> list[Match]:
        """Direct matches with their path, plus a 'parent' match for each group above."""
        best: dict[int, tuple[_Finding, tuple[PathStep, ...]]] = {}
        for position, finding in found.items():
            entity = self._entities[position]
            lineage = self._lineage[position]
            if entity.kind == "organisation":
                path, above = (self._steps[position],), lineage
            else:
                path, above = (self._steps[lineage[0]], self._steps[position]), lineage[1:]
            self._keep(best, position, finding, path)
            for group in above:
                path = (self._steps[group], *path)
                inherited = _Finding(
                    "parent",
                    finding.score,
                    finding.evidence,
                    Phrase(
                        "through %(path)s: %(explanation)s",
                        path=self._describe(path[1:]),
                        explanation=finding.explanation,
                    ),
                )
                self._keep(best, group, inherited, path)
        ranked = sorted(best.items(), key=lambda item: (item[1][0].rank(), -item[0]), reverse=True)
        return [
            Match(
                incident_id=incident.id,
                entity_kind=self._entities[position].kind,
                entity_id=self._entities[position].id,
                method=finding.method,
                score=finding.score,
                suggested=self.settings.is_suggested(finding.score),
                explanation=finding.explanation,
                path=path,
            )
            for position, (finding, path) in ranked
        ]

    @staticmethod
    def _keep(
        best: dict[int, tuple[_Finding, tuple[PathStep, ...]]],
        position: int,
        finding: _Finding,
        path: tuple[PathStep, ...],
    ) -> None:
        current = best.get(position)
        if _better(finding, current[0] if current else None):
            best[position] = (finding, path)

    @staticmethod
    def _describe(steps: Sequence[PathStep]) -> Phrase:
        """The steps as "subsidiary 'A' → site 'B'", chained by nesting phrases (a phrase's
        parameters are single values, not lists)."""
        first, *rest = (_step_phrase(step) for step in steps)
        for link in rest:
            first = Phrase("%(before)s → %(after)s", before=first, after=link)
        return first


def _step_phrase(step: PathStep) -> Phrase:
    """A step below the head of a path; an organisation there is a subsidiary."""
    if step.kind == "organisation":
        return Phrase("subsidiary '%(name)s'", name=step.name)
    if step.kind == "supplier":
        return Phrase("supplier '%(name)s'", name=step.name)
    return Phrase("site '%(name)s'", name=step.name)
