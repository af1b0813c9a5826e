"""Turning the rows of a source into incident drafts, or into the list of what is wrong.

Pure: no database and no clock (`today` comes in). Every problem names the row as the user
numbers it, the column, the value and what to change; values of protected fields are never
repeated in a problem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from compliance.incidents.content import (
    IncidentContent,
    IncidentDraft,
    ProtectedContent,
    Victim,
    clean_region,
    split_location,
)
from compliance.incidents.mapping import (
    PROTECTED_FIELDS,
    VOCABULARIES,
    ColumnMapping,
    FieldRule,
)
from compliance.incidents.models import RowProblem
from compliance.incidents.reading import Cell, SourceRow, SourceTable
from compliance.incidents.vocabulary import (
    DatePrecision,
    country_code,
    fold,
    parse_term,
)
from compliance.phrases import Phrase

ISO_FORMATS = ("%Y-%m-%d", "%Y-%m", "%Y")
_TRUE = frozenset({"yes", "y", "true", "1", "si", "oui", "sim", "x"})
_FALSE = frozenset({"no", "n", "false", "0", "non", "nao"})
WITHHELD = None  # the value of a protected field is never echoed


@dataclass
class DraftBatch:
    drafts: list[IncidentDraft] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    rejected_rows: int = 0


class _Bad(Exception):
    """One cell's problem, raised inside a field reader and collected per row."""

    def __init__(self, problem: Phrase) -> None:
        super().__init__(problem)
        self.problem = problem


