"""Plain data at the screening engine's boundary: what is screened, against what, and the result.

The engine never sees a database row. Callers turn organisations, suppliers, sites and incident
records into these dataclasses, and store the `Match` objects they get back. `IncidentFacts`
holds only what matching needs: no victim or reporter names ever enter the engine.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

from compliance.phrases import Phrase

EntityKind = Literal["organisation", "supplier", "site"]
MatchMethod = Literal[
    "identifier", "name", "alias", "former_name", "parent", "place_radius", "place_region"
]
PrecisionLabel = Literal["exact", "approximate", "region", "country"]
EntityId = str | int

_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Z]")


class InvalidScreeningInput(ValueError):
    """An entity or incident cannot be screened as given; the message (a `Phrase`) says which
    and why."""


def normalise_identifier(value: str) -> str:
    """LEI or ISIN as compared: upper case, spaces and separators removed."""
    return _NOT_ALPHANUMERIC.sub("", value.upper())


def _country(value: str | None, owner: str) -> str | None:
    if value is None or value == "":
        return None
    code = value.strip().upper()
    if not _COUNTRY_CODE.fullmatch(code):
        raise InvalidScreeningInput(
            Phrase(
                "%(owner)s: country %(value)s is not an ISO 3166-1 alpha-2 code such as 'CO' or "
                "'PH'",
                owner=owner,
                value=repr(value),
            )
        )
    return code


def _coordinates(lat: float | None, lon: float | None, owner: str) -> None:
    if (lat is None) != (lon is None):
        raise InvalidScreeningInput(
            Phrase("%(owner)s: give both latitude and longitude, or neither", owner=owner)
        )
    if lat is None or lon is None:
        return
    if not (math.isfinite(lat) and -90 <= lat <= 90 and math.isfinite(lon) and -180 <= lon <= 180):
        raise InvalidScreeningInput(
            Phrase(
                "%(owner)s: coordinates (%(lat)s, %(lon)s) are outside latitude -90..90 and "
                "longitude -180..180",
                owner=owner,
                lat=lat,
                lon=lon,
            )
        )


@dataclass(frozen=True, slots=True)
class Entity:
    """An organisation, or a supplier or site that an organisation declared (`owner_id`)."""

    kind: EntityKind
    id: EntityId
    name: str
    owner_id: EntityId | None = None
    aliases: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    parent_id: EntityId | None = None
    lei: str | None = None
    isins: tuple[str, ...] = ()
    country: str | None = None
    admin_region: str | None = None
    lat: float | None = None
    lon: float | None = None
    sector: str | None = None

    def __post_init__(self) -> None:
        label = f"{self.kind} {self.id!r}"
        if self.kind not in get_args(EntityKind):
            raise InvalidScreeningInput(
                Phrase(
                    "entity %(id)s: kind %(kind)s is not one of %(kinds)s",
                    id=repr(self.id),
                    kind=repr(self.kind),
                    kinds=str(get_args(EntityKind)),
                )
            )
        if self.kind != "organisation" and self.owner_id is None:
            raise InvalidScreeningInput(
                Phrase(
                    "%(owner)s: a %(kind)s needs the id of its organisation",
                    owner=label,
                    kind=self.kind,
                )
            )
        if self.kind != "organisation" and self.parent_id is not None:
            raise InvalidScreeningInput(
                Phrase(
                    "%(owner)s: only organisations have a parent; link a %(kind)s with owner_id",
                    owner=label,
                    kind=self.kind,
                )
            )
        object.__setattr__(self, "aliases", tuple(self.aliases))
        object.__setattr__(self, "former_names", tuple(self.former_names))
        object.__setattr__(self, "isins", tuple(self.isins))
        object.__setattr__(self, "country", _country(self.country, label))
        _coordinates(self.lat, self.lon, label)

    @property
    def key(self) -> tuple[EntityKind, EntityId]:
        """Ids are unique per kind only: organisation 7 and site 7 are different entities."""
        return (self.kind, self.id)


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """What the engine needs to know about an incident record, and nothing protected.

    `precision` is the uncertainty of the coordinates in metres, or a label: 'exact',
    'approximate', 'region' (only the admin region is known) or 'country'.
    """

    id: EntityId
    alleged_companies: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    country: str | None = None
    region: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: float | PrecisionLabel | None = None
    sector: str | None = None
    occurred_on: date | None = None

    def __post_init__(self) -> None:
        label = Phrase("incident %(id)s", id=repr(self.id))
        object.__setattr__(self, "alleged_companies", tuple(self.alleged_companies))
        object.__setattr__(self, "identifiers", tuple(self.identifiers))
        object.__setattr__(self, "country", _country(self.country, label))
        _coordinates(self.lat, self.lon, label)
        if isinstance(self.precision, str) and self.precision not in get_args(PrecisionLabel):
            raise InvalidScreeningInput(
                Phrase(
                    "%(owner)s: precision %(precision)s is neither metres nor one of %(labels)s",
                    owner=label,
                    precision=repr(self.precision),
                    labels=str(get_args(PrecisionLabel)),
                )
            )
        if isinstance(self.precision, int | float) and not (
            math.isfinite(self.precision) and self.precision >= 0
        ):
            raise InvalidScreeningInput(
                Phrase("%(owner)s: precision must be a distance in metres >= 0", owner=label)
            )


@dataclass(frozen=True, slots=True)
class PathStep:
    """One link of the chain from the organisation that sees a match to what was matched."""

    kind: EntityKind
    id: EntityId
    name: str


@dataclass(frozen=True, slots=True)
class Match:
    """A suggested link between an incident and an entity, with how and how strongly.

    `path` always starts at an organisation (the one on whose record the match is shown) and
    ends at the matched entity: (organisation,) for a direct match, (organisation, supplier),
    (organisation, site), or (group, subsidiary, ...) for a 'parent' match. `explanation` is
    English text that keeps its msgid and parameters, to be worded again in another language.
    """

    incident_id: EntityId
    entity_kind: EntityKind
    entity_id: EntityId
    method: MatchMethod
    score: int
    suggested: bool
    explanation: Phrase
    path: tuple[PathStep, ...]

    @property
    def organisation_id(self) -> EntityId:
        return self.path[0].id
