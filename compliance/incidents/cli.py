"""`hrd-sentinel incidents ...`: import a file, fetch the feeds that are due (for cron)."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from compliance import db
from compliance.clock import now
from compliance.errors import Problem
from compliance.incidents import feed_service, imports
from compliance.incidents.feeds import FeedClient, client_from_config
from compliance.incidents.models import ImportReport, ImportStatus
from compliance.incidents.reading import FileFormat
from compliance.phrases import Phrase

log = logging.getLogger(__name__)


@click.group("incidents", cls=AppGroup)
def incidents_group() -> None:
    """Incident records: imports and feeds."""


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _echo_problems(report: ImportReport) -> None:
    for problem in report.problems:
        where = [f"row {problem.row}"] if problem.row is not None else []
        if problem.column:
            where.append(f"column {problem.column!r}")
        value = f" value {problem.value!r}:" if problem.value is not None else ""
        click.echo(f"  {', '.join(where) or 'file'}:{value} {problem.problem}", err=True)
    if report.problems_total > len(report.problems):
        click.echo(f"  ... and {report.problems_total - len(report.problems)} more.", err=True)


@incidents_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "file_format",
    type=click.Choice([f.value for f in FileFormat]),
    required=True,
    help="global-witness has a built-in mapping; the others need --mapping.",
)
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON file: which column feeds which field, and value translations.",
)
def import_command(file: Path, file_format: str, mapping_path: Path | None) -> None:
    """Import incident records from FILE: all of them, or none if any row is wrong."""
    mapping = None
    if mapping_path is not None:
        try:
            mapping = json.loads(mapping_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            _fail(f"{mapping_path} is not a JSON file ({exc}).")
    started = time.perf_counter()
    with db.session_scope() as session:
        try:
            result = imports.import_file(
                session=session,
                data=file.read_bytes(),
                file_format=FileFormat(file_format),
                mapping=imports.resolve_mapping(FileFormat(file_format), mapping),
                created_by=None,
                limits=imports.limits_from(current_app.config),
                now=now(),
            )
        except Problem as problem:
            _fail(problem.detail)
        session.commit()
    report = result.report
    seconds = time.perf_counter() - started
    if report.status is not ImportStatus.imported:
        click.echo(
            f"Nothing imported from {file.name}: {report.rejected} of {report.rows} row(s) "
            f"rejected ({report.problems_total} problem(s)).",
            err=True,
        )
        _echo_problems(report)
        sys.exit(1)
    click.echo(
        f"Imported {file.name} ({report.source}) in {seconds:.2f} s: {report.rows} rows, "
        f"{report.created} created, {report.updated} updated (new versions), "
        f"{report.unchanged} unchanged, {report.withdrawn} withdrawn, 0 rejected."
    )
    for warning in report.warnings:
        click.echo(f"  warning: row {warning.row}, {warning.field}: {warning.problem}")


def _sync_one(client: FeedClient, feed_id: int) -> feed_service.FeedOutcome:
    """Fetch one feed in its own transaction; an unexpected error is kept on the feed."""
    with db.session_scope() as session:
        try:
            outcome = feed_service.fetch(
                session=session,
                feed=feed_service.get(session=session, feed_id=feed_id),
                client=client,
                limits=imports.limits_from(current_app.config),
                now=now(),
            )
            session.commit()
        except Exception as exc:  # one broken feed must not stop the others
            session.rollback()
            log.exception("feed %s failed unexpectedly", feed_id)
            error = Phrase(
                "Unexpected error (%(error)s); see the service logs.", error=type(exc).__name__
            )
            feed_service.record_failure(session=session, feed_id=feed_id, error=error, now=now())
            session.commit()
            outcome = feed_service.FeedOutcome(feed_id, "failed", error=error)
    return outcome


def _outcome_line(name: str, outcome: feed_service.FeedOutcome) -> str:
    if outcome.status == "failed":
        return f"{name}: FAILED: {outcome.error}"
    if outcome.status == "not_modified":
        return f"{name}: not modified"
    return (
        f"{name}: {outcome.created} created, {outcome.updated} updated, "
        f"{outcome.unchanged} unchanged"
    )


@incidents_group.command("sync-feeds")
@click.option("--all", "every_feed", is_flag=True, help="Fetch every active feed, due or not.")
def sync_feeds_command(every_feed: bool) -> None:
    """Fetch every feed that is due and import it (run from cron or a scheduler)."""
    with db.session_scope() as session:
        feeds = (
            [f for f in feed_service.list_all(session=session) if f.active]
            if every_feed
            else feed_service.due(session=session, now=now())
        )
        feed_ids = [(feed.id, feed.name) for feed in feeds]
    failures = 0
    with client_from_config(current_app.config) as client:
        for feed_id, name in feed_ids:
            outcome = _sync_one(client, feed_id)
            failures += outcome.status == "failed"
            click.echo(_outcome_line(name, outcome), err=outcome.status == "failed")
    click.echo(f"{len(feed_ids)} feed(s) fetched, {failures} failed.")
    if failures:
        sys.exit(1)
