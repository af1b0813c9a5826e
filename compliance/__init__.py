"""HRD Sentinel: the web service and API.

`create_app` follows Flask's factory pattern: defaults (compliance.settings), then the
environment (COMPLIANCE_*), then the test overrides.
"""

from __future__ import annotations

import os
from typing import Any

from flask_openapi3 import Info, OpenAPI
from flask_wtf import CSRFProtect

from compliance import settings

csrf = CSRFProtect()


def create_app(test_config: dict[str, Any] | None = None) -> OpenAPI:
    """Build the application; nothing is read from the environment before this is called."""
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "COMPLIANCE_INSTANCE_PATH"
    )
    app = OpenAPI(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
        info=Info(
            title="HRD Sentinel API",
            version="1",
            description="Certificates of how companies protect human rights defenders.",
        ),
        security_schemes={"bearerAuth": {"type": "http", "scheme": "bearer"}},
        doc_ui=False,
        doc_prefix="/api/v1",
        doc_url="/openapi.json",
        validation_error_status=422,
        validation_error_callback=_validation_error,
    )
    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_prefixed_env("COMPLIANCE")
    if test_config:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    settings.resolve(app.config, app.instance_path)

    from compliance import secrets_store

    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secrets_store.secret_key(app.instance_path)
    secrets_store.ensure_signing_key(app.config["SIGNING_KEY_DIR"])

    _register(app)
    return app


def _validation_error(exc):
    from compliance.errors import validation_problem

    return validation_problem(exc)


def _register(app: OpenAPI) -> None:
    from compliance import cli, db, errors, health, rate_limits, security, upload_names
    from compliance.accounts.actor import current_actor
    from compliance.api import assessments as api_assessments
    from compliance.api import auth as api_auth
    from compliance.api import briefings as api_briefings
    from compliance.api import certificates as api_certificates
    from compliance.api import challenges as api_challenges
    from compliance.api import datasets as api_datasets
    from compliance.api import docs as api_docs
    from compliance.api import incidents as api_incidents
    from compliance.api import jobs as api_jobs
    from compliance.api import keys as api_keys
    from compliance.api import log as api_log
    from compliance.api import portfolios as api_portfolios
    from compliance.api import questionnaires as api_questionnaires
    from compliance.api import review as api_review
    from compliance.api import scores as api_scores
    from compliance.api import screening as api_screening
    from compliance.api import watchlist as api_watchlist
    from compliance.api import webhooks as api_webhooks
    from compliance.jobs import service as job_service
    from compliance.scheduling import runner as scheduling_runner
    from compliance.web import bp as web_bp
    from compliance.web import briefings as web_briefings
    from compliance.web import certificates as web_certificates
    from compliance.web import challenges as web_challenges
    from compliance.web import datasets as web_datasets
    from compliance.web import i18n
    from compliance.web import incidents as web_incidents
    from compliance.web import log as web_log
    from compliance.web import methodology as web_methodology
    from compliance.web import portfolios as web_portfolios
    from compliance.web import review as web_review
    from compliance.web import screening as web_screening
    from compliance.web import watchlist as web_watchlist
    from compliance.web.branding import logo_data_uri

    db.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    upload_names.init_app(app)
    rate_limits.init_app(app)
    job_service.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    api_blueprints = (
        api_auth.bp,
        api_jobs.bp,
        api_questionnaires.bp,
        api_assessments.bp,
        api_datasets.bp,
        api_incidents.bp,
        api_scores.bp,
        api_screening.bp,
        api_review.bp,
        api_certificates.bp,
        api_challenges.bp,
        api_watchlist.bp,
        api_webhooks.bp,
        api_portfolios.bp,
        api_briefings.bp,
        api_log.bp,
        api_keys.bp,
        health.bp,
    )
    for api_bp in api_blueprints:
        csrf.exempt(api_bp)  # bearer tokens only, never the session cookie
        app.register_api(api_bp)
    app.register_blueprint(api_docs.bp)
    app.register_blueprint(web_bp)
    app.register_blueprint(web_datasets.bp)
    app.register_blueprint(web_incidents.bp)
    app.register_blueprint(web_log.bp)
    app.register_blueprint(web_methodology.bp)
    app.register_blueprint(web_review.bp)
    app.register_blueprint(web_certificates.bp)
    app.register_blueprint(web_challenges.bp)
    app.register_blueprint(web_briefings.bp)
    app.register_blueprint(web_screening.bp)
    app.register_blueprint(web_watchlist.bp)
    app.register_blueprint(web_portfolios.bp)
    app.jinja_env.globals["current_actor"] = current_actor
    app.jinja_env.globals["logo_uri"] = logo_data_uri()
    scheduling_runner.init_app(app)
    cli.init_app(app)
