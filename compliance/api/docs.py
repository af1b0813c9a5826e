"""The OpenAPI document and its browsable reference, served from the installed wheel (no CDN)."""

from __future__ import annotations

from pathlib import Path

import flask_openapi3_swagger
from flask import Blueprint, current_app, jsonify, render_template_string
from flask_openapi3_swagger.templates import swagger_html_string

from compliance.api import PREFIX

_ASSETS = Path(flask_openapi3_swagger.__file__).parent / "templates" / "swagger"

bp = Blueprint(
    "api_docs", __name__, static_folder=str(_ASSETS), static_url_path=f"{PREFIX}/swagger"
)


@bp.get(f"{PREFIX}/openapi.json")
def openapi_document():
    return jsonify(current_app.api_doc)


@bp.get(f"{PREFIX}/docs")
def reference():
    return render_template_string(
        swagger_html_string,
        doc_url="openapi.json",
        swagger_config={"validatorUrl": None},
        oauth_config=None,
    )
