"""Ticking the scheduler: in a daemon thread of the web process, or in `hrd-sentinel scheduler`."""

from __future__ import annotations

import logging
import threading

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from compliance import db
from compliance.clock import now
from compliance.scheduling import service as scheduling_service

log = logging.getLogger(__name__)


def tick_once(app: Flask) -> list[str]:
    """One tick in its own transaction; a database hiccup is logged and retried next tick."""
    with app.app_context(), db.session_scope(app) as session:
        try:
            started = scheduling_service.tick(session=session, now=now())
            session.commit()
        except SQLAlchemyError:
            session.rollback()
            log.exception("scheduler tick failed; will retry")
            return []
        return started


def run_until(app: Flask, stop: threading.Event) -> None:
    """Tick every SCHEDULER_TICK_SECONDS until `stop` is set."""
    interval = float(app.config["SCHEDULER_TICK_SECONDS"])
    while not stop.is_set():
        tick_once(app)
        stop.wait(interval)


def start_in_background(app: Flask) -> threading.Event:
    """A daemon thread ticking for this process; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run_until, args=(app, stop), name="hrd-scheduler", daemon=True).start()
    return stop


def init_app(app: Flask) -> None:
    """With SCHEDULER_IN_WEB, the first request of each web process starts its ticking thread
    (never at import or in CLI commands; never in tests, which tick explicitly)."""
    if not app.config["SCHEDULER_IN_WEB"] or app.config.get("TESTING"):
        return
    lock = threading.Lock()

    @app.before_request
    def _start_scheduler() -> None:
        if "hrd_scheduler" in app.extensions:
            return
        with lock:
            if "hrd_scheduler" not in app.extensions:
                app.extensions["hrd_scheduler"] = start_in_background(app)
