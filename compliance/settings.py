"""Every setting the service reads, with its default.

Each can be set from the environment as ``COMPLIANCE_<NAME>`` (values are parsed as JSON when
they can be, so ``COMPLIANCE_JOB_THREADS=4`` is an integer). Settings whose default depends on
the instance folder are filled in by `resolve`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Storage
    "DATABASE_URL": None,  # None: SQLite file in the instance folder
    "UPLOAD_DIR": None,  # None: <instance>/uploads
    "MAX_CONTENT_LENGTH": 25 * 2**20,  # bytes of one request body
    "EVIDENCE_MAX_BYTES": 20 * 2**20,  # one evidence file
    "WORKBOOK_MAX_BYTES": 10 * 2**20,  # one uploaded xlsx workbook
    # Secrets (generated into the instance folder on first start when unset)
    "SECRET_KEY": None,
    "SIGNING_KEY_DIR": None,  # None: <instance>/signing-keys
    # Jobs: a thread pool in the web process unless REDIS_URL is set
    "REDIS_URL": None,
    "RQ_QUEUE": "hrd-sentinel",
    "JOB_THREADS": 2,
    "JOB_TIMEOUT_SECONDS": 1800,
    "TASK_MODULES": [],  # extra modules that register job kinds (plugins, tests)
    "SCHEDULER_IN_WEB": True,  # web processes tick the scheduler (or `hrd-sentinel scheduler`)
    "SCHEDULER_TICK_SECONDS": 30,
    # Accounts
    "TOKEN_DEFAULT_EXPIRY_DAYS": 90,
    "TOKEN_MAX_EXPIRY_DAYS": 365,
    "LOGIN_MAX_FAILURES": 10,
    "LOGIN_LOCKOUT_MINUTES": 15,
    "SESSION_COOKIE_SECURE": False,  # set true behind TLS
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    # Request budgets per client address ("10/minute"; empty: no limit)
    "RATE_LIMIT_LOGIN": "10/minute",  # sign-in form posts
    "RATE_LIMIT_TOKENS": "10/minute",  # API token requests (e-mail and password)
    "RATE_LIMIT_VERIFY": "300/minute",  # public certificate verifications
    "RATE_LIMIT_STORAGE_URL": None,  # where counts live; None: REDIS_URL, else process memory
    # Public address, used in links, QR codes and e-mails
    "BASE_URL": "http://127.0.0.1:5000",
    # Pagination
    "PAGE_DEFAULT_LIMIT": 50,
    "PAGE_MAX_LIMIT": 500,
    # Incident imports and feeds
    "INCIDENT_IMPORT_MAX_ROWS": 200_000,  # records in one imported file or feed body
    "INCIDENT_IMPORT_MAX_PROBLEMS": 1000,  # problems listed in one import report
    "FEEDS_ALLOW_PRIVATE": False,  # let feeds reach private, loopback and link-local addresses
    "FEEDS_TIMEOUT_SECONDS": 20,  # connect and read timeout of one feed request
    "FEEDS_RETRIES": 2,  # retries of a feed request after a connection error or a 5xx
    "FEEDS_BACKOFF_SECONDS": 1.0,  # first retry delay, doubled each time
    "FEEDS_MAX_BYTES": 50 * 2**20,  # largest feed body; the download stops past it
    "FEEDS_MAX_REDIRECTS": 5,  # redirects followed, each checked like the first address
    "FEEDS_DOWNLOAD_SECONDS": 300,  # longest a whole feed body may take to arrive
    "FEEDS_ALLOWED_NETWORKS": [],  # CIDRs feeds may reach although not public, e.g. ["10.8.0.0/16"]
    # Supplier and site datasets
    "DATASET_MAX_BYTES": 64 * 2**20,  # one uploaded suppliers or sites file
    "DATASET_MAX_ROWS": 200_000,  # rows in one uploaded file
    # Investor portfolios
    "PORTFOLIO_MAX_BYTES": 16 * 2**20,  # one uploaded portfolio file
    "PORTFOLIO_MAX_ROWS": 50_000,  # holdings in one uploaded file
    "PORTFOLIO_WEIGHT_TOLERANCE": 1.0,  # weights may add up to 100 % plus or minus this
    # Screening incidents against organisations, suppliers and sites
    "SCREENING_RADIUS_KM": 10.0,  # sites this close to a precisely located incident match
    # Challenges: deadlines in days
    "CHALLENGE_ACKNOWLEDGE_DAYS": 10,  # reviewers acknowledge (or refuse) a filed challenge
    "CHALLENGE_RESPONSE_DAYS": 30,  # the company's window, from the acknowledgement
    "CHALLENGE_DECISION_DAYS": 30,  # reviewers decide, from the response or its missed deadline
    "CHALLENGE_REMINDER_DAYS": 3,  # reminders go out this long before a deadline
    "CHALLENGE_RETALIATION_WATCH_DAYS": 365,  # watch for retaliation this long after a decision
    # Notifications
    "SMTP_URL": None,  # smtp://user:password@host:587?starttls=true; None: outbox kept in the app
    "MAIL_FROM": "hrd-sentinel@localhost",  # sender address of every e-mail
    # Watchlist alerts delivered to investors' webhooks
    "WEBHOOKS_ALLOW_PRIVATE": False,  # let webhooks reach private, loopback, link-local hosts
    "WEBHOOKS_ALLOWED_NETWORKS": [],  # CIDRs webhooks may reach although not public
    "WEBHOOKS_TIMEOUT_SECONDS": 10,  # connect and read timeout of one delivery attempt
    "WEBHOOKS_MAX_ATTEMPTS": 6,  # attempts before a delivery is marked failed
    "WEBHOOKS_BACKOFF_SECONDS": 60.0,  # delay before the first retry, doubled at each retry
    "WEBHOOKS_MAX_PER_ORGANISATION": 10,  # webhooks one investor may register
}


def resolve(config: dict[str, Any], instance_path: str) -> None:
    """Fill the settings whose default lives in the instance folder."""
    instance = Path(instance_path)
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{instance / 'hrd-sentinel.sqlite3'}"
    if not config.get("UPLOAD_DIR"):
        config["UPLOAD_DIR"] = str(instance / "uploads")
    if not config.get("SIGNING_KEY_DIR"):
        config["SIGNING_KEY_DIR"] = str(instance / "signing-keys")
