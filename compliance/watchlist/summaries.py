"""One sentence per alert: stored in English with the alert (API, webhooks, mail), and worded
again in the reader's language on the watchlist page."""

from __future__ import annotations

from typing import Any

from compliance.phrases import Phrase
from compliance.watchlist.models import AlertKind


def alert_summary(kind: AlertKind, payload: dict[str, Any], organisation: str) -> Phrase:
    """What happened, from the alert's kind and public payload; `organisation` is the watched
    organisation's name."""
    cert_id = payload.get("cert_id", "")
    match kind:
        case AlertKind.certificate_issued:
            return Phrase(
                "Certificate %(cert_id)s of %(organisation)s was issued.",
                cert_id=cert_id,
                organisation=organisation,
            )
        case AlertKind.certificate_suspended:
            return Phrase(
                "Certificate %(cert_id)s of %(organisation)s was suspended.",
                cert_id=cert_id,
                organisation=organisation,
            )
        case AlertKind.certificate_reinstated:
            return Phrase(
                "Certificate %(cert_id)s of %(organisation)s was reinstated.",
                cert_id=cert_id,
                organisation=organisation,
            )
        case AlertKind.certificate_revoked:
            return Phrase(
                "Certificate %(cert_id)s of %(organisation)s was revoked.",
                cert_id=cert_id,
                organisation=organisation,
            )
        case AlertKind.certificate_expired:
            return Phrase(
                "Certificate %(cert_id)s of %(organisation)s expired.",
                cert_id=cert_id,
                organisation=organisation,
            )
        case AlertKind.certificate_superseded:
            return Phrase(
                "Certificate %(cert_id)s of %(organisation)s was superseded.",
                cert_id=cert_id,
                organisation=organisation,
            )
        case AlertKind.incident_confirmed:
            return Phrase(
                "Incident %(ref)s was confirmed as linked to a watched organisation.",
                ref=payload.get("incident", {}).get("ref", ""),
            )
        case AlertKind.challenge_admitted:
            return Phrase(
                "A challenge against certificate %(cert_id)s was admitted.", cert_id=cert_id
            )
