"""Small charts as plain SVG text: horizontal bars of shares, and stacked columns per year.

Every label is escaped here; the result is safe to place in HTML as markup. Nothing is fetched
to draw them, and they print the same in a browser and in WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import escape

from reports.i18n import format_number, format_share, translations

FONT = "font-family:'DejaVu Sans',sans-serif;font-size:9px;fill:#1b1f24"
COLOURS = ("#1d4f91", "#3f7fbf", "#7aa9d6", "#b5cde6", "#8a5a00", "#a4262c", "#4a5561")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # percent (0-100) for share charts


@dataclass(frozen=True)
class Column:
    label: str
    values: tuple[int, ...]  # one per series, stacked


def _text(value: str) -> str:
    return str(escape(value))


def _value(value: float, percent: bool, locale: str) -> str:
    return format_share(value, locale) if percent else format_number(value, locale)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    width: int = 640,
    label_width: int = 210,
    bar_height: int = 14,
    gap: int = 6,
    percent: bool = True,
    scale_max: float | None = None,
    locale: str = "en",
) -> str:
    """Horizontal bars, one per item, with the value (a percentage unless `percent` is off)
    printed after each bar the locale's way."""
    height = max(1, len(bars)) * (bar_height + gap) + gap
    track = width - label_width - 56
    top_value = scale_max if scale_max is not None else max((b.value for b in bars), default=0)
    top_value = top_value or 1.0
    rows = []
    for position, bar in enumerate(bars):
        y = gap + position * (bar_height + gap)
        length = round(track * max(0.0, min(bar.value, top_value)) / top_value, 1)
        middle = y + bar_height * 0.72
        colour = COLOURS[position % len(COLOURS)]
        rows.append(
            f'<text x="0" y="{middle}" class="l">{_text(_shorten(bar.label, 38))}</text>'
            f'<rect x="{label_width}" y="{y}" width="{track}" height="{bar_height}" '
            'fill="#e6ebf0"/>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" '
            f'fill="{colour}"/>'
            f'<text x="{label_width + track + 6}" y="{middle}" class="l">'
            f"{_text(_value(bar.value, percent, locale))}</text>"
        )
    if not bars:
        empty = translations(locale).gettext("No data")
        rows.append(f'<text x="0" y="{gap + 10}" class="l">{_text(empty)}</text>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_text(title)}">'
        f"<title>{_text(title)}</title><style>.l{{{FONT}}}</style>" + "".join(rows) + "</svg>"
    )


def column_chart(
    columns: Sequence[Column],
    *,
    series: Sequence[str],
    title: str,
    width: int = 640,
    height: int = 170,
    locale: str = "en",
) -> str:
    """Stacked columns (for example incidents per year, confirmed and suggested)."""
    legend_height, axis_height = 16, 16
    plot = height - legend_height - axis_height
    top = max((sum(c.values) for c in columns), default=0) or 1
    slot = (width - 30) / max(1, len(columns))
    column_width = max(4.0, min(40.0, slot * 0.6))
    parts = []
    for index, name in enumerate(series):
        x = 30 + index * 110
        parts.append(
            f'<rect x="{x}" y="2" width="10" height="10" fill="{COLOURS[index * 2 % 7]}"/>'
            f'<text x="{x + 14}" y="11" class="l">{_text(name)}</text>'
        )
    parts.append(f'<text x="0" y="{legend_height + 9}" class="l">{top}</text>')
    for position, column in enumerate(columns):
        x = 30 + position * slot + (slot - column_width) / 2
        y = legend_height + plot
        for index, value in enumerate(column.values):
            if value <= 0:
                continue
            bar = plot * value / top
            y -= bar
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{column_width:.1f}" height="{bar:.1f}" '
                f'fill="{COLOURS[index * 2 % 7]}"><title>{_text(column.label)}: '
                f"{value} {_text(series[index] if index < len(series) else '')}</title></rect>"
            )
        total = sum(column.values)
        parts.append(
            f'<text x="{x + column_width / 2:.1f}" y="{height - 4}" class="l" '
            f'text-anchor="middle">{_text(column.label)}</text>'
        )
        if total:
            parts.append(
                f'<text x="{x + column_width / 2:.1f}" y="{max(legend_height + 8, y - 2):.1f}" '
                f'class="l" text-anchor="middle">{total}</text>'
            )
    if not columns:
        empty = _text(translations(locale).gettext("No incidents"))
        parts.append(f'<text x="30" y="{legend_height + plot / 2}" class="l">{empty}</text>')
    parts.append(
        f'<line x1="28" y1="{legend_height + plot}" x2="{width}" y2="{legend_height + plot}" '
        'stroke="#4a5561" stroke-width="0.5"/>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_text(title)}">'
        f"<title>{_text(title)}</title><style>.l{{{FONT}}}</style>" + "".join(parts) + "</svg>"
    )
