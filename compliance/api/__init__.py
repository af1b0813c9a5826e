"""The JSON API under /api/v1: bearer-token authentication and the helpers every view shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from typing import Any, TypeVar

from flask import Response, current_app, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from compliance import db
from compliance.accounts import service as account_service
from compliance.accounts.actor import Actor, set_actor
from compliance.clock import now
from compliance.errors import (
    AuthenticationRequired,
    InvalidInput,
    Problem,
    ProblemDetail,
    ProblemModel,
)
from compliance.phrases import Phrase

PREFIX = "/api/v1"
F = TypeVar("F", bound=Callable[..., Any])

# Answers any operation may give: malformed body, no or bad token, not allowed, unknown id,
# body too large, invalid input, database unavailable.
PROBLEM_RESPONSES: dict[int, type[BaseModel]] = dict.fromkeys(
    (400, 401, 403, 404, 413, 422, 503), ProblemModel
)


_FORM_SCHEMAS: dict[type[BaseModel], dict[str, Any]] = {}


class FormModel(BaseModel):
    """A multipart form's fields. flask-openapi3 asks a form model for its JSON schema on every
    request to read the form; the schema never changes, so it is built once per model."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if args or kwargs:
            return super().model_json_schema(*args, **kwargs)
        schema = _FORM_SCHEMAS.get(cls)
        if schema is None:
            schema = _FORM_SCHEMAS[cls] = super().model_json_schema()
        return schema


def public(view: F) -> F:
    """Mark an API view as callable without a token (the policy may still ask for one)."""
    view.hrd_public = True  # type: ignore[attr-defined]
    return view


def _bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise AuthenticationRequired(Phrase("Send the token as 'Authorization: Bearer <token>'."))
    return secret.strip()


def _authenticate() -> None:
    """Resolve the bearer token before the body is parsed, so a bad token is 401, not 422."""
    secret = _bearer_secret()
    actor = None
    if secret is not None:
        session = db.session()
        user = account_service.user_for_token(session=session, secret=secret, now=now())
        used = bool(session.dirty)  # the token's last use, recorded every few minutes
        actor = Actor(
            user=user, organisation=account_service.organisation_of(session=session, user=user)
        )
        if used:
            session.commit()
    set_actor(actor)
    view = current_app.view_functions.get(request.endpoint or "")
    if actor is None and view is not None and not getattr(view, "hrd_public", False):
        raise AuthenticationRequired(
            Phrase(
                "This endpoint needs an API token: send 'Authorization: Bearer <token>' "
                "(create one with POST /api/v1/auth/tokens)."
            )
        )
    _require_json_body()


def _require_json_body() -> None:
    """Malformed JSON is a 400 saying so, not a confusing validation error (or a crash, for
    JSON nested deeper than the parser's recursion limit); text holding NUL is a 422."""
    if request.method not in ("POST", "PUT", "PATCH") or not request.is_json:
        return
    if not request.get_data(cache=True):
        return
    try:
        document = request.get_json(silent=True)
    except RecursionError:
        raise Problem(
            Phrase(
                "The JSON body is nested too deeply to read; no request to this API needs more "
                "than a few levels of brackets."
            )
        ) from None
    if document is None:
        raise Problem(
            Phrase("The request body is not valid JSON. Check quotes, commas and brackets.")
        )
    refuse_nul_characters(_json_strings(document))


def _json_strings(document: Any) -> Iterator[tuple[str, str]]:
    """Every key and string value of a parsed JSON document, with its JSON pointer."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        pointer, value = stack.pop()
        if isinstance(value, str):
            yield pointer or "/", value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield f"{pointer}/{key}", key
                stack.append((f"{pointer}/{key}", item))
        elif isinstance(value, list):
            stack.extend((f"{pointer}/{index}", item) for index, item in enumerate(value))


def refuse_nul_characters(texts: Iterable[tuple[str, str]]) -> None:
    """Refuse text holding NUL (U+0000): nobody types it, and PostgreSQL cannot store it."""
    for pointer, text in texts:
        if "\x00" in text:
            raise InvalidInput(
                Phrase(
                    "The text at %(pointer)s contains a NUL character (U+0000); remove it and "
                    "send the request again.",
                    pointer=pointer,
                ),
                errors=[ProblemDetail(pointer=pointer, detail=Phrase("contains a NUL character"))],
            )


def blueprint(name: str, import_name: str, *, tag: str, description: str) -> APIBlueprint:
    """An API blueprint under /api/v1 with bearer authentication documented and enforced."""
    bp = APIBlueprint(
        name,
        import_name,
        url_prefix=PREFIX,
        abp_tags=[Tag(name=tag, description=description)],
        abp_security=[{"bearerAuth": []}],
        abp_responses=PROBLEM_RESPONSES,
    )
    bp.before_request(_authenticate)
    # Last among the blueprint's hooks, so that the form is read once an upload endpoint's own
    # hook has set its larger body limit.
    bp.record(
        lambda state: state.app.before_request_funcs.setdefault(state.name, []).append(
            _refuse_nul_in_form
        )
    )
    return bp


def _refuse_nul_in_form() -> None:
    """Form fields (uploads' names, descriptions) holding NUL are refused like JSON text."""
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    ):
        refuse_nul_characters(
            (f"/{key}", f"{key}{value}") for key, value in request.form.items(multi=True)
        )


def respond(
    model: type[BaseModel], value: Any, status: int = HTTPStatus.OK
) -> tuple[Response, int]:
    """Serialise through the public model only, so nothing else leaves the building."""
    return jsonify(
        model.model_validate(value, from_attributes=True).model_dump(mode="json")
    ), status


def job_url(job_id: str) -> str:
    return f"{PREFIX}/jobs/{job_id}"


def accepted(model: type[BaseModel], job_id: str, **fields: Any) -> tuple[Response, int]:
    """202 for work handed to a job: the body names the job and where to follow it, which
    `Location` repeats."""
    status_url = job_url(job_id)
    response, status = respond(
        model, {**fields, "job_id": job_id, "status_url": status_url}, HTTPStatus.ACCEPTED
    )
    response.headers["Location"] = status_url
    return response, status