def cell_text(value: Cell) -> str | None:
    """A cell as text: blank is None, 12.0 is '12', a date is ISO."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _precision_of(date_format: str) -> DatePrecision:
    if "%d" in date_format or "%j" in date_format:
        return DatePrecision.day
    if any(code in date_format for code in ("%m", "%b", "%B")):
        return DatePrecision.month
    return DatePrecision.year


class _RowReader:
    """Reads the mapped fields of one row, collecting a problem per bad cell."""

    def __init__(self, row: SourceRow, mapping: ColumnMapping, formulas: set[tuple[int, str]]):
        self.row = row
        self.mapping = mapping
        self.formulas = formulas
        self.problems: list[RowProblem] = []
        self.warnings: list[RowProblem] = []

    def report(self, name: str, rule: FieldRule | None, value: str | None, problem: str) -> None:
        skipped = rule is not None and rule.invalid == "skip"
        (self.warnings if skipped else self.problems).append(
            RowProblem(
                row=self.row.number,
                column=", ".join(rule.columns) if rule and rule.columns else None,
                field=name,
                value=WITHHELD if name in PROTECTED_FIELDS else value,
                problem=Phrase("%(problem)s (left empty)", problem=problem) if skipped else problem,
            )
        )

    def _cells(self, rule: FieldRule) -> list[Cell]:
        for column in rule.columns:
            if (self.row.number, column) in self.formulas:
                raise _Bad(Phrase("the cell holds a formula; paste the values instead of formulas"))
        return [self.row.cells.get(column) for column in rule.columns]

    def texts(self, name: str, rule: FieldRule) -> list[str]:
        """Every non-blank value of the rule's columns, split when the rule says so."""
        found: list[str] = []
        for cell in self._cells(rule):
            items = cell if isinstance(cell, list) else [cell]
            for item in items:
                if isinstance(item, dict | list):
                    raise _Bad(
                        Phrase("a nested JSON value cannot be read; give text or a list of text")
                    )
                text = cell_text(item)
                if text is None:
                    continue
                parts = text.split(rule.split) if rule.split else [text]
                found += [p.strip() for p in parts if p.strip()]
        if not found and rule.default is not None:
            found = [cell_text(rule.default) or ""]
        return found

    def read(self, name: str, reader: Callable[[str, FieldRule], Any], fallback: Any = None) -> Any:
        rule = self.mapping.fields.get(name)
        if rule is None:
            return fallback
        try:
            value = reader(name, rule)
        except _Bad as bad:
            raw = self.texts_quietly(name, rule)
            self.report(name, rule, raw, bad.problem)
            return fallback
        return fallback if value is None else value

    def texts_quietly(self, name: str, rule: FieldRule) -> str | None:
        try:
            return "; ".join(self.texts(name, rule)) or None
        except _Bad:
            return None

    def single(self, name: str, rule: FieldRule) -> str | None:
        texts = self.texts(name, rule)
        if len(texts) > 1 and rule.split:
            raise _Bad(Phrase("give one value here, not a list"))
        return texts[0] if texts else None

    def term(self, name: str, rule: FieldRule) -> StrEnum | None:
        text = self.single(name, rule)
        if text is None:
            return None
        values = self._terms(name, rule, [text])
        return values[0] if values else None

    def terms(self, name: str, rule: FieldRule) -> list[StrEnum]:
        values = self._terms(name, rule, self.texts(name, rule))
        extra = [parse_term(VOCABULARIES[name], added) for added in rule.add]
        return list(dict.fromkeys([*values, *extra]))

    def _terms(self, name: str, rule: FieldRule, texts: list[str]) -> list[StrEnum]:
        vocabulary = VOCABULARIES[name]
        found = []
        for text in texts:
            translated = rule.translated(text)
            if translated is None:
                term = parse_term(vocabulary, text)
                if term is None:
                    choices = ", ".join(m.value for m in vocabulary)
                    raise _Bad(
                        Phrase(
                            "'%(value)s' is not a known %(field)s: use one of %(choices)s, or "
                            "translate it in the mapping's 'values'",
                            value=text,
                            field=name.replace("_", " "),
                            choices=choices,
                        )
                    )
                found.append(term)
            else:
                found += [parse_term(vocabulary, t) for t in translated]
        return found

    def text_list(self, name: str, rule: FieldRule) -> list[str]:
        return list(dict.fromkeys([*self.texts(name, rule), *rule.add]))

    def whole_number(self, name: str, rule: FieldRule) -> int | None:
        text = self.single(name, rule)
        if text is None:
            return None
        try:
            number = float(text.replace(",", "")) if "." in text else int(text)
        except ValueError:
            raise _Bad(Phrase("give a whole number such as 3")) from None
        if number != int(number) or number < 0:
            raise _Bad(Phrase("give a whole number of 0 or more"))
        return int(number)

    def age(self, name: str, rule: FieldRule) -> int | None:
        years = self.whole_number(name, rule)
        if years is not None and years > 130:
            raise _Bad(Phrase("not a plausible age in years"))
        return years

    def decimal(self, name: str, rule: FieldRule) -> float | None:
        text = self.single(name, rule)
        if text is None:
            return None
        try:
            return float(text.replace(",", "."))
        except ValueError:
            raise _Bad(Phrase("give a decimal number such as 4.5981")) from None

    def yes_no(self, name: str, rule: FieldRule) -> bool | None:
        text = self.single(name, rule)
        if text is None:
            return None
        key = fold(text)
        if key in _TRUE or key in _FALSE:
            return key in _TRUE
        raise _Bad(Phrase("give yes or no"))

    def occurred_on(self, name: str, rule: FieldRule) -> tuple[date, DatePrecision] | None:
        cells = [c for c in self._cells(rule) if c not in (None, "")]
        if cells and isinstance(cells[0], datetime | date):
            day = cells[0].date() if isinstance(cells[0], datetime) else cells[0]
            return day, DatePrecision.day
        text = self.single(name, rule)
        if text is None:
            return None
        formats = rule.formats or list(ISO_FORMATS)
        for date_format in formats:
            try:
                parsed = datetime.strptime(text, date_format).date()
            except ValueError:
                continue
            return parsed, _precision_of(date_format)
        raise _Bad(Phrase("not a date in the format %(formats)s", formats=" or ".join(formats)))

    def country(self, name: str, rule: FieldRule) -> str | None:
        text = self.single(name, rule)
        if text is None:
            return None
        translated = rule.translated(text)
        code = country_code(translated[0] if translated else text)
        if code is None:
            raise _Bad(
                Phrase("not a country: give an ISO 3166-1 code such as 'CO' or the English name")
            )
        return code

    def require(self, name: str, value: Any) -> None:
        """Report a required field left empty (unless its cell was already reported)."""
        if not value and not any(p.field == name for p in self.problems):
            self.report(name, self.mapping.fields.get(name), None, Phrase("this value is required"))


