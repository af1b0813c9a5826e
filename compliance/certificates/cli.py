"""`hrd-sentinel verify FILE --keys keys.json`: check a certificate offline, with nothing but the
published public keys (no database, no network)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from compliance.certificates.credential import cert_id_of
from compliance.certificates.documents import UnreadableCertificate, offline_checks, read_credential
from compliance.clock import now
from compliance.credentials.keys import public_keys_from_jwks

MAX_FILE_BYTES = 20 * 2**20


@click.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--keys",
    "keys_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The service's keys.json (/.well-known/hrd-sentinel/keys.json), obtained separately.",
)
def verify_command(file: Path, keys_file: Path) -> None:
    """Check a certificate's signature and validity period offline (its JSON or its PDF).

    Exits 1 when it is not valid. Whether it is still active (not suspended or revoked) is
    only known online: POST /api/v1/verify or the /verify page.
    """
    try:
        keys = public_keys_from_jwks(json.loads(keys_file.read_text(encoding="utf-8")))
        data = file.read_bytes()
        if len(data) > MAX_FILE_BYTES:
            raise UnreadableCertificate(f"{file} is larger than a certificate can be")
        source, credential = read_credential(data)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    cert_id = cert_id_of(credential) or "(no certificate id)"
    where = "attached to the PDF" if source == "pdf" else "in the JSON file"
    click.echo(f"Certificate {cert_id}, {where} {file.name}:")
    checks = offline_checks(credential, keys=keys, now=now())
    for check in checks:
        click.echo(f"  {'ok  ' if check.passed else 'FAIL'}  {check.name}: {check.detail}")
    if all(check.passed for check in checks):
        click.echo(
            "Verdict: genuine and within its validity period. Check its current status "
            "(suspended or revoked?) online at /verify."
        )
        return
    click.echo("Verdict: NOT valid.")
    sys.exit(1)
