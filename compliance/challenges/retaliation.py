"""Retaliation watch: a new incident that names a challenger (its organisation or the community
it speaks for) and is linked to the company it challenged alerts the reviewers.

Runs as the job `challenges.retaliation_watch`, queued when incident records are stored and
every 15 minutes (which also catches links found later by re-screening). It never runs inside
an import. Each (challenge, incident) pair alerts once. Alerts are protected: reviewers see
them on the case and triage pages and receive an outbox message; nothing reaches the company.

What counts:
- *new*: the incident's current version was recorded after the challenge was filed, and the
  incident may have happened after it (its date, read at its precision, is not earlier);
- *names the challenger*: the filer organisation's name or an alias, or the community named in
  the challenge, appears word for word (normalised as company names are: case, accents,
  punctuation, particles) in the victims' names, the narrative, the location detail, the region
  or the defender groups. The reporter is not read: a challenger reporting an incident is not
  its target;
- *linked to the company*: a live match (suggested or confirmed, not dismissed) of the incident
  to the challenged organisation, or the company's name or an alias among the companies alleged.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from compliance.accounts.models import Organisation
from compliance.challenges.models import (
    Challenge,
    ChallengeFiler,
    ChallengeState,
    RetaliationAlert,
    RetaliationWatchRun,
)
from compliance.incidents.models import Incident, IncidentProtected, IncidentVersion
from compliance.matching import normalise_name
from compliance.notifications import service as outbox
from compliance.screening.models import Match, MatchStatus

WATCH_KIND = "challenges.retaliation_watch"
CHUNK = 500
CLOSED = frozenset({ChallengeState.dismissed, ChallengeState.upheld, ChallengeState.inadmissible})


# --- The pure core --------------------------------------------------------------------------


def tokens(text: str | None) -> tuple[str, ...]:
    return normalise_name(text).tokens if text and text.strip() else ()


def contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    """`needle` appears in `haystack` as consecutive words."""
    size = len(needle)
    if not size or size > len(haystack):
        return False
    return any(
        tuple(haystack[i : i + size]) == tuple(needle) for i in range(len(haystack) - size + 1)
    )


def latest_possible_date(occurred_on: date, precision: str) -> date:
    """The last day an incident recorded at `precision` may have happened."""
    if precision == "year":
        return date(occurred_on.year, 12, 31)
    if precision == "month":
        last = calendar.monthrange(occurred_on.year, occurred_on.month)[1]
        return date(occurred_on.year, occurred_on.month, last)
    return occurred_on


@dataclass(frozen=True)
class IncidentText:
    """What the watch reads of one incident's current version."""

    incident_id: int
    version: int
    recorded_at: datetime
    latest_date: date
    fields: dict[str, tuple[str, ...]]  # field label -> normalised words
    companies_alleged: frozenset[tuple[str, ...]]
    matched_organisations: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Watched:
    """One challenge as the watch needs it: who filed (protected), whom it challenges."""

    challenge_id: int
    case_number: str
    filed_at: datetime
    organisation_id: int
    challenger_names: dict[str, tuple[str, ...]]  # label -> normalised words
    company_names: frozenset[tuple[str, ...]]


@dataclass(frozen=True)
class Finding:
    named: list[str]
    linked_by: list[str]


def assess(watched: Watched, incident: IncidentText) -> Finding | None:
    """An alert's reasons, or None when the incident is not new, does not name the challenger
    or is not linked to the challenged company."""
    if incident.recorded_at < watched.filed_at:
        return None
    if incident.latest_date < watched.filed_at.date():
        return None
    linked = []
    if watched.organisation_id in incident.matched_organisations:
        linked.append("matched to the challenged company")
    if watched.company_names & incident.companies_alleged:
        linked.append("the challenged company is among the companies alleged")
    if not linked:
        return None
    named = [
        f"{label} in {where}"
        for label, needle in watched.challenger_names.items()
        for where, words in incident.fields.items()
        if contains(words, needle)
    ]
    return Finding(named=named, linked_by=linked) if named else None


