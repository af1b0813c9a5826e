"""Watching organisations, and raising alerts when something happens to one of them.

Three places call in here with one line each: a certificate issued or changing status
(`certificate_changed`, from `certificates.status.append_to_log`), an incident match confirmed
(`match_confirmed`, from `screening.service.on_match_confirmed`) and a challenge admitted
(`challenge_admitted`, from `challenges.service.decide`). Each builds a payload of public data
only and calls `raise_alert`, which copies the alert to every investor watching the
organisation, queues an e-mail to the investor's users and a delivery to each of its webhooks.
Nothing is sent here and nothing commits: the caller's transaction carries it all.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlmodel import Session, select

from compliance import policy
from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation, OrganisationKind
from compliance.audit import service as audit
from compliance.certificates.models import Certificate, CertificateStatus
from compliance.errors import InvalidInput, NotFound, ProblemDetail
from compliance.incidents.models import Incident, IncidentPublic, IncidentRecord, IncidentVersion
from compliance.notifications import service as notifications
from compliance.pagination import Page, paginate
from compliance.phrases import Phrase
from compliance.portfolios.models import Portfolio, PortfolioHolding
from compliance.watchlist.models import Alert, AlertKind, Watch, WatchAdded, WatchPublic
from compliance.watchlist.summaries import alert_summary
from compliance.webhooks import service as webhook_service

WATCHABLE = (OrganisationKind.company, OrganisationKind.financial_institution)
CERTIFICATE_KINDS = {
    CertificateStatus.active: AlertKind.certificate_reinstated,  # only reinstating leads back
    CertificateStatus.suspended: AlertKind.certificate_suspended,
    CertificateStatus.revoked: AlertKind.certificate_revoked,
    CertificateStatus.expired: AlertKind.certificate_expired,
    CertificateStatus.superseded: AlertKind.certificate_superseded,
}


# --- The watchlist --------------------------------------------------------------------------


def _latest_certificates(session: Session, organisation_ids: list[int]) -> dict[int, Certificate]:
    if not organisation_ids:
        return {}
    rows = session.exec(
        select(Certificate)
        .where(Certificate.organisation_id.in_(organisation_ids))
        .order_by(Certificate.id)
    ).all()
    return {certificate.organisation_id: certificate for certificate in rows}  # last wins


def list_page(
    *, session: Session, investor_id: int, limit: int, cursor: str | None
) -> Page[WatchPublic]:
    statement = (
        sa.select(Watch, Organisation)
        .join(Organisation, Organisation.id == Watch.organisation_id)
        .where(Watch.investor_id == investor_id)
    )
    page = paginate(
        session,
        statement,
        key=Watch.id,
        key_of=lambda row: row[0].id,
        limit=limit,
        cursor=cursor,
    )
    certificates = _latest_certificates(session, [watch.organisation_id for watch, _ in page.items])
    items = []
    for watch, organisation in page.items:
        certificate = certificates.get(watch.organisation_id)
        items.append(
            WatchPublic(
                organisation_id=organisation.id,
                organisation_name=organisation.name,
                kind=str(organisation.kind),
                country=organisation.country,
                portfolio_id=watch.portfolio_id,
                watched_since=watch.created_at,
                certificate=certificate.cert_id if certificate else None,
                certificate_status=str(certificate.status) if certificate else None,
                tier=str(certificate.tier) if certificate else None,
            )
        )
    return Page(items=items, next_cursor=page.next_cursor)


def add(
    *,
    session: Session,
    actor: Actor,
    organisation_ids: Sequence[int],
    now: datetime,
    portfolio_id: int | None = None,
) -> WatchAdded:
    """Watch these organisations; those watched already stay as they are. Unknown ids and
    organisations that are not companies or financial institutions refuse the whole request."""
    wanted = list(dict.fromkeys(organisation_ids))
    found = {
        organisation.id: organisation
        for organisation in session.exec(
            select(Organisation).where(Organisation.id.in_(wanted))
        ).all()
    }
    problems = []
    for index, organisation_id in enumerate(organisation_ids):
        organisation = found.get(organisation_id)
        if organisation is None:
            detail = Phrase(
                "There is no organisation %(organisation_id)s.", organisation_id=organisation_id
            )
        elif organisation.kind not in WATCHABLE:
            detail = Phrase(
                "%(name)s is not a company or a financial institution.", name=organisation.name
            )
        else:
            continue
        problems.append(ProblemDetail(pointer=f"/organisation_ids/{index}", detail=detail))
    if problems:
        raise InvalidInput(
            Phrase(
                "%(count)s of the organisations cannot be watched; nothing was added.",
                count=len(problems),
            ),
            errors=problems,
        )
    watched = set(
        session.exec(
            select(Watch.organisation_id).where(
                Watch.investor_id == actor.organisation_id, Watch.organisation_id.in_(wanted)
            )
        ).all()
    )
    new = [organisation_id for organisation_id in wanted if organisation_id not in watched]
    for organisation_id in new:
        session.add(
            Watch(
                investor_id=actor.organisation_id,
                organisation_id=organisation_id,
                portfolio_id=portfolio_id,
                created_by_id=actor.id,
                created_at=now,
            )
        )
    if new:
        session.flush()
        audit.record(
            session=session,
            actor=actor,
            action="watchlist.added",
            details={"organisations": new, "portfolio_id": portfolio_id},
            now=now,
        )
    return WatchAdded(
        added=len(new),
        already_watched=len(wanted) - len(new),
        watching=_count(session, actor.organisation_id),
    )


def _count(session: Session, investor_id: int) -> int:
    return session.execute(
        sa.select(sa.func.count()).select_from(Watch).where(Watch.investor_id == investor_id)
    ).scalar_one()


def remove(*, session: Session, actor: Actor, organisation_id: int, now: datetime) -> None:
    watch = session.exec(
        select(Watch).where(
            Watch.investor_id == actor.organisation_id, Watch.organisation_id == organisation_id
        )
    ).first()
    if watch is None:
        raise NotFound(
            Phrase(
                "You do not watch organisation %(organisation_id)s.",
                organisation_id=organisation_id,
            )
        )
    session.delete(watch)
    audit.record(
        session=session,
        actor=actor,
        action="watchlist.removed",
        details={"organisation_id": organisation_id},
        now=now,
    )


def watch_portfolio(
    *, session: Session, actor: Actor, portfolio_id: int, now: datetime
) -> WatchAdded:
    """Watch every holding of the investor's portfolio that is resolved to an organisation."""
    portfolio = session.exec(
        select(Portfolio).where(
            Portfolio.id == portfolio_id,
            policy.scope(actor, Portfolio),
            Portfolio.organisation_id == actor.organisation_id,
        )
    ).first()
    if portfolio is None:
        raise NotFound(
            Phrase(
                "There is no portfolio %(portfolio_id)s that you can see.",
                portfolio_id=portfolio_id,
            )
        )
    organisation_ids = session.exec(
        select(PortfolioHolding.organisation_id)
        .where(
            PortfolioHolding.portfolio_id == portfolio.id,
            PortfolioHolding.organisation_id.is_not(None),
        )
        .distinct()
    ).all()
    if not organisation_ids:
        raise InvalidInput(
            Phrase(
                "No holding of portfolio %(name)s is resolved to a known organisation yet; map "
                "the holdings first.",
                name=repr(portfolio.name),
            )
        )
    return add(
        session=session,
        actor=actor,
        organisation_ids=sorted(organisation_ids),
        portfolio_id=portfolio.id,
        now=now,
    )


