"""The `hrd-sentinel` command: setup, users and tokens, demo data, audit checks, workers."""

from __future__ import annotations

import os
import socket
import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from compliance import db
from compliance.accounts import service as account_service
from compliance.accounts.models import OrganisationKind, Role
from compliance.audit import service as audit
from compliance.clock import now
from compliance.errors import Problem


def _create_app(*_args: object) -> Flask:
    from compliance import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """HRD Sentinel: certificates of how companies protect human rights defenders."""


def _fail(problem: Problem) -> None:
    click.echo(f"Error: {problem.detail}", err=True)
    sys.exit(1)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database schema (COMPLIANCE_DATABASE_URL), then record the
    scoring methodology in force in the transparency log (once per version)."""
    from compliance.scores import service as score_service

    db.upgrade(current_app)
    click.echo("Database schema is up to date.")
    with db.session_scope() as session:
        entry = score_service.publish_methodology(session=session, now=now())
        session.commit()
    if entry is not None:
        click.echo(f"Methodology published in the transparency log (entry {entry.index}).")


@click.group("db", cls=AppGroup)
def db_group() -> None:
    """Database migrations."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration not yet applied."""
    db.upgrade(current_app)
    click.echo("Database schema is up to date.")


@db_group.command("revision")
@click.option("--message", "-m", required=True, help="What the migration changes.")
def db_revision(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    from alembic import command

    command.revision(
        db.alembic_config(current_app.config["DATABASE_URL"]), message=message, autogenerate=True
    )


@click.group("users", cls=AppGroup)
def users_group() -> None:
    """Manage users."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--org", "org_name", required=True, help="Organisation name (created if new).")
@click.option("--org-kind", type=click.Choice([k.value for k in OrganisationKind]), required=True)
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.member.value,
    show_default=True,
)
@click.option(
    "--password", help="At least 12 characters; without it, the user signs in by API token only."
)
@click.option("--name", help="The person's name.")
@click.option("--country", help="ISO 3166-1 alpha-2 code of the organisation, when it is created.")
def users_create(
    email: str,
    org_name: str,
    org_kind: str,
    role: str,
    password: str | None,
    name: str | None,
    country: str | None,
) -> None:
    """Create a user, and their organisation when it does not exist yet."""
    with db.session_scope() as session:
        try:
            organisation = account_service.get_or_create_organisation(
                session=session,
                name=org_name,
                kind=OrganisationKind(org_kind),
                country=country.upper() if country else None,
            )
            user = account_service.create_user(
                session=session,
                email=email,
                organisation=organisation,
                role=Role(role),
                password=password,
                name=name,
            )
        except Problem as problem:
            _fail(problem)
        session.commit()
        click.echo(f"Created {user.email} ({role}) in {organisation.name} ({organisation.kind}).")


@click.group("tokens", cls=AppGroup)
def tokens_group() -> None:
    """Manage API tokens."""


@tokens_group.command("create")
@click.option("--email", required=True)
@click.option(
    "--expires-days",
    type=click.IntRange(1, 3650),
    default=None,
    help="Lifetime in days (default: COMPLIANCE_TOKEN_DEFAULT_EXPIRY_DAYS).",
)
@click.option("--name", default="CLI token", show_default=True)
def tokens_create(email: str, expires_days: int | None, name: str) -> None:
    """Create an API token and print it alone on standard output."""
    days = expires_days or current_app.config["TOKEN_DEFAULT_EXPIRY_DAYS"]
    with db.session_scope() as session:
        try:
            user = account_service.get_user_by_email(session=session, email=email)
        except Problem as problem:
            _fail(problem)
        _token, secret = account_service.issue_token(
            session=session, user=user, name=name, expires_in=timedelta(days=days), now=now()
        )
        session.commit()
    click.echo(secret)


@click.group("audit", cls=AppGroup)
def audit_group() -> None:
    """The audit log."""


@audit_group.command("verify")
def audit_verify() -> None:
    """Walk the hash chain; name the first altered or missing event."""
    with db.session_scope() as session:
        checked, problem = audit.verify(session=session)
    if problem is not None:
        click.echo(f"Audit log BROKEN at event {problem.seq}: {problem.problem}.", err=True)
        sys.exit(1)
    click.echo(f"Audit log intact: {checked} events checked.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Fill the database with a realistic demo world and print its logins."""
    from compliance import demo

    logins = demo.seed(app=current_app._get_current_object(), now=now())
    click.echo("Demo world ready. Sign in at " + current_app.config["BASE_URL"] + "/login with:")
    for login in logins:
        click.echo(f"  {login.role_label:<38} {login.email:<36} {login.password}")
    click.echo("What to look at:")
    for page, what in demo.WHAT_TO_LOOK_AT:
        click.echo(f"  {page:<22} {what}")


@click.group("methodology", cls=AppGroup)
def methodology_group() -> None:
    """The published scoring methodology."""


@methodology_group.command("pdf")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write it (default: the published copy the web serves, to be committed).",
)
def methodology_pdf_command(out: Path | None) -> None:
    """Render the methodology's PDF (run it when the rules change, and commit the file)."""
    from compliance.scores import service as score_service
    from compliance.web.methodology import published_pdf_path, render_pdf

    rules = score_service.rules()
    target = out or published_pdf_path(rules)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(render_pdf(rules))
    click.echo(f"{target} ({rules.id} {rules.version}, {rules.content_hash})")


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Run the queued jobs, then stop.")
def worker_command(burst: bool) -> None:
    """Run an RQ worker for this service's jobs (needs COMPLIANCE_REDIS_URL)."""
    from rq import Worker

    from compliance.jobs import runner
    from compliance.jobs.backends import RQBackend
    from compliance.jobs.service import backend

    jobs = backend(current_app)
    if not isinstance(jobs, RQBackend):
        click.echo(
            "Error: set COMPLIANCE_REDIS_URL to run workers; without it, jobs run in the web app.",
            err=True,
        )
        sys.exit(1)
    runner.bind_worker_app(current_app._get_current_object())
    name = f"hrd-{socket.gethostname()}-{os.getpid()}"
    Worker([jobs.queue], connection=jobs.queue.connection, name=name).work(burst=burst)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Tick once, then stop.")
@with_appcontext
def scheduler_command(once: bool) -> None:
    """Start periodic jobs when they are due (safe to run on several hosts at once)."""
    import threading

    from compliance.scheduling import runner as scheduling_runner

    app = current_app._get_current_object()
    if once:
        started = scheduling_runner.tick_once(app)
        click.echo(f"Started {len(started)} periodic job(s).")
        return
    scheduling_runner.run_until(app, threading.Event())


def init_app(app: Flask) -> None:
    from compliance.certificates.cli import verify_command
    from compliance.incidents.cli import incidents_group
    from compliance.portfolios.cli import screen_command
    from compliance.screening.cli import screening_group
    from compliance.transparency.cli import keys_group, log_group

    for command in (
        incidents_group,
        screening_group,
        keys_group,
        log_group,
        init_command,
        db_group,
        users_group,
        tokens_group,
        audit_group,
        seed_demo_command,
        methodology_group,
        worker_command,
        scheduler_command,
        verify_command,
        screen_command,
    ):
        app.cli.add_command(command)
