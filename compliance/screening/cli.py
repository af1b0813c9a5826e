"""`hrd-sentinel screening rescreen`: screen stored incidents again, now, with a progress bar."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from compliance import db
from compliance.clock import now
from compliance.screening.tasks import run_rescreen


@click.group("screening", cls=AppGroup)
def screening_group() -> None:
    """Incident screening against organisations, suppliers and sites."""


@screening_group.command("rescreen")
@click.option("--full", is_flag=True, help="Every incident, not only those changed lately.")
def rescreen_command(full: bool) -> None:
    """Screen incidents against every organisation, supplier and site and store the matches
    (what the periodic `screening.rescreen` job does)."""
    with db.session_scope() as session, click.progressbar(length=100, label="Screening") as bar:
        done = {"percent": 0}

        def progress(percent: int) -> None:
            bar.update(percent - done["percent"])
            done["percent"] = percent

        result = run_rescreen(
            session=session, config=current_app.config, full=full, progress=progress, now=now()
        )
        session.commit()
        bar.update(100 - done["percent"])
    click.echo(
        f"{result['scope']}: {result['incidents_screened']} incidents against "
        f"{result['entities']} entities; {result['matches_new']} new matches "
        f"({result['matches_new_suggested']} to review), {result['matches_updated']} updated, "
        f"{result['matches_reopened']} reopened, {result['matches_inactive']} no longer found."
    )
