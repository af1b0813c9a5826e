"""GET /healthz: is the database reachable, and can jobs run?"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from compliance import db
from compliance.jobs import service as job_service

RETRY_AFTER_SECONDS = "5"  # as the 503 answers of the API while the database is unreachable

bp = APIBlueprint("health", __name__, abp_tags=[Tag(name="Health")])


class Health(BaseModel):
    status: str
    database: str
    jobs: dict[str, Any]


@bp.get("/healthz", summary="Service health", responses={200: Health, 503: Health}, security=[])
def healthz():
    try:
        with db.engine().connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        database = "unavailable"
    jobs = job_service.backend(current_app).health()
    healthy = database == "ok" and jobs["status"] != "unavailable"
    body = Health(status="ok" if healthy else "unavailable", database=database, jobs=jobs)
    if healthy:
        return jsonify(body.model_dump()), 200
    return jsonify(body.model_dump()), 503, {"Retry-After": RETRY_AFTER_SECONDS}