# --- Reading what the core needs ------------------------------------------------------------


def watched_challenges(*, session: Session, now: datetime, watch_days: int) -> list[Watched]:
    """Open challenges, and closed ones for `watch_days` after their decision."""
    horizon = now - timedelta(days=watch_days)
    rows = session.exec(
        select(Challenge, ChallengeFiler)
        .join(ChallengeFiler, ChallengeFiler.challenge_id == Challenge.id)
        .where(
            sa.or_(
                Challenge.state.not_in(CLOSED),
                Challenge.decided_at >= horizon,
            )
        )
        .order_by(Challenge.id)
    ).all()
    organisations = {
        o.id: o
        for o in session.exec(
            select(Organisation).where(
                Organisation.id.in_(
                    {c.organisation_id for c, _f in rows}
                    | {f.organisation_id for _c, f in rows if f.organisation_id}
                )
            )
        )
    }
    watched = []
    for challenge, filer in rows:
        names: dict[str, tuple[str, ...]] = {}
        filer_org = organisations.get(filer.organisation_id) if filer.organisation_id else None
        if filer_org is not None:
            for label, name in [
                ("the challenger's name", filer_org.name),
                *[("an alias of the challenger", alias) for alias in filer_org.aliases or []],
            ]:
                if tokens(name):
                    names[f"{label} ({name})"] = tokens(name)
        if tokens(filer.community):
            names[f"the community ({filer.community})"] = tokens(filer.community)
        if not names:
            continue
        company = organisations[challenge.organisation_id]
        watched.append(
            Watched(
                challenge_id=challenge.id,
                case_number=challenge.case_number,
                filed_at=challenge.filed_at,
                organisation_id=challenge.organisation_id,
                challenger_names=names,
                company_names=frozenset(
                    t for t in (tokens(n) for n in [company.name, *(company.aliases or [])]) if t
                ),
            )
        )
    return watched


def candidate_incidents(
    *, session: Session, since: datetime, organisation_ids: Iterable[int]
) -> list[int]:
    """Incidents with a version recorded since `since`, or a match to a challenged company
    found or changed since then."""
    recorded = sa.select(IncidentVersion.incident_id).where(IncidentVersion.created_at >= since)
    matched = sa.select(Match.incident_id).where(
        Match.organisation_id.in_(list(organisation_ids)),
        sa.or_(Match.found_at >= since, Match.updated_at >= since),
    )
    ids = session.execute(sa.union(recorded, matched)).scalars().all()
    return sorted(set(ids))


def _texts(session: Session, incident_ids: Sequence[int], organisation_ids: set[int]):
    rows = session.execute(
        sa.select(IncidentVersion, IncidentProtected)
        .join(
            Incident,
            sa.and_(
                Incident.id == IncidentVersion.incident_id,
                Incident.current_version == IncidentVersion.version,
            ),
        )
        .outerjoin(IncidentProtected, IncidentProtected.version_id == IncidentVersion.id)
        .where(IncidentVersion.incident_id.in_(incident_ids), Incident.withdrawn.is_(False))
    ).all()
    matches: dict[int, set[int]] = {}
    for incident_id, organisation_id in session.execute(
        sa.select(Match.incident_id, Match.organisation_id).where(
            Match.incident_id.in_(incident_ids),
            Match.organisation_id.in_(organisation_ids),
            Match.active.is_(True),
            Match.status != MatchStatus.dismissed,
        )
    ):
        matches.setdefault(incident_id, set()).add(organisation_id)
    for version, protected in rows:
        fields = {
            "the region": tokens(version.region),
            "the defender groups": tokens(" , ".join(version.defender_groups or [])),
        }
        if protected is not None:
            victims = [v.get("name") for v in protected.victims or [] if v.get("name")]
            fields["the victims named"] = tokens(" , ".join(victims))
            fields["the narrative"] = tokens(protected.narrative)
            fields["the location detail"] = tokens(protected.location_detail)
        yield IncidentText(
            incident_id=version.incident_id,
            version=version.version,
            recorded_at=version.created_at,
            latest_date=latest_possible_date(version.occurred_on, str(version.date_precision)),
            fields=fields,
            companies_alleged=frozenset(
                t for t in (tokens(n) for n in version.companies_alleged or []) if t
            ),
            matched_organisations=frozenset(matches.get(version.incident_id, ())),
        )