def _draft(reader: _RowReader, source_id: str | None, today: date) -> IncidentDraft | None:
    """Read every mapped field of the row; None when any of them (or its id) is wrong."""
    when = reader.read("occurred_on", reader.occurred_on)
    country = reader.read("country", reader.country)
    precision = reader.read("date_precision", reader.term)
    attack_types = reader.read("attack_types", reader.terms, [])
    for name, value in (
        ("occurred_on", when),
        ("country", country),
        ("attack_types", attack_types),
    ):
        reader.require(name, value)
    if when is not None and when[0] > today:
        reader.report(
            "occurred_on",
            reader.mapping.fields["occurred_on"],
            str(when[0]),
            Phrase("the date is in the future"),
        )
    latitude = reader.read("latitude", reader.decimal)
    longitude = reader.read("longitude", reader.decimal)
    if (latitude is None) != (longitude is None):
        reader.report(
            "latitude",
            reader.mapping.fields.get("latitude"),
            None,
            Phrase("give both latitude and longitude, or neither"),
        )
    region, region_detail = clean_region(reader.read("region", reader.single))
    public_place, protected_place = split_location(
        latitude, longitude, reader.read("coordinate_precision", reader.term)
    )
    names = reader.read("victim_name", reader.text_list, [])
    gender = reader.read("victim_gender", reader.single)
    age = reader.read("victim_age", reader.age)
    detail = reader.read("location_detail", reader.single)
    values = {
        "sector": reader.read("sector", reader.term),
        "defender_groups": reader.read("defender_groups", reader.terms, []),
        "collective_targeted": reader.read("collective_targeted", reader.yes_no, False),
        "people_affected": reader.read("people_affected", reader.whole_number),
        "perpetrator_type": reader.read("perpetrator_type", reader.term),
        "companies_alleged": reader.read("companies_alleged", reader.text_list, []),
        "consent_basis": reader.read("consent_basis", reader.term),
    }
    withdrawn = reader.read("withdrawn", reader.yes_no, False)
    protected = {
        "reporter_name": reader.read("reporter_name", reader.single),
        "reporter_contact": reader.read("reporter_contact", reader.single),
        "narrative": reader.read("narrative", reader.single),
        "location_detail": "; ".join(d for d in (detail, region_detail) if d) or None,
        **protected_place,
    }
    if reader.problems or source_id is None:
        return None
    try:
        if len(names) == 1 or (not names and (gender or age is not None)):
            victims = [Victim(name=names[0] if names else None, gender=gender, age=age)]
        else:
            victims = [Victim(name=n) for n in names]
        content = IncidentContent(
            occurred_on=when[0],
            date_precision=precision or when[1],
            country=country,
            region=region,
            attack_types=attack_types,
            **public_place,
            **{k: v for k, v in values.items() if v is not None},
        )
        return IncidentDraft(
            source_id=source_id,
            content=content,
            protected=ProtectedContent(victims=victims, **protected),
            withdrawn=withdrawn,
        )
    except ValidationError as exc:
        for error in exc.errors(include_input=False, include_url=False):
            name = str(error["loc"][0]) if error["loc"] else None
            reader.report(
                name or "record", reader.mapping.fields.get(name or ""), None, error["msg"]
            )
        return None


def _source_id(
    reader: _RowReader, mapping: ColumnMapping, first_row_of: dict[str, int]
) -> str | None:
    """The row's own id, unless it is missing or repeats an earlier row's."""
    row = reader.row
    value = row.cells.get(mapping.source_id)
    source_id = None if isinstance(value, list | dict) else cell_text(value)
    if source_id is None:
        problem, shown = Phrase("the record has no id; every record needs its own"), None
    elif source_id in first_row_of:
        problem = Phrase(
            "the id is also on row %(row)s; each record may appear once",
            row=first_row_of[source_id],
        )
        shown = source_id
    else:
        first_row_of[source_id] = row.number
        return source_id
    reader.problems.append(
        RowProblem(
            row=row.number,
            column=mapping.source_id,
            field="source_id",
            value=shown,
            problem=problem,
        )
    )
    return None


def build_drafts(table: SourceTable, mapping: ColumnMapping, *, today: date) -> DraftBatch:
    """Drafts for every row, or the problems of every bad row (then the file imports nothing)."""
    batch = DraftBatch()
    first_row_of: dict[str, int] = {}
    for row in table.rows:
        reader = _RowReader(row, mapping, table.formula_cells)
        draft = None
        if row.problem is not None:
            reader.report("record", None, None, row.problem)
        else:
            source_id = _source_id(reader, mapping, first_row_of)
            draft = _draft(reader, source_id, today)
        batch.warnings += reader.warnings
        if reader.problems:
            batch.problems += reader.problems
            batch.rejected_rows += 1
        elif draft is not None:
            batch.drafts.append(draft)
    return batch
