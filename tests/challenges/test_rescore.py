"""An upheld challenge with the outcome "rescore" scores the assessment again: a changed score
replaces the certificate (superseded, logged, the company told); an equal one changes nothing."""

from __future__ import annotations

import json
from datetime import date, timedelta

from flask import Flask
from sqlmodel import select

from compliance import db
from compliance.audit.models import AuditEvent
from compliance.certificates import service as certificate_service
from compliance.certificates.models import Certificate
from compliance.clock import now
from compliance.incidents import service as incident_service
from compliance.incidents.content import IncidentContent, IncidentDraft
from compliance.incidents.models import Incident
from compliance.screening.models import Match
from tests.certificates.support import certify
from tests.challenges.support import (
    COMMUNITY,
    assert_no_filer,
    decide,
    file_challenge,
    log_entries,
    outbox,
)
from tests.conftest import World
from tests.support.jobs import wait_for_jobs

COMPANY = "Minera Alfa S.A."


def _incident_ref(app: Flask, *, grave: bool = False) -> str:
    """A recent incident: a killing of a collective (grave), or the threat of a lawsuit."""
    with db.session_scope(app) as session:
        incident_service.apply_drafts(
            session=session,
            source="rescore-test",
            drafts=[
                IncidentDraft(
                    source_id="incident-1",
                    content=IncidentContent(
                        occurred_on=date.today() - timedelta(days=40),
                        country="CO",
                        attack_types=["killing"] if grave else ["intimidation"],
                        collective_targeted=grave,
                        people_affected=12 if grave else 1,
                    ),
                )
            ],
            import_id=None,
            created_by_id=None,
            now=now(),
        )
        session.commit()
        return session.exec(select(Incident.ref)).one()


def _confirm_match(app: Flask, world: World, ref: str) -> None:
    """A reviewer confirms that the challenge's linked incident is company A's."""
    with db.session_scope(app) as session:
        incident = session.exec(select(Incident).where(Incident.ref == ref)).one()
        organisation_id = world["company_a"].organisation_id
        session.add(
            Match(
                incident_id=incident.id,
                incident_version=1,
                entity_kind="organisation",
                entity_key=str(organisation_id),
                organisation_id=organisation_id,
                method="name",
                score=95,
                suggested=True,
                explanation="name 'Minera Alfa' = 'Minera Alfa S.A.'",
                path=[{"kind": "organisation", "id": organisation_id, "name": COMPANY}],
                status="confirmed",
                facts_fingerprint="0" * 64,
                finding_hash="0" * 64,
                reviewed_by_id=world["reviewer"].user_id,
                reviewed_at=now(),
            )
        )
        session.commit()


def _to_review(client, world: World, case: str) -> None:
    decide(client, world, case, action="acknowledge")
    answer = client.post(
        f"/api/v1/challenges/{case}/response",
        json={"response": "The incident happened far from our operations, we believe."},
        headers=world["company_a"].headers,
    )
    assert answer.status_code == 200, answer.get_json()


def _certificates(app: Flask) -> list[Certificate]:
    with db.session_scope(app) as session:
        rows = session.exec(select(Certificate).order_by(Certificate.id)).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def test_rescore_replaces_the_certificate_when_confirmed_incidents_lower_the_score(
    app: Flask, client, world: World
) -> None:
    cert_id = certify(app, organisation=COMPANY)
    ref = _incident_ref(app)
    wait_for_jobs(app)
    case = file_challenge(client, world, cert_id, incident_refs=[ref])
    _to_review(client, world, case)
    _confirm_match(app, world, ref)
    (before,) = _certificates(app)

    upheld = decide(
        client,
        world,
        case,
        action="uphold",
        outcome="rescore",
        reasons="The incident linked in the challenge is confirmed as the company's.",
    )
    assert upheld["state"] == "upheld" and upheld["outcome"] == "rescore"

    old, new = _certificates(app)
    assert new.score < before.score
    assert (old.status.value, old.superseded_by_id) == ("superseded", new.id)
    assert new.status.value == "active" and new.assessment_id == old.assessment_id
    assert new.expires_at == old.expires_at  # a re-score corrects, it does not renew
    public_old = client.get(f"/api/v1/certificates/{cert_id}").get_json()
    assert public_old["superseded_by"] == new.cert_id
    verified = client.post("/api/v1/verify", json={"cert_id": new.cert_id}).get_json()
    assert verified["valid"] is True, verified["summary"]
    with db.session_scope(app) as session:
        latest = certificate_service.for_assessment(
            session=session, assessment_id=old.assessment_id
        )
        assert latest.cert_id == new.cert_id

    entries = [json.loads(e) for e in log_entries(app)]
    assert [e["kind"] for e in entries[-3:]] == [
        "certificate.issued",
        "certificate.status_changed",
        "challenge.decided",
    ]
    rescore = entries[-1]["payload"]["rescore"]
    assert rescore["action"] == "reissued" and rescore["new_cert_id"] == new.cert_id
    assert rescore["score"] == new.score and rescore["previous_score"] == before.score
    with db.session_scope(app) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "certificate.rescored")
        ).one()
        assert event.details["new_cert_id"] == new.cert_id

    told = [m for m in outbox(app) if m.kind == "certificate.rescored"]
    company_users = {"company_a@example.org", "minera.alfa.s.a.@example.org"}
    assert company_users <= {m.to_address for m in told}
    for message in told:
        assert new.cert_id in message.body
        assert_no_filer(f"{message.subject}\n{message.body}", world)
        assert COMMUNITY not in message.body


def test_rescore_with_an_equal_score_changes_nothing(app: Flask, client, world: World) -> None:
    cert_id = certify(app, organisation=COMPANY)
    case = file_challenge(client, world, cert_id)
    _to_review(client, world, case)
    (before,) = _certificates(app)
    logged = len(log_entries(app))

    decide(
        client,
        world,
        case,
        action="uphold",
        outcome="rescore",
        reasons="Scoring again as of today, the evidence counts as it did.",
    )
    (after,) = _certificates(app)
    assert (after.cert_id, after.score, after.tier, after.status) == (
        before.cert_id,
        before.score,
        before.tier,
        before.status,
    )
    assert after.credential_sha256 == before.credential_sha256
    entries = [json.loads(e) for e in log_entries(app)[logged:]]
    assert [e["kind"] for e in entries] == ["challenge.decided"]
    assert entries[0]["payload"]["rescore"]["action"] == "unchanged"
    (told,) = {m.body for m in outbox(app) if m.kind == "certificate.rescored"}
    assert "unchanged" in told


def test_rescore_below_the_certified_tiers_revokes(app: Flask, client, world: World) -> None:
    cert_id = certify(app, organisation=COMPANY)
    ref = _incident_ref(app, grave=True)
    wait_for_jobs(app)
    case = file_challenge(client, world, cert_id, incident_refs=[ref])
    _to_review(client, world, case)
    _confirm_match(app, world, ref)
    decide(
        client,
        world,
        case,
        action="uphold",
        outcome="rescore",
        reasons="The killing linked in the challenge is confirmed as the company's.",
    )
    (certificate,) = _certificates(app)
    assert certificate.status.value == "revoked"
    assert "below the lowest certified tier" in certificate.status_reason
    rescore = json.loads(log_entries(app)[-1])["payload"]["rescore"]
    assert (rescore["action"], rescore["tier"]) == ("revoked", "not_certified")
