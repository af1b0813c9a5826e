"""schemathesis against the served OpenAPI document: no 5xx, and every answer as documented.

Business rules may refuse schema-valid data (a company cannot start the financial-institution
questionnaire), so the positive-data check is left out; every other default check runs. The
app is built once for the module, on SQLite, with one company user whose token signs the calls.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta

import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance

from compliance import create_app, db
from compliance.accounts import service as account_service
from compliance.accounts.models import OrganisationKind, Role
from compliance.clock import now

CONFIG = schemathesis.Config.from_dict(
    {"seed": 42, "generation": {"max-examples": 20}, "phases": {"coverage": {"enabled": False}}}
)


def _app_and_token():
    app = create_app(
        {
            "INSTANCE_PATH": tempfile.mkdtemp(prefix="hrd-fuzz-"),
            "TESTING": True,
            "SECRET_KEY": "fuzz",
            "TASK_MODULES": ["tests.support.tasks"],
        }
    )
    db.upgrade(app)
    with db.session_scope(app) as session:
        company = account_service.get_or_create_organisation(
            session=session, name="Fuzz Mining S.A.", kind=OrganisationKind.company
        )
        user = account_service.create_user(
            session=session,
            email="fuzz@example.org",
            organisation=company,
            role=Role.admin,
            password=None,
        )
        _token, secret = account_service.issue_token(
            session=session, user=user, name="fuzz", expires_in=timedelta(days=1), now=now()
        )
        session.commit()
    return app, secret


APP, TOKEN = _app_and_token()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP, config=CONFIG)


@schema.parametrize()
def test_every_operation_answers_as_documented(case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"}, excluded_checks=[positive_data_acceptance]
    )
