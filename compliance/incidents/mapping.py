"""Column mappings: which source column feeds which incident field, and how values translate.

A mapping is sent as JSON with an import or a feed, e.g.::

    {"source": "acme-monitor", "source_id": "case",
     "fields": {"occurred_on": {"column": "date", "formats": ["%d/%m/%Y"]},
                "country": {"column": "pais"},
                "attack_types": {"column": "violations", "split": ";",
                                 "values": {"Asesinato": "killing"}},
                "victim_name": {"column": "nombre"}}}

The built-in `GLOBAL_WITNESS` mapping reads Global Witness's list of defenders killed.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from compliance.incidents.vocabulary import (
    AttackType,
    ConsentBasis,
    CoordinatePrecision,
    DatePrecision,
    DefenderGroup,
    PerpetratorType,
    Sector,
    fold,
    parse_term,
)

MappedField = Literal[
    "occurred_on",
    "date_precision",
    "country",
    "region",
    "latitude",
    "longitude",
    "coordinate_precision",
    "sector",
    "attack_types",
    "defender_groups",
    "collective_targeted",
    "people_affected",
    "perpetrator_type",
    "companies_alleged",
    "consent_basis",
    "withdrawn",
    "victim_name",
    "victim_gender",
    "victim_age",
    "reporter_name",
    "reporter_contact",
    "location_detail",
    "narrative",
]

# Values of these fields are never repeated in an import report, even to a reviewer.
PROTECTED_FIELDS: frozenset[str] = frozenset(
    {
        "victim_name",
        "victim_gender",
        "victim_age",
        "reporter_name",
        "reporter_contact",
        "location_detail",
        "narrative",
        "latitude",
        "longitude",
    }
)

VOCABULARIES: dict[str, type[StrEnum]] = {
    "date_precision": DatePrecision,
    "coordinate_precision": CoordinatePrecision,
    "sector": Sector,
    "attack_types": AttackType,
    "defender_groups": DefenderGroup,
    "perpetrator_type": PerpetratorType,
    "consent_basis": ConsentBasis,
}
SUBMISSION_SOURCE = "ngo_submission"  # records submitted on the web or API; no file may use it
REQUIRED_FIELDS = ("occurred_on", "country", "attack_types")


class FieldRule(BaseModel):
    """Where one field comes from: column(s), value translations, a default."""

    model_config = ConfigDict(extra="forbid")

    column: str | list[str] | None = Field(
        default=None, description="Source column; several are merged for list fields."
    )
    values: dict[str, str | list[str] | None] = Field(
        default_factory=dict,
        description="Source value -> vocabulary value(s); null ignores the value.",
    )
    split: str | None = Field(default=None, min_length=1, max_length=5)
    formats: list[str] = Field(
        default_factory=list, description="Date formats (strptime), e.g. '%m/%d/%Y'."
    )
    add: list[str] = Field(default_factory=list, description="List fields: added to every record.")
    default: str | int | float | bool | None = Field(
        default=None, description="Used when the cell is empty."
    )
    invalid: Literal["reject", "skip"] = Field(
        default="reject",
        description="What a bad value does: reject the file, or leave the field empty and warn.",
    )
    _folded: dict[str, str | list[str] | None] = PrivateAttr(default_factory=dict)

    def model_post_init(self, _context: Any) -> None:
        self._folded = {fold(key): value for key, value in self.values.items()}

    @property
    def columns(self) -> list[str]:
        if self.column is None:
            return []
        return [self.column] if isinstance(self.column, str) else list(self.column)

    def translated(self, text: str) -> list[str] | None:
        """The mapping's translation of a source value; None when the mapping does not say."""
        key = fold(text)
        if key not in self._folded:
            return None
        value = self._folded[key]
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)


