"""The language of the web pages: English, Spanish or French.

The signed-in user's saved choice wins, then the `lang` cookie the switcher sets for visitors,
then the browser's Accept-Language, then English. The API and its problem details stay English.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, has_request_context, redirect, request
from flask_babel import Babel, format_date, format_datetime, format_decimal, get_locale
from werkzeug.wrappers import Response

from compliance import csrf, db
from compliance.accounts.actor import current_actor
from compliance.web import bp
from compliance.web.sign_in import safe_next
from compliance.web.terms import localized, term

LANGUAGES = {"en": "English", "es": "Español", "fr": "Français"}
DEFAULT_LANGUAGE = "en"
COOKIE = "lang"
FOLLOW_BROWSER = ""  # the account page's choice to drop a saved language
COOKIE_MAX_AGE = 365 * 24 * 3600

babel = Babel()


def select_language() -> str:
    """The language of this request's pages; jobs and commands (no request) write English."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    actor = current_actor()
    if actor is not None and actor.user.language in LANGUAGES:
        return actor.user.language
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def language() -> str:
    """The two-letter code of the current language, for `<html lang>` and the switcher."""
    return get_locale().language


def date_filter(value: date | datetime | None) -> str:
    """A date as people write it in the current language ("28 nov 2026"); English pages keep
    ISO 8601, as the API and the certificates do."""
    if value is None:
        return ""
    if language() == DEFAULT_LANGUAGE:
        return value.strftime("%Y-%m-%d")
    return format_date(value, "medium")


def datetime_filter(value: datetime | None) -> str:
    """A moment in UTC, written the current language's way."""
    if value is None:
        return ""
    if language() == DEFAULT_LANGUAGE:
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return format_datetime(value, "medium") + " UTC"


def number_filter(value: float | None, digits: int | None = None) -> str:
    """A number with the current language's decimal mark; `digits` fixes the decimals,
    otherwise up to three are shown and trailing zeros dropped (like `%g`)."""
    if value is None:
        return ""
    if digits is None:
        return format_decimal(value)
    return format_decimal(value, format="0" + ("." + "0" * digits if digits else ""))


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    babel.init_app(app, locale_selector=select_language)
    app.jinja_env.globals.update(language=language, languages=LANGUAGES)
    app.jinja_env.filters.update(
        localdate=date_filter,
        localdatetime=datetime_filter,
        number=number_filter,
        term=term,
        localized=localized,
    )
    app.after_request(vary_by_language)
    csrf.exempt(set_language)


def vary_by_language(response: Response) -> Response:
    """Pages differ by the browser's languages; caches must not mix them up."""
    if not request.path.startswith("/api/"):
        response.vary.add("Accept-Language")
    return response


@bp.post("/language")
def set_language() -> Response:
    """The language switcher: remembered in a cookie, and on the account of a signed-in user.

    Visitors get no session (so no CSRF token) on public pages: for them a forged request could
    only change a cookie of theirs. A signed-in user's choice is stored, so it needs the token.
    """
    if current_actor() is not None:
        csrf.protect()
    chosen = request.form.get("language", "")
    back = redirect(safe_next(request.form.get("next")))
    if chosen not in LANGUAGES and chosen != FOLLOW_BROWSER:
        return back
    actor = current_actor()
    if actor is not None:
        actor.user.language = chosen or None
        db.session().commit()
    if chosen == FOLLOW_BROWSER:
        back.delete_cookie(COOKIE)
        return back
    back.set_cookie(
        COOKIE,
        chosen,
        max_age=COOKIE_MAX_AGE,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return back
