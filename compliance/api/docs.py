"""The OpenAPI document and its browsable reference, served from the installed wheel (no CDN)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import flask_openapi3_swagger
from flask import Blueprint, Flask, current_app, jsonify, render_template_string
from flask_openapi3_swagger.templates import swagger_html_string

from compliance.api import PREFIX

_ASSETS = Path(flask_openapi3_swagger.__file__).parent / "templates" / "swagger"
_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")

bp = Blueprint(
    "api_docs", __name__, static_folder=str(_ASSETS), static_url_path=f"{PREFIX}/swagger"
)


def _openapi_path(rule: str) -> str:
    return _PARAMETER.sub(r"{\1}", rule)


def finished_document(app: Flask) -> dict[str, Any]:
    """flask-openapi3's document, corrected where the library cannot say what we do:
    public operations need no token, and errors are `application/problem+json`."""
    spec = copy.deepcopy(app.api_doc)
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        operations = spec["paths"].get(_openapi_path(rule.rule), {})
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = operations.get(method.lower())
            if operation is not None and getattr(view, "hrd_public", False):
                operation["security"] = []
    for operations in spec["paths"].values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[:1] in ("4", "5") and "application/json" in content:
                    content["application/problem+json"] = content.pop("application/json")
    return spec


@bp.get(f"{PREFIX}/openapi.json")
def openapi_document():
    document = current_app.extensions.get("hrd_openapi")
    if document is None:
        document = current_app.extensions["hrd_openapi"] = finished_document(current_app)
    return jsonify(document)


@bp.get(f"{PREFIX}/docs")
def reference():
    return render_template_string(
        swagger_html_string,
        doc_url="openapi.json",
        swagger_config={"validatorUrl": None},
        oauth_config=None,
    )
