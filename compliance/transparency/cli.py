"""`hrd-sentinel keys ...` and `hrd-sentinel log ...`: rotate and list signing keys, export the
log, and audit a log (this service's or anyone's) from its API or from an exported file."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import click
from flask import current_app
from flask.cli import AppGroup
from pydantic import ValidationError

from compliance import db
from compliance.audit import service as audit
from compliance.clock import now
from compliance.credentials.jwk import public_jwk
from compliance.credentials.keys import (
    SigningKeyError,
    current_signing_key,
    load_signing_keys,
    public_keys_from_jwks,
    rotate_signing_key,
)
from compliance.transparency import service as log_service
from compliance.transparency.client import LogClient, LogUnreachable
from compliance.transparency.models import LogEntryKind, LogEntryPublic, TreeHeadPublic
from compliance.transparency.monitor import EntryCopy, LogReport, check_log

EXPORT_FORMAT = "hrd-sentinel-log/1"


class UnreadableFile(Exception):
    """A file given to `log verify` that is not what it should be."""


@click.group("keys", cls=AppGroup)
def keys_group() -> None:
    """Signing keys of certificates and tree heads."""


@keys_group.command("rotate")
def keys_rotate() -> None:
    """Add a signing key that signs from now on; older keys stay published for verification."""
    key = rotate_signing_key(current_app.config["SIGNING_KEY_DIR"])
    moment = now()
    with db.session_scope() as session:
        entry = log_service.append(
            session=session,
            kind=LogEntryKind.key_rotated,
            payload={
                "kid": key.kid,
                "fingerprint": key.fingerprint,
                "jwk": public_jwk(key.public_key),
            },
            now=moment,
        )
        audit.record(
            session=session,
            actor=None,
            action="key.rotated",
            details={"kid": key.kid, "fingerprint": key.fingerprint, "log_index": entry.index},
            now=moment,
        )
        head = log_service.current_head(session=session, key=key, now=moment)
        session.commit()
    click.echo(f"Added signing key {key.number}: kid {key.kid}, fingerprint {key.fingerprint}.")
    click.echo(
        f"It signs from now on; older keys stay in keys.json. Logged as entry {entry.index}; "
        f"tree head of {head.tree_size} entries signed with the new key."
    )


@keys_group.command("list")
def keys_list() -> None:
    """List the signing keys, newest (the one signing) first."""
    keys = load_signing_keys(current_app.config["SIGNING_KEY_DIR"])
    if not keys:
        click.echo("No signing key yet; run `hrd-sentinel keys rotate` to create one.")
        return
    for position, key in enumerate(reversed(keys)):
        note = "  (signs now)" if position == 0 else ""
        click.echo(f"key {key.number:04d}  kid {key.kid}  fingerprint {key.fingerprint}{note}")


@click.group("log", cls=AppGroup)
def log_group() -> None:
    """The public transparency log."""


@log_group.command("export")
@click.argument("file", type=click.File("w", encoding="utf-8", lazy=True))
def log_export(file: TextIO) -> None:
    """Write a signed tree head and every entry it covers to FILE (- for standard output)."""
    with db.session_scope() as session:
        head = log_service.current_head(
            session=session,
            key=current_signing_key(current_app.config["SIGNING_KEY_DIR"]),
            now=now(),
        )
        session.commit()
        signed = TreeHeadPublic.from_row(head)
        file.write(f'{{"format": "{EXPORT_FORMAT}",\n"head": {signed.model_dump_json()},\n')
        file.write('"entries": [')
        for position, row in enumerate(
            log_service.iter_entries(session=session, end=head.tree_size)
        ):
            file.write(
                ("\n" if position == 0 else ",\n") + LogEntryPublic.from_row(row).model_dump_json()
            )
        file.write("\n]}\n")
    click.echo(f"Exported {signed.tree_size} entries and their signed tree head.", err=True)


@log_group.command("verify")
@click.option(
    "--url", "base_url", help="Address of an HRD Sentinel service, e.g. https://example.org"
)
@click.option(
    "--entries",
    "entries_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file written by `hrd-sentinel log export`.",
)
@click.option(
    "--keys",
    "keys_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The service's keys.json (/.well-known/hrd-sentinel/keys.json), obtained separately.",
)
@click.option(
    "--previous-head",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A signed tree head you saw before: the log must only have grown since.",
)
@click.option(
    "--save-head",
    type=click.Path(dir_okay=False, path_type=Path),
    help="When the log is intact, write the head checked here (your next --previous-head).",
)
@click.option(
    "--inclusion-sample",
    type=click.IntRange(0, 1_000_000),
    default=32,
    show_default=True,
    help="With --url: how many entries, spread over the log, to ask inclusion proofs for.",
)
@click.option("--timeout", type=click.FloatRange(1, 600), default=20.0, show_default=True)
def log_verify(
    base_url: str | None,
    entries_file: Path | None,
    keys_file: Path,
    previous_head: Path | None,
    save_head: Path | None,
    inclusion_sample: int,
    timeout: float,
) -> None:
    """Recompute the log's tree and check its signed head, proofs and consistency."""
    if (base_url is None) == (entries_file is None):
        raise click.UsageError("give either --url or --entries")
    try:
        keys = public_keys_from_jwks(_read_json(keys_file, "the keys file"))
        earlier = _read_json(previous_head, "the previous head") if previous_head else None
        if base_url is not None:
            with LogClient(base_url, timeout=timeout) as client:
                head = client.head()
                source = f"the log at {client.base_url}"
                size = head.get("tree_size")
                report = check_log(
                    head=head,
                    entries=client.entries(end=size if isinstance(size, int) else None),
                    keys=keys,
                    previous_head=earlier,
                    proofs=client,
                    inclusion_sample=inclusion_sample,
                )
        else:
            head, entries = _read_export(entries_file)
            source = f"the exported log {entries_file}"
            report = check_log(head=head, entries=entries, keys=keys, previous_head=earlier)
    except (SigningKeyError, UnreadableFile, LogUnreachable) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    _print_report(source, head, report)
    if not report.intact:
        sys.exit(1)
    if save_head is not None:
        save_head.write_text(json.dumps(head, indent=2) + "\n", encoding="utf-8")


def _print_report(source: str, head: dict[str, Any], report: LogReport) -> None:
    click.echo(f"Checked {source}: signed tree head of {head.get('tree_size')} entries.")
    for check in report.checks:
        label = f"ok    {check.name}" if check.passed else f"FAIL  {check.failure}"
        click.echo(f"  {label}: {check.detail}")
    if report.intact:
        click.echo("Verdict: the log is intact.")
    else:
        click.echo(f"Verdict: the log is NOT intact ({', '.join(report.failures)}).")


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise UnreadableFile(f"{what} ({path}) is not readable JSON: {error}") from error


def _read_export(path: Path) -> tuple[dict[str, Any], Iterator[EntryCopy]]:
    document = _read_json(path, "the log export")
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise UnreadableFile(f"{path} is not a log export ({EXPORT_FORMAT})")
    head, entries = document.get("head"), document.get("entries")
    if not isinstance(head, dict) or not isinstance(entries, list):
        raise UnreadableFile(f"{path} has no signed head and list of entries")
    try:
        parsed = [LogEntryPublic.model_validate(entry) for entry in entries]
    except ValidationError as error:
        raise UnreadableFile(f"{path} holds entries that are not log entries: {error}") from error
    return head, (EntryCopy(e.index, e.entry, e.leaf_hash) for e in parsed)
