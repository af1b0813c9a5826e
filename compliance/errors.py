"""Problems and their HTTP statuses, assigned here and nowhere else.

Domain code raises subclasses of the generic problems below (or of its own package's
exceptions, mapped in `EXTERNAL`); this module turns every error into RFC 9457
``application/problem+json`` for the API and health check, and into a page for the web.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from compliance.phrases import Phrase
from questionnaires.workbook_reader import WorkbookRefused

log = logging.getLogger(__name__)


@dataclass
class ProblemDetail:
    """One entry of a problem's `errors` list."""

    detail: str
    pointer: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None

    def as_json(self) -> dict[str, Any]:
        """The entry as problem+json writes it: unset fields left out, `detail` always there."""
        return {k: v for k, v in vars(self).items() if v is not None or k == "detail"}


class Problem(Exception):
    """A failure the caller can act on; subclasses fix the status."""

    status = 400
    title = Phrase("Bad request")

    def __init__(
        self,
        detail: str,
        *,
        errors: list[ProblemDetail] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


class InvalidInput(Problem):
    status = 422
    title = Phrase("Invalid input")


class AuthenticationRequired(Problem):
    status = 401
    title = Phrase("Authentication required")

    def __init__(self, detail: str, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.headers.setdefault("WWW-Authenticate", 'Bearer realm="hrd-sentinel"')


class PermissionDenied(Problem):
    status = 403
    title = Phrase("Not allowed")


class NotFound(Problem):
    status = 404
    title = Phrase("Not found")


class Conflict(Problem):
    status = 409
    title = Phrase("Conflict")


class TooManyAttempts(Problem):
    status = 429
    title = Phrase("Too many attempts")


class ServiceUnavailable(Problem):
    status = 503
    title = Phrase("Service unavailable")


# Exceptions of the pure packages, which cannot know about HTTP.
EXTERNAL: dict[type[Exception], type[Problem]] = {WorkbookRefused: InvalidInput}


class ProblemErrorItem(BaseModel):
    detail: str
    pointer: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None


class ProblemModel(BaseModel):
    """RFC 9457 problem details, as every API error is answered."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemErrorItem] | None = None


def _wants_problem_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    errors: list[ProblemDetail] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A problem+json response (API) or an error page (web)."""
    if _wants_problem_json():
        body: dict[str, Any] = {
            "type": "about:blank",
            "title": title,
            "status": status,
            "detail": detail,
            "instance": request.path,
        }
        if errors:
            body["errors"] = [error.as_json() for error in errors]
        response = jsonify(body)
        response.mimetype = "application/problem+json"
    else:
        response = Response(
            render_template(
                "errors/problem.html",
                status=status,
                title=title,
                detail=detail,
                errors=errors or [],
            ),
            mimetype="text/html",
        )
    response.status_code = status
    response.headers.update(headers or {})
    return response


def validation_problem(exc: ValidationError) -> Response:
    """422 for a request that fails its model, naming each field but never echoing the input."""
    errors = [
        ProblemDetail(pointer="/" + "/".join(str(p) for p in err["loc"]), detail=err["msg"])
        for err in exc.errors(include_input=False, include_url=False)
    ]
    return problem_response(
        422,
        Phrase("Invalid input"),
        Phrase("The request does not match what this endpoint expects; see `errors`."),
        errors=errors,
    )


# Werkzeug's names for the statuses a person meets on a page, so the page can translate them.
HTTP_TITLES = {
    400: Phrase("Bad Request"),
    403: Phrase("Forbidden"),
    404: Phrase("Not Found"),
    405: Phrase("Method Not Allowed"),
    413: Phrase("Request Entity Too Large"),
    429: Phrase("Too Many Requests"),
}


def _http_detail(exc: HTTPException) -> str:
    if exc.code == 404:
        return Phrase(
            "There is nothing at %(path)s. Check the address (API reference: /api/v1/docs).",
            path=request.path,
        )
    if exc.code == 405:
        allowed = ", ".join(sorted(exc.valid_methods or []))
        return Phrase(
            "%(method)s is not allowed on %(path)s; use %(allowed)s.",
            method=request.method,
            path=request.path,
            allowed=allowed,
        )
    if exc.code == 413:
        return Phrase(
            "The request body is larger than the limit for this service; send a smaller file."
        )
    if exc.code == 400 and "CSRF" in (exc.description or ""):
        return Phrase(
            "The form expired or was sent from another site. Reload the page and try again."
        )
    return exc.description or exc.name


def init_app(app: Flask) -> None:
    @app.errorhandler(Problem)
    def _problem(exc: Problem) -> Response:
        return problem_response(
            exc.status, exc.title, exc.detail, errors=exc.errors, headers=exc.headers
        )

    for external, problem in EXTERNAL.items():
        app.register_error_handler(
            external,
            lambda exc, problem=problem: problem_response(
                problem.status,
                problem.title,
                exc.args[0],  # the message, a phrase if it is one
            ),
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        headers = {
            k: v for k, v in exc.get_headers() if k in ("Allow", "WWW-Authenticate", "Retry-After")
        }
        title = HTTP_TITLES.get(exc.code or 500, exc.name)
        return problem_response(exc.code or 500, title, _http_detail(exc), headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem_response(
            500,
            Phrase("Internal error"),
            Phrase("Something went wrong on our side; nothing was saved. Try again later."),
        )

    @app.errorhandler(OperationalError)
    def _database_down(exc: OperationalError) -> Response:
        log.error("database unavailable on %s %s: %s", request.method, request.path, exc.orig)
        return problem_response(
            503,
            Phrase("Service unavailable"),
            Phrase(
                "The database is unreachable for a moment; nothing was saved. Try again shortly."
            ),
            headers={"Retry-After": "5"},
        )

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError) -> Response:
        return validation_problem(exc)
