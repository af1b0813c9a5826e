"""What changed between two runs of the same portfolio. Pure: two briefings in, changes out.

Holdings are paired by the organisation they resolve to (else by ISIN, LEI, then name), so a
re-ordered or re-weighted file does not show as holdings removed and added.
"""

from __future__ import annotations

from collections.abc import Sequence

from compliance.portfolios.briefing import (
    Changes,
    HoldingFinding,
    HoldingRef,
    IncidentChange,
    ValueChange,
)


def holding_key(finding: HoldingFinding) -> str:
    if finding.organisation_id is not None:
        return f"org:{finding.organisation_id}"
    if finding.isin:
        return f"isin:{finding.isin.upper()}"
    if finding.lei:
        return f"lei:{finding.lei.upper()}"
    return f"name:{' '.join(finding.name.casefold().split())}|{finding.country or ''}"


def _ref(finding: HoldingFinding) -> HoldingRef:
    return HoldingRef(
        position=finding.position, name=finding.name, organisation_id=finding.organisation_id
    )


def _status(finding: HoldingFinding) -> str:
    return finding.certificate.status if finding.certificate is not None else "none"


def compare(
    *,
    previous: Sequence[HoldingFinding],
    current: Sequence[HoldingFinding],
    previous_run: int,
) -> Changes:
    before = {holding_key(f): f for f in previous}
    after = {holding_key(f): f for f in current}
    added = [_ref(f) for key, f in after.items() if key not in before]
    removed = [_ref(f) for key, f in before.items() if key not in after]
    new_incidents: list[IncidentChange] = []
    status_changes: list[ValueChange] = []
    tier_changes: list[ValueChange] = []
    new_flags: list[ValueChange] = []
    for key, now_finding in after.items():
        then = before.get(key)
        if then is None:
            continue
        seen = {(i.ref, i.match_status) for i in then.incidents}
        for incident in now_finding.incidents:
            if (incident.ref, incident.match_status) not in seen:
                new_incidents.append(
                    IncidentChange(
                        position=now_finding.position,
                        name=now_finding.name,
                        ref=incident.ref,
                        match_status=incident.match_status,
                        occurred_on=incident.occurred_on,
                        most_severe=incident.most_severe,
                    )
                )
        pairs = (
            (status_changes, _status(then), _status(now_finding)),
            (tier_changes, then.tier, now_finding.tier),
        )
        for bucket, old, new in pairs:
            if old != new:
                bucket.append(
                    ValueChange(
                        position=now_finding.position, name=now_finding.name, before=old, after=new
                    )
                )
        old_flags = {flag.code for flag in then.red_flags}
        for flag in now_finding.red_flags:
            if flag.code not in old_flags:
                new_flags.append(
                    ValueChange(
                        position=now_finding.position,
                        name=now_finding.name,
                        before="",
                        after=flag.label,
                    )
                )
    return Changes(
        previous_run=previous_run,
        holdings_added=sorted(added, key=lambda r: r.position),
        holdings_removed=sorted(removed, key=lambda r: r.position),
        new_incidents=new_incidents,
        status_changes=status_changes,
        tier_changes=tier_changes,
        new_red_flags=new_flags,
    )
