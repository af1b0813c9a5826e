"""What can be wrong with an upload, said so that the person who made the file can fix it.

A whole-file problem (not a workbook, wrong encoding, missing column, too many rows) raises
`DatasetRefused`; cell problems are collected and raised together as `DatasetInvalid`. The API
layer turns the first into a 4xx and the second into a 422 listing every problem. Messages are
`Phrase`s: English everywhere, translated where a page shows them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from compliance.phrases import Phrase, Worded, kept

_PLACEHOLDER = re.compile(r"%\((\w+)\)")


class DatasetProblem(BaseModel):
    """One bad cell, located the way the user sees the sheet."""

    model_config = ConfigDict(frozen=True)

    sheet: str
    row: int
    column: str
    column_letter: str
    value: str
    problem: Worded
    fix: Worded

    def as_json(self) -> dict[str, Any]:
        """The problem as a JSON column keeps it, its texts as phrases (`phrases.kept`)."""
        return {**self.model_dump(), "problem": kept(self.problem), "fix": kept(self.fix)}


class DatasetRefused(ValueError):
    """The file as a whole cannot be read; `detail` (also `str(exc)`) says why and what to do."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class DatasetInvalid(ValueError):
    """Some cells are wrong; nothing was stored. `problems` lists them in sheet order."""

    def __init__(self, problems: list[DatasetProblem], *, total: int, rows: int) -> None:
        self.problems = problems
        self.total = total
        self.rows = rows
        counted = {"problems": _problems(total), "rows": _rows(rows)}
        if total == len(problems):
            self.detail = Phrase(
                "%(problems)s in %(rows)s; nothing was stored. Fix them (the fix-it workbook "
                "marks each cell) and upload the file again.",
                **counted,
            )
        else:
            self.detail = Phrase(
                "%(problems)s in %(rows)s (the first %(listed)s are listed); nothing was stored. "
                "Fix them (the fix-it workbook marks each cell) and upload the file again.",
                **counted,
                listed=len(problems),
            )
        super().__init__(self.detail)


def _problems(count: int) -> Phrase:
    return Phrase("1 problem") if count == 1 else Phrase("%(count)s problems", count=count)


def _rows(count: int) -> Phrase:
    return Phrase("1 row") if count == 1 else Phrase("%(count)s rows", count=count)


@dataclass(frozen=True)
class Rule:
    """A kind of cell problem: what is wrong and how to fix it.

    Each text is a `Phrase` whose msgid may name %(value)s, %(column)s, %(choices)s, %(limit)s,
    %(other_row)s and %(row)s; `worded` fills them in for one cell.
    """

    problem: Phrase
    fix: Phrase

    def worded(self, words: Mapping[str, Any]) -> tuple[Phrase, Phrase]:
        """The problem and the fix for one cell."""
        return _worded(self.problem, words), _worded(self.fix, words)


def _worded(text: Phrase, words: Mapping[str, Any]) -> Phrase:
    named = {name: words[name] for name in _PLACEHOLDER.findall(text.msgid)}
    return Phrase(text.msgid, **named)


_DECIMAL_DEGREES = Phrase("Write decimal degrees, e.g. -74.0721 (south and west are negative).")
_CORRECT_DECIMAL_DEGREES = Phrase(
    "Correct the value. Write decimal degrees, e.g. -74.0721 (south and west are negative)."
)
_BOTH_OR_NEITHER = Phrase("Give both latitude and longitude, or leave both empty.")