# --- Alerts ---------------------------------------------------------------------------------


def alerts_page(
    *, session: Session, investor_id: int, limit: int, cursor: str | None
) -> Page[Alert]:
    return paginate(
        session,
        sa.select(Alert).where(Alert.investor_id == investor_id),
        key=Alert.id,
        key_of=lambda row: row[0].id,
        limit=limit,
        cursor=cursor,
    )


def watchers(*, session: Session, organisation_id: int) -> list[int]:
    return list(
        session.exec(
            select(Watch.investor_id)
            .where(Watch.organisation_id == organisation_id)
            .order_by(Watch.investor_id)
        ).all()
    )


def _mail_body(organisation: Organisation, summary: str, payload: dict[str, Any]) -> str:
    lines = [summary, "", f"Organisation: {organisation.name}"]
    for key, value in payload.items():
        if isinstance(value, dict):
            lines += [f"{key} {inner.replace('_', ' ')}: {v}" for inner, v in value.items() if v]
        elif value:
            lines.append(f"{key.replace('_', ' ')}: {value}")
    base = current_app.config["BASE_URL"].rstrip("/") if has_app_context() else ""
    lines += ["", f"Your watchlist: {base}/watchlist"]
    return "\n".join(lines)


def raise_alert(
    *,
    session: Session,
    organisation_id: int,
    kind: AlertKind,
    payload: dict[str, Any],
    now: datetime,
) -> list[Alert]:
    """One alert per investor watching the organisation, with its e-mails and deliveries.
    `payload` must hold public data only: it leaves the building by e-mail and webhook."""
    investors = watchers(session=session, organisation_id=organisation_id)
    if not investors:
        return []
    organisation = session.get(Organisation, organisation_id)
    summary = alert_summary(kind, payload, organisation.name)
    alerts = []
    for investor_id in investors:
        alert = Alert(
            event_id=str(uuid.uuid4()),
            investor_id=investor_id,
            organisation_id=organisation_id,
            kind=kind,
            summary=summary[:500],
            payload=payload,
            created_at=now,
        )
        session.add(alert)
        session.flush()
        notifications.queue(
            session=session,
            kind="watchlist.alert",
            recipients=notifications.users_of(session=session, organisation_id=investor_id),
            subject=f"Watchlist alert: {summary}"[:300],
            body=_mail_body(organisation, summary, payload),
            now=now,
        )
        webhook_service.queue_for_alert(session=session, alert=alert, now=now)
        alerts.append(alert)
    return alerts


