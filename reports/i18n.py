"""The reports' fixed texts in English, Spanish and French, and dates and numbers per locale.

Plain Babel, no Flask: the catalogue is `reports/locale/<lang>/LC_MESSAGES/reports.po`, compiled
to the `.mo` beside it (both committed; `tests/reports/test_catalogue.py` fails when the `.mo`
is stale or a text is untranslated). Templates get `_()`/`{% trans %}` through Jinja's i18n
extension and the filters `date`, `number` and `percent`, bound to the locale.

Refresh after changing a text (from the repository root):

    pybabel extract -F reports/locale/babel.cfg -k N_ --no-location \
        --project "HRD Sentinel" --version 1 -o reports/locale/reports.pot reports
    pybabel update -D reports -i reports/locale/reports.pot -d reports/locale \
        --no-fuzzy-matching -w 100
    (translate the new empty msgstr in es/ and fr/, then)
    pybabel compile -D reports -d reports/locale
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path

import jinja2
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

LOCALES = ("en", "es", "fr")
DOMAIN = "reports"
LOCALE_DIR = Path(str(resources.files("reports").joinpath("locale")))
# The texts are written in British English, so English dates and numbers follow en_GB.
_FORMAT_LOCALE = {"en": "en_GB"}


def N_(message: str) -> str:
    """Mark a text for extraction where it is defined; it is translated where it is used."""
    return message


def language(locale: str) -> str:
    """The catalogue language of a locale ('es_CO' -> 'es'); unsupported ones give English."""
    lang = locale.replace("-", "_").split("_")[0].lower()
    return lang if lang in LOCALES else "en"


def translations(locale: str) -> NullTranslations:
    """The catalogue of `locale`; English (the source texts) for English and unknown locales."""
    return _catalogue(language(locale))


@functools.cache  # one per supported language: callers may pass any locale string
def _catalogue(lang: str) -> NullTranslations:
    if lang == "en":
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [lang], domain=DOMAIN)


def _format_locale(locale: str) -> Locale:
    normalised = locale.replace("-", "_")
    try:
        parsed = Locale.parse(_FORMAT_LOCALE.get(normalised, normalised))
    except (ValueError, UnknownLocaleError):
        parsed = Locale.parse(_FORMAT_LOCALE["en"])
    if parsed.language != language(locale):
        return Locale.parse(_FORMAT_LOCALE.get(language(locale), language(locale)))
    return parsed


def format_day(value: date | str | None, locale: str) -> str:
    """A date in words ('1 March 2026', '1 de marzo de 2026'); 'YYYY-MM' gives month and year;
    text that is not an ISO date is returned as it is."""
    if value is None or value == "":
        return ""
    where = _format_locale(locale)
    if isinstance(value, date):
        return format_date(value, "long", locale=where)
    try:
        if len(value) == 7:
            return format_skeleton("yMMMM", date.fromisoformat(value + "-01"), locale=where)
        return format_date(date.fromisoformat(value[:10]), "long", locale=where)
    except ValueError:
        return value


def format_number(value: float | int, locale: str, *, decimals: int = 1) -> str:
    """A number with the locale's separators and a fixed number of decimals."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_format_locale(locale))


def format_share(value: float | int, locale: str, *, decimals: int = 1) -> str:
    """A percentage given as 0-100, written the locale's way ('12.5%', '12,5 %')."""
    where = _format_locale(locale)
    pattern = where.percent_formats[None].pattern
    digits = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_percent(float(value) / 100, format=pattern.replace("#,##0", digits), locale=where)


def environment(locale: str) -> jinja2.Environment:
    """A Jinja environment reading the reports' templates with the catalogue of `locale`; dates
    and numbers follow its language (es, fr, British English)."""
    return _environment(language(locale))


@functools.cache  # one per supported language, like the catalogues
def _environment(locale: str) -> jinja2.Environment:
    environment = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        loader=jinja2.FileSystemLoader(LOCALE_DIR.parent),
    )
    catalogue = translations(locale)
    environment.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]
    filters: dict[str, Callable[..., str]] = {
        "date": lambda value: format_day(value, locale),
        "number": lambda value, decimals=1: format_number(value, locale, decimals=decimals),
        "percent": lambda value, decimals=1: format_share(value, locale, decimals=decimals),
        "words": lambda value: str(value or "").replace("_", " "),
    }
    environment.filters.update(filters)
    environment.globals["lang"] = language(locale)
    return environment
