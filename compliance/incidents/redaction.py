"""How facts are coarsened for people not entitled to protected fields. Pure functions.

Decisions, each from DOMAIN.md's do-no-harm practice:
- Dates are shown to the month. Together with a region, a sector and an attack type, an exact
  day often points to one person in local news; the month keeps the record useful for risk and
  for a company's right of reply without that shortcut.
- People affected is shown as a band whose smallest step is 1-4. An exact small count ("2")
  next to a region and a month can single out a family or a named group; bands starting below
  five follow the usual statistical-disclosure threshold. Reviewers and the submitting NGO see
  the exact number.
- Coordinates are shown only when they are a region or country centroid; precise points are
  protected and never reach the public model (see `content.split_location`).
"""

from __future__ import annotations

from datetime import date

from compliance.incidents.vocabulary import DatePrecision

PEOPLE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (1, 4, "1-4"),
    (5, 9, "5-9"),
    (10, 49, "10-49"),
    (50, None, "50 or more"),
)


def people_band(count: int | None) -> str | None:
    """'1-4', '5-9', '10-49' or '50 or more'; None when unknown or zero."""
    if not count:
        return None
    for low, high, label in PEOPLE_BANDS:
        if count >= low and (high is None or count <= high):
            return label
    return None


def format_date(day: date, precision: DatePrecision) -> str:
    """'2016-02-18', '2016-02' or '2016', as precise as the source is."""
    if precision is DatePrecision.year:
        return f"{day.year:04d}"
    if precision is DatePrecision.month:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def public_date_precision(precision: DatePrecision) -> DatePrecision:
    """Never finer than the month outside the trusted tier."""
    return DatePrecision.year if precision is DatePrecision.year else DatePrecision.month