@dataclass
class WatchOutcome:
    challenges: int = 0
    incidents_checked: int = 0
    alerts: list[tuple[str, int]] = field(default_factory=list)  # (case number, incident id)

    def as_dict(self) -> dict:
        return {
            "challenges": self.challenges,
            "incidents_checked": self.incidents_checked,
            "alerts": len(self.alerts),
        }


def watch(
    *, session: Session, since: datetime | None, watch_days: int, now: datetime
) -> WatchOutcome:
    """Check incidents recorded (or matched) since `since` (default: since the oldest watched
    challenge was filed) against the watched challenges; alert reviewers once per pair."""
    outcome = WatchOutcome()
    watched = watched_challenges(session=session, now=now, watch_days=watch_days)
    outcome.challenges = len(watched)
    if not watched:
        return outcome
    oldest = min(w.filed_at for w in watched)
    since = max(since, oldest) if since is not None else oldest
    organisation_ids = {w.organisation_id for w in watched}
    candidates = candidate_incidents(
        session=session, since=since, organisation_ids=organisation_ids
    )
    existing = {
        (challenge_id, incident_id)
        for challenge_id, incident_id in session.execute(
            sa.select(RetaliationAlert.challenge_id, RetaliationAlert.incident_id).where(
                RetaliationAlert.challenge_id.in_([w.challenge_id for w in watched])
            )
        ).all()
    }
    for start in range(0, len(candidates), CHUNK):
        for incident in _texts(session, candidates[start : start + CHUNK], organisation_ids):
            outcome.incidents_checked += 1
            for challenge in watched:
                if (challenge.challenge_id, incident.incident_id) in existing:
                    continue
                finding = assess(challenge, incident)
                if finding is None:
                    continue
                if _alert(session, challenge, incident, finding, now):
                    existing.add((challenge.challenge_id, incident.incident_id))
                    outcome.alerts.append((challenge.case_number, incident.incident_id))
    return outcome


def _alert(
    session: Session, watched: Watched, incident: IncidentText, finding: Finding, now: datetime
) -> bool:
    """Store the alert and tell the reviewers; False when another run stored it first."""
    try:
        with session.begin_nested():
            session.add(
                RetaliationAlert(
                    challenge_id=watched.challenge_id,
                    incident_id=incident.incident_id,
                    incident_version=incident.version,
                    named=finding.named,
                    linked_by=finding.linked_by,
                    found_at=now,
                )
            )
    except IntegrityError:
        return False
    ref = session.get(Incident, incident.incident_id).ref
    outbox.queue(
        session=session,
        kind="challenge.retaliation_alert",
        recipients=outbox.reviewers(session=session),
        subject=f"[{watched.case_number}] Retaliation watch: incident {ref}",
        body=(
            f"Incident {ref} (version {incident.version}), recorded after challenge "
            f"{watched.case_number} was filed, names the challenger and is linked to the "
            "challenged company. See the case page for what matched. Protected: never share "
            "this with the company.\n"
        ),
        now=now,
    )
    return True


def periodic_since(*, session: Session, overlap: timedelta) -> datetime | None:
    """Where a periodic run starts: a little before the previous periodic run started."""
    last = session.exec(
        select(RetaliationWatchRun).order_by(RetaliationWatchRun.id.desc()).limit(1)
    ).first()
    return last.started_at - overlap if last is not None else None


def record_run(*, session: Session, outcome: WatchOutcome, started_at: datetime) -> None:
    session.add(
        RetaliationWatchRun(
            started_at=started_at,
            incidents_checked=outcome.incidents_checked,
            alerts=len(outcome.alerts),
        )
    )