# --- The three triggers ---------------------------------------------------------------------


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _certificate_payload(certificate: Certificate) -> dict[str, Any]:
    """What the public register shows of a certificate."""
    return {
        "cert_id": certificate.cert_id,
        "status": str(certificate.status),
        "tier": str(certificate.tier),
        "score": certificate.score,
        "issued_at": _stamp(certificate.issued_at),
        "expires_at": _stamp(certificate.expires_at),
        "status_changed_at": _stamp(certificate.status_changed_at),
        "status_reason": certificate.status_reason,
    }


def certificate_changed(
    *,
    session: Session,
    issued: Certificate | None,
    changed: Sequence[Certificate],
    now: datetime,
) -> None:
    """A certificate was issued, or changed status (suspended, reinstated, revoked, expired,
    superseded)."""
    events = [(issued, AlertKind.certificate_issued)] if issued is not None else []
    events += [(c, CERTIFICATE_KINDS[CertificateStatus(c.status)]) for c in changed]
    for certificate, kind in events:
        raise_alert(
            session=session,
            organisation_id=certificate.organisation_id,
            kind=kind,
            payload=_certificate_payload(certificate),
            now=now,
        )


def match_confirmed(*, session: Session, match: Any, now: datetime) -> None:
    """A reviewer confirmed an incident as linked to the organisation: its public facts only
    (never the protected fields, the reviewer's reason or the match's explanation)."""
    incident = session.get(Incident, match.incident_id)
    version = session.exec(
        select(IncidentVersion).where(
            IncidentVersion.incident_id == incident.id,
            IncidentVersion.version == incident.current_version,
        )
    ).one()
    public = IncidentPublic.of(IncidentRecord(incident=incident, version=version))
    facts = public.model_dump(
        mode="json",
        include={
            "ref",
            "occurred_on",
            "date_precision",
            "country",
            "region",
            "sector",
            "attack_types",
            "defender_groups",
            "collective_targeted",
            "perpetrator_type",
            "verification_status",
        },
    )
    raise_alert(
        session=session,
        organisation_id=match.organisation_id,
        kind=AlertKind.incident_confirmed,
        payload={
            "incident": facts,
            "linked_through": str(match.entity_kind),
            "method": str(match.method),
            "score": match.score,
        },
        now=now,
    )


def challenge_admitted(*, session: Session, challenge: Any, now: datetime) -> None:
    """A challenge against the organisation's certificate was acknowledged (admitted): the
    public tracker's facts only, never who filed it, the grounds or the evidence."""
    certificate = session.get(Certificate, challenge.certificate_id)
    raise_alert(
        session=session,
        organisation_id=challenge.organisation_id,
        kind=AlertKind.challenge_admitted,
        payload={
            "case_number": challenge.case_number,
            "cert_id": certificate.cert_id,
            "claims": [dict(claim) for claim in challenge.claims],
            "filed_at": _stamp(challenge.filed_at),
            "acknowledged_at": _stamp(challenge.acknowledged_at),
            "respond_by": _stamp(challenge.respond_by),
        },
        now=now,
    )
