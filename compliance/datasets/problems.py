"""What can be wrong with an upload, said so that the person who made the file can fix it.

A whole-file problem (not a workbook, wrong encoding, missing column, too many rows) raises
`DatasetRefused`; cell problems are collected and raised together as `DatasetInvalid`. The API
layer turns the first into a 4xx and the second into a 422 listing every problem.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict


class DatasetProblem(BaseModel):
    """One bad cell, located the way the user sees the sheet."""

    model_config = ConfigDict(frozen=True)

    sheet: str
    row: int
    column: str
    column_letter: str
    value: str
    problem: str
    fix: str


class DatasetRefused(ValueError):
    """The file as a whole cannot be read; `str(exc)` says why and what to do."""


class DatasetInvalid(ValueError):
    """Some cells are wrong; nothing was stored. `problems` lists them in sheet order."""

    def __init__(self, problems: list[DatasetProblem], *, total: int, rows: int) -> None:
        self.problems = problems
        self.total = total
        self.rows = rows
        shown = "" if total == len(problems) else f" (the first {len(problems)} are listed)"
        super().__init__(
            f"{total} problem{'s' if total != 1 else ''} in {rows} row{'s' if rows != 1 else ''}"
            f"{shown}; nothing was stored. Fix them (the fix-it workbook marks each cell) "
            "and upload the file again."
        )


@dataclass(frozen=True)
class Rule:
    """A kind of cell problem. Texts may use {value}, {column}, {choices}, {limit}, {other_row}."""

    problem: str
    fix: str


_DECIMAL_DEGREES = "Write decimal degrees, e.g. -74.0721 (south and west are negative)."
_BOTH_OR_NEITHER = "Give both latitude and longitude, or leave both empty."

# Order matters: when one cell breaks several rules, the earliest rule here is reported.
RULES: dict[str, Rule] = {
    "formula": Rule(
        "This cell holds a formula; uploads accept plain values only.",
        "Replace the formula by its value (copy the cell, then Paste Special > Values).",
    ),
    "unknown_country": Rule(
        "'{value}' is not a country we recognise.",
        "Write the country's name in English, Spanish or French, or its ISO code "
        "(e.g. CO or COL for Colombia).",
    ),
    "unknown_choice": Rule(
        "'{value}' is not one of the accepted values for {column}.",
        "Use one of: {choices}. The Spanish and French words are accepted too.",
    ),
    "unknown_tier": Rule(
        "'{value}' is not a supplier tier.",
        "Write 1 for direct suppliers, 2 for their suppliers, 3 (or 3+) for anything further "
        "up the chain.",
    ),
    "degrees_minutes": Rule(
        "'{value}' is written in degrees and minutes.",
        "Convert it to decimal degrees: degrees + minutes/60 + seconds/3600, negative for south "
        "and west (4°35'S becomes -4.5833).",
    ),
    "not_a_coordinate": Rule("'{value}' is not a number.", _DECIMAL_DEGREES),
    "not_a_whole_number": Rule(
        "'{value}' is not a whole number.",
        "Write a whole number without decimals or words, e.g. 1200.",
    ),
    "ambiguous_date": Rule(
        "'{value}' could be read day/month or month/day, and the other dates in this column do "
        "not settle which.",
        "Write it as YYYY-MM-DD so it reads one way only, e.g. 2021-03-04 for 4 March 2021.",
    ),
    "not_a_date": Rule(
        "'{value}' is not a date we can read.",
        "Write the date as YYYY-MM-DD (e.g. 2021-03-04) or use an Excel date cell.",
    ),
    "required": Rule("{column} is empty.", "Fill in {column}: every row needs it."),
    "too_long": Rule(
        "The text is longer than {limit} characters.",
        "Shorten it to {limit} characters or fewer.",
    ),
    "coordinates_swapped": Rule(
        "Latitude {value} is beyond ±90 but would be a valid longitude: latitude and longitude "
        "look swapped.",
        "Swap the latitude and longitude values on this row.",
    ),
    "latitude_out_of_range": Rule(
        "Latitude {value} is outside -90 to 90.", "Correct the value. " + _DECIMAL_DEGREES
    ),
    "longitude_out_of_range": Rule(
        "Longitude {value} is outside -180 to 180.", "Correct the value. " + _DECIMAL_DEGREES
    ),
    "latitude_missing": Rule("Longitude is given but latitude is empty.", _BOTH_OR_NEITHER),
    "longitude_missing": Rule("Latitude is given but longitude is empty.", _BOTH_OR_NEITHER),
    "negative": Rule("{column} cannot be negative.", "Write 0 or more."),
    "invalid_lei": Rule(
        "'{value}' is not a valid LEI.",
        "An LEI has 20 letters and digits and ends with two check digits (ISO 17442); copy it "
        "from the GLEIF database rather than typing it.",
    ),
    "invalid_os_hub_id": Rule(
        "'{value}' is not a valid Open Supply Hub ID.",
        "An OS ID has 15 characters, e.g. CN2019303BQ3FZP; copy it from the facility's page on "
        "Open Supply Hub.",
    ),
    "tier1_needs_country": Rule(
        "The country of a tier-1 supplier is empty.",
        "Fill in the country of this direct supplier.",
    ),
    "fpic_status_required": Rule(
        "The site is on or near Indigenous or customary land, but the FPIC status is empty.",
        "Give the status of free, prior and informed consent: {choices}.",
    ),
    "fpic_not_applicable": Rule(
        "FPIC cannot be 'not applicable' for a site on or near Indigenous or customary land.",
        "Give the actual status: obtained, in progress, withheld or not sought.",
    ),
    "fpic_evidence_required": Rule(
        "FPIC evidence is missing for a site on or near Indigenous or customary land.",
        "Name the document or link that shows the consent process (agreement, minutes, report).",
    ),
    "security_provider_name_required": Rule(
        "The site has private or public security, but its provider is not named.",
        "Name the security company or the public force (e.g. the police or army unit).",
    ),
    "duplicate_name": Rule(
        "Rows {other_row} and {row} have the same name and country.",
        "Keep one of the two rows, or make the names distinct if they are different places.",
    ),
    "duplicate_identifier": Rule(
        "Rows {other_row} and {row} have the same {column}.",
        "Keep one of the two rows, or correct the identifier.",
    ),
}
RULE_PRIORITY = {name: position for position, name in enumerate(RULES)}