# Order matters: when one cell breaks several rules, the earliest rule here is reported.
RULES: dict[str, Rule] = {
    "formula": Rule(
        Phrase("This cell holds a formula; uploads accept plain values only."),
        Phrase("Replace the formula by its value (copy the cell, then Paste Special > Values)."),
    ),
    "unknown_country": Rule(
        Phrase("'%(value)s' is not a country we recognise."),
        Phrase(
            "Write the country's name in English, Spanish or French, or its ISO code "
            "(e.g. CO or COL for Colombia)."
        ),
    ),
    "unknown_choice": Rule(
        Phrase("'%(value)s' is not one of the accepted values for %(column)s."),
        Phrase("Use one of: %(choices)s. The Spanish and French words are accepted too."),
    ),
    "unknown_tier": Rule(
        Phrase("'%(value)s' is not a supplier tier."),
        Phrase(
            "Write 1 for direct suppliers, 2 for their suppliers, 3 (or 3+) for anything "
            "further up the chain."
        ),
    ),
    "degrees_minutes": Rule(
        Phrase("'%(value)s' is written in degrees and minutes."),
        Phrase(
            "Convert it to decimal degrees: degrees + minutes/60 + seconds/3600, negative for "
            "south and west (4°35'S becomes -4.5833)."
        ),
    ),
    "not_a_coordinate": Rule(Phrase("'%(value)s' is not a number."), _DECIMAL_DEGREES),
    "not_a_whole_number": Rule(
        Phrase("'%(value)s' is not a whole number."),
        Phrase("Write a whole number without decimals or words, e.g. 1200."),
    ),
    "ambiguous_date": Rule(
        Phrase(
            "'%(value)s' could be read day/month or month/day, and the other dates in this "
            "column do not settle which."
        ),
        Phrase(
            "Write it as YYYY-MM-DD so it reads one way only, e.g. 2021-03-04 for 4 March 2021."
        ),
    ),
    "not_a_date": Rule(
        Phrase("'%(value)s' is not a date we can read."),
        Phrase("Write the date as YYYY-MM-DD (e.g. 2021-03-04) or use an Excel date cell."),
    ),
    "required": Rule(
        Phrase("%(column)s is empty."), Phrase("Fill in %(column)s: every row needs it.")
    ),
    "too_long": Rule(
        Phrase("The text is longer than %(limit)s characters."),
        Phrase("Shorten it to %(limit)s characters or fewer."),
    ),
    "coordinates_swapped": Rule(
        Phrase(
            "Latitude %(value)s is beyond ±90 but would be a valid longitude: latitude and "
            "longitude look swapped."
        ),
        Phrase("Swap the latitude and longitude values on this row."),
    ),
    "latitude_out_of_range": Rule(
        Phrase("Latitude %(value)s is outside -90 to 90."), _CORRECT_DECIMAL_DEGREES
    ),
    "longitude_out_of_range": Rule(
        Phrase("Longitude %(value)s is outside -180 to 180."), _CORRECT_DECIMAL_DEGREES
    ),
    "latitude_missing": Rule(Phrase("Longitude is given but latitude is empty."), _BOTH_OR_NEITHER),
    "longitude_missing": Rule(
        Phrase("Latitude is given but longitude is empty."), _BOTH_OR_NEITHER
    ),
    "negative": Rule(Phrase("%(column)s cannot be negative."), Phrase("Write 0 or more.")),
    "invalid_lei": Rule(
        Phrase("'%(value)s' is not a valid LEI."),
        Phrase(
            "An LEI has 20 letters and digits and ends with two check digits (ISO 17442); copy "
            "it from the GLEIF database rather than typing it."
        ),
    ),
    "invalid_os_hub_id": Rule(
        Phrase("'%(value)s' is not a valid Open Supply Hub ID."),
        Phrase(
            "An OS ID has 15 characters, e.g. CN2019303BQ3FZP; copy it from the facility's "
            "page on Open Supply Hub."
        ),
    ),
    "tier1_needs_country": Rule(
        Phrase("The country of a tier-1 supplier is empty."),
        Phrase("Fill in the country of this direct supplier."),
    ),
    "fpic_status_required": Rule(
        Phrase(
            "The site is on or near Indigenous or customary land, but the FPIC status is empty."
        ),
        Phrase("Give the status of free, prior and informed consent: %(choices)s."),
    ),
    "fpic_not_applicable": Rule(
        Phrase(
            "FPIC cannot be 'not applicable' for a site on or near Indigenous or customary land."
        ),
        Phrase("Give the actual status: obtained, in progress, withheld or not sought."),
    ),
    "fpic_evidence_required": Rule(
        Phrase("FPIC evidence is missing for a site on or near Indigenous or customary land."),
        Phrase(
            "Name the document or link that shows the consent process (agreement, minutes, report)."
        ),
    ),
    "security_provider_name_required": Rule(
        Phrase("The site has private or public security, but its provider is not named."),
        Phrase("Name the security company or the public force (e.g. the police or army unit)."),
    ),
    "duplicate_name": Rule(
        Phrase("Rows %(other_row)s and %(row)s have the same name and country."),
        Phrase(
            "Keep one of the two rows, or make the names distinct if they are different places."
        ),
    ),
    "duplicate_identifier": Rule(
        Phrase("Rows %(other_row)s and %(row)s have the same %(column)s."),
        Phrase("Keep one of the two rows, or correct the identifier."),
    ),
}
RULE_PRIORITY = {name: position for position, name in enumerate(RULES)}
