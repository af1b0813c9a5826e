"""Per-address request budgets for the endpoints worth hammering: sign-in, token creation and
public verification. Account lockout (accounts.service) stops guessing one password; these stop
one address from trying many accounts or flooding verification.

Counted with the `limits` library: in Redis when the service runs on several processes (so every
web process shares one count), in memory otherwise.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import Flask, current_app, request
from limits import RateLimitItem, parse, storage, strategies

from compliance.errors import TooManyAttempts
from compliance.phrases import Phrase


@dataclass(frozen=True)
class Budget:
    setting: str
    methods: frozenset[str]
    what: str


BUDGETS: dict[str, Budget] = {
    "web.login": Budget("RATE_LIMIT_LOGIN", frozenset({"POST"}), Phrase("sign-in attempts")),
    "api_auth.create_token": Budget(
        "RATE_LIMIT_TOKENS", frozenset({"POST"}), Phrase("token requests")
    ),
    "api_certificates.verify": Budget(
        "RATE_LIMIT_VERIFY", frozenset({"POST"}), Phrase("verification requests")
    ),
    "web_certificates.verify": Budget(
        "RATE_LIMIT_VERIFY", frozenset({"POST"}), Phrase("verification requests")
    ),
}

# The units of a limit as the `limits` library names them ("5 per 1 minute"), to translate.
_UNITS = {
    "second": Phrase("second"),
    "minute": Phrase("minute"),
    "hour": Phrase("hour"),
    "day": Phrase("day"),
    "month": Phrase("month"),
    "year": Phrase("year"),
}


@dataclass(frozen=True)
class _Limiter:
    strategy: strategies.RateLimiter
    items: dict[str, RateLimitItem | None]


def _storage_url(app: Flask) -> str:
    return app.config["RATE_LIMIT_STORAGE_URL"] or app.config["REDIS_URL"] or "memory://"


def _items(app: Flask) -> dict[str, RateLimitItem | None]:
    """Each budget's parsed limit; an empty setting turns that budget off."""
    return {
        endpoint: parse(app.config[budget.setting]) if app.config[budget.setting] else None
        for endpoint, budget in BUDGETS.items()
    }


def _check() -> None:
    budget = BUDGETS.get(request.endpoint or "")
    if budget is None or request.method not in budget.methods:
        return
    limiter: _Limiter = current_app.extensions["hrd_rate_limits"]
    item = limiter.items[request.endpoint]
    if item is None:
        return
    address = request.remote_addr or "unknown"
    if limiter.strategy.hit(item, budget.setting, address):
        return
    reset_at, _remaining = limiter.strategy.get_window_stats(item, budget.setting, address)
    wait = max(1, math.ceil(reset_at - time.time()))
    raise TooManyAttempts(
        Phrase(
            "Too many %(what)s from your address (at most %(limit)s). "
            "Wait %(seconds)s seconds and try again.",
            what=budget.what,
            limit=_words(item),
            seconds=wait,
        ),
        headers={"Retry-After": str(wait)},
    )


def _words(item: RateLimitItem) -> str:
    """The limit as `limits` writes it ("5 per 1 minute"), as a phrase a page can translate."""
    unit = item.GRANULARITY.name
    return Phrase(
        "%(amount)s per %(multiples)s %(unit)s",
        amount=item.amount,
        multiples=item.multiples,
        unit=_UNITS.get(unit, unit),
    )


def init_app(app: Flask) -> None:
    counts = storage.storage_from_string(_storage_url(app))
    app.extensions["hrd_rate_limits"] = _Limiter(
        strategies.FixedWindowRateLimiter(counts), _items(app)
    )
    app.before_request(_check)