class ColumnMapping(BaseModel):
    """How a file or feed of one source becomes incident records."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_.-]{1,63}$",
        description="Short name of the source, e.g. 'global-witness'.",
    )
    source_id: str = Field(min_length=1, description="Column holding the source's own record id.")
    fields: dict[MappedField, FieldRule]
    sheet: str | None = Field(default=None, description="xlsx: the sheet to read (default: first).")
    records_key: str | None = Field(
        default=None, description="JSON: the key holding the list of records, if not top-level."
    )
    delimiter: str = Field(default=",", min_length=1, max_length=1)

    @model_validator(mode="after")
    def _complete(self) -> ColumnMapping:
        if self.source == SUBMISSION_SOURCE:
            raise ValueError(f"'{SUBMISSION_SOURCE}' is reserved for submitted records")
        for name in REQUIRED_FIELDS:
            rule = self.fields.get(name)
            if rule is None or not (rule.columns or rule.default is not None or rule.add):
                raise ValueError(f"the mapping must say where '{name}' comes from")
        for name, rule in self.fields.items():
            vocabulary = VOCABULARIES.get(name)
            if vocabulary is None:
                continue
            targets = [*rule.add, *(str(rule.default),) * (rule.default is not None)]
            for value in rule.values.values():
                targets += [value] if isinstance(value, str) else list(value or [])
            unknown = [t for t in targets if parse_term(vocabulary, t) is None]
            if unknown:
                choices = ", ".join(m.value for m in vocabulary)
                raise ValueError(
                    f"'{name}' is mapped to {', '.join(repr(u) for u in unknown)}, "
                    f"which is not one of: {choices}"
                )
        return self

    @property
    def required_columns(self) -> list[str]:
        """The id column and the columns of the fields every record needs."""
        names = [self.source_id]
        for name in REQUIRED_FIELDS:
            names += [c for c in self.fields[name].columns if c not in names]
        return names

    @property
    def columns(self) -> list[str]:
        """Every source column the mapping reads, the id column first."""
        names = [self.source_id]
        for rule in self.fields.values():
            names += [c for c in rule.columns if c not in names]
        return names


GLOBAL_WITNESS = ColumnMapping(
    source="global-witness",
    source_id="id",
    fields={
        "occurred_on": FieldRule(column="date", formats=["%m/%d/%Y"]),
        "country": FieldRule(column="country_numeric"),
        "region": FieldRule(column="local_region"),
        "sector": FieldRule(
            column="industry_driver",
            values={
                "Sector could not be confirmed*": "unknown",
                "Mining & Extractives": "mining",
                "Agribusiness": "agribusiness",
                "Logging": "logging",
                "Hydropower": "hydropower",
                "Wind power": "wind",
                "Roads & Infrastructure": "infrastructure",
                "Poaching": "other",
                "Fishing": "other",
                "Conservation": "other",
                "Other": "other",
            },
        ),
        "attack_types": FieldRule(add=["killing"]),
        "defender_groups": FieldRule(
            column=["person_characteristics", "gender"],
            add=["land_environmental"],
            values={
                "Indigenous peoples": "indigenous",
                "Small-scale farmer": "small_scale_farmer",
                "Afrodescendant": "afro_descendant",
                "Park ranger": "park_ranger",
                "Journalist": "journalist",
                "Lawyer": "lawyer",
                "State official": "state_official",
                "Police": "state_official",
                "Fishery observer": "state_official",
                "Demonstrators": "community",
                "Children": "child",
                "Relatives of persons targeted for repression": "relative",
                "Other": None,
                "Female": "woman_defender",
                "Male": None,
                "Unknown": None,
            },
        ),
        "people_affected": FieldRule(column="number_of_victims"),
        "perpetrator_type": FieldRule(
            column="perpetrator_type",
            values={
                "Unspecified": "unknown",
                "Hitmen": "hired_killers",
                "Private military actors": "paramilitary",
                "Police": "police",
                "Armed forces": "armed_forces",
                "Organised crime / mafias": "organised_crime",
                "Landowners": "landowners",
                "Poachers": "poachers",
                "Private security guards": "private_security",
                "Government officials/entities": "state_officials",
                "Corporations": "company",
            },
        ),
        "consent_basis": FieldRule(default="public_source"),
        "victim_name": FieldRule(column="name"),
        "victim_gender": FieldRule(column="gender"),
        "victim_age": FieldRule(column="age", invalid="skip"),
    },
)
