"""The screening API: posted entities checked at once and screened by a job, matches per viewer,
reviews, the right of reply, and what a confirmed match does to the score."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from compliance import db
from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation, User
from compliance.assessments import service as assessment_service
from compliance.assessments.models import AssessmentCreate
from compliance.audit.models import AuditEvent
from compliance.certificates.models import Certificate
from compliance.clock import now
from compliance.jobs.models import Job
from tests.assessments.support import complete_answers
from tests.certificates.support import probe_certificate
from tests.conftest import World
from tests.screening.conftest import (
    SECRETS,
    leaked,
    match_of,
    matches,
)
from tests.support.jobs import wait_for_job


def _screen(client: FlaskClient, member, entities: list[dict]):
    return client.post("/api/v1/screenings", json={"entities": entities}, headers=member.headers)


def _screened(client: FlaskClient, member, entities: list[dict]) -> dict:
    """Post entities and wait for their screening job: the job as its owner reads it."""
    answer = _screen(client, member, entities)
    assert answer.status_code == 202, answer.get_json()
    queued = answer.get_json()
    assert queued["status_url"] == f"/api/v1/jobs/{queued['job_id']}" == answer.headers["Location"]
    done = wait_for_job(client, member.headers, queued["job_id"])
    assert done["status"] == "succeeded", done
    return done


def test_posted_entities_are_screened_by_a_job_with_public_incident_views(
    client: FlaskClient, world: World, planted: dict
) -> None:
    done = _screened(
        client,
        world["investor"],
        [
            {"name": "MINERA ALFA COLOMBIA S.A.S.", "country": "co"},
            {"organisation_id": world["company_b"].organisation_id},
            {"name": "Nobody Anywhere GmbH"},
        ],
    )
    body = done["result"]
    assert body["incidents_screened"] == 6
    alfa, beta, nobody = body["entities"]
    (hit,) = alfa["matches"]
    assert hit["method"] == "name" and hit["score"] == 100 and hit["suggested"] is True
    assert hit["explanation"].endswith("same country")
    assert hit["incident"]["companies_alleged"] == ["Minera Alfa Colombia"]
    assert hit["incident"]["view"] == "public" and hit["reviewed"] is None
    assert beta["organisation_id"] == world["company_b"].organisation_id
    assert beta["matches"][0]["path"] == [
        {
            "kind": "organisation",
            "name": "Agro Beta Ltda",
            "organisation_id": beta["organisation_id"],
        }
    ]
    assert nobody["matches_total"] == 0 and nobody["matches"] == []
    assert not leaked(json.dumps(done))


def test_screening_a_known_organisation_shows_the_reviewers_decision(
    client: FlaskClient, world: World, planted: dict
) -> None:
    (beta,) = matches(client, world["reviewer"], organisation_id=world["company_b"].organisation_id)
    client.post(
        f"/api/v1/matches/{beta['id']}/review",
        json={"decision": "dismiss", "reason": "another Agro Beta"},
        headers=world["reviewer"].headers,
    )
    body = _screened(
        client, world["investor"], [{"organisation_id": world["company_b"].organisation_id}]
    )["result"]
    assert body["entities"][0]["matches"][0]["reviewed"] == "dismissed"


def test_a_screening_job_is_read_only_by_whoever_started_it(
    client: FlaskClient, world: World, planted: dict
) -> None:
    done = _screened(
        client, world["investor"], [{"name": "Minera Alfa Colombia"}, {"name": "Agro Beta"}]
    )
    first, second = done["result"]["entities"]
    assert first["matches"][0]["incident"]["companies_alleged"] == ["Minera Alfa Colombia"]
    assert second["matches_total"] == 1
    assert not leaked(json.dumps(done))
    other = client.get(f"/api/v1/jobs/{done['id']}", headers=world["company_a"].headers)
    assert other.status_code == 404


def test_entities_that_cannot_be_screened_are_listed(client: FlaskClient, world: World) -> None:
    answer = _screen(
        client,
        world["investor"],
        [{"organisation_id": world["ngo"].organisation_id}, {"name": "X", "country": "1x"}],
    )
    assert answer.status_code == 422
    pointers = [error["pointer"] for error in answer.get_json()["errors"]]
    assert pointers == ["/entities/0/organisation_id", "/entities/1"]
    both = _screen(client, world["investor"], [{"name": "X", "organisation_id": 1}])
    assert both.status_code == 422
    with db.session_scope(client.application) as session:  # refused before any job was queued
        assert session.execute(sa.select(sa.func.count()).select_from(Job)).scalar_one() == 0


def test_each_organisation_sees_only_matches_on_itself(
    client: FlaskClient, world: World, planted: dict
) -> None:
    company_a = world["company_a"].organisation_id
    mine = matches(client, world["company_a"])
    assert mine and {m["organisation_id"] for m in mine} == {company_a}
    assert all(m["organisation_id"] != company_a for m in matches(client, world["company_b"]))
    assert matches(client, world["company_b"], organisation_id=company_a) == []
    assert matches(client, world["investor"]) == [] and matches(client, world["ngo"]) == []
    some = mine[0]["id"]
    for who in ("company_b", "investor", "ngo"):
        headers = world[who].headers
        assert client.get(f"/api/v1/matches/{some}", headers=headers).status_code == 404
        reply = client.post(
            f"/api/v1/matches/{some}/response",
            json={"public_response": "We deny it."},
            headers=headers,
        )
        assert reply.status_code == 404
    assert len(matches(client, world["reviewer"])) == 5


def test_protected_fields_never_appear_in_match_answers(
    client: FlaskClient, world: World, planted: dict
) -> None:
    company_a = world["company_a"].organisation_id
    reviewer_view = matches(client, world["reviewer"])
    near = match_of(reviewer_view, method="place_radius", organisation_id=company_a)
    client.post(
        f"/api/v1/matches/{near['id']}/review",
        json={"decision": "confirm", "reason": "the mine is next to the place"},
        headers=world["reviewer"].headers,
    )
    for who in ("company_a", "company_b", "investor", "ngo", "reviewer"):
        for url in ("/api/v1/matches", f"/api/v1/matches/{near['id']}"):
            answer = client.get(url, headers=world[who].headers)
            text = answer.get_data(as_text=True)
            assert not leaked(text), (who, url, leaked(text))
    incident = matches(client, world["investor"])[0]["incident"]
    assert incident["latitude"] is None and incident["coordinate_precision"] == "exact"
    assert "exact_latitude" not in incident and "victims" not in incident


def test_reviews_are_for_reviewers_and_audited_without_the_reason(
    app: Flask, client: FlaskClient, world: World, planted: dict
) -> None:
    (beta,) = matches(client, world["company_b"])
    url = f"/api/v1/matches/{beta['id']}/review"
    decision = {"decision": "confirm", "reason": "Registry number REG-SECRET-99 matches"}
    for who in ("company_a", "company_b", "investor", "ngo"):
        assert client.post(url, json=decision, headers=world[who].headers).status_code == 403
    assert (
        client.post(
            url, json={"decision": "maybe", "reason": "x"}, headers=world["reviewer"].headers
        ).status_code
        == 422
    )
    answer = client.post(url, json=decision, headers=world["reviewer"].headers)
    assert answer.status_code == 200
    assert answer.get_json()["review_reason"] == decision["reason"]
    assert matches(client, world["company_b"])[0]["review_reason"] is None
    with db.session_scope(app) as session:
        events = session.execute(
            sa.select(AuditEvent.action, AuditEvent.details)
            .where(AuditEvent.action.in_(["match.reviewed", "match.confirmed"]))
            .order_by(AuditEvent.seq)
        ).all()
    assert [action for action, _details in events] == ["match.reviewed", "match.confirmed"]
    assert "REG-SECRET-99" not in json.dumps([details for _action, details in events])


def test_a_confirmation_flags_the_organisations_active_certificate(
    app: Flask, client: FlaskClient, world: World, planted: dict
) -> None:
    with db.session_scope(app) as session:
        owner = session.get(User, world["company_b"].user_id)
        actor = Actor(user=owner, organisation=session.get(Organisation, owner.organisation_id))
        assessment = assessment_service.create(
            session=session,
            actor=actor,
            assessment_in=AssessmentCreate(questionnaire_key="company"),
            now=now(),
        )
        session.commit()
        cert_id = probe_certificate(app, session, assessment_id=assessment.id)
        session.commit()
    (beta,) = matches(client, world["company_b"])
    client.post(
        f"/api/v1/matches/{beta['id']}/review",
        json={"decision": "confirm", "reason": "same company"},
        headers=world["reviewer"].headers,
    )
    with db.session_scope(app) as session:
        certificate = session.exec(select(Certificate).where(Certificate.cert_id == cert_id)).one()
        details = session.execute(
            sa.select(AuditEvent.details).where(AuditEvent.action == "match.confirmed")
        ).scalar_one()
    assert beta["incident"]["ref"] in certificate.review_flag
    assert details["certificates_flagged"] == [cert_id]


RESPONSE = {
    "public_response": "We condemn the attack and have suspended the contractor.",
    "investigation_opened": True,
    "investigation_description": "Independent investigation by a law firm, report due in May.",
    "remedy_offered": "Reparation agreed with the family and the community.",
    "evidence": [
        {
            "supports": "remedy",
            "url": "https://example.org/remedy-agreement",
            "description": "Agreement",
        },
        {"supports": "public_response", "url": "https://example.org/statement"},
    ],
}


def test_the_right_of_reply_is_seen_by_investors_and_ngos_once_confirmed(
    client: FlaskClient, world: World, planted: dict
) -> None:
    company_a = world["company_a"].organisation_id
    alias = match_of(matches(client, world["company_a"]), method="alias", organisation_id=company_a)
    url = f"/api/v1/matches/{alias['id']}/response"
    assert client.post(url, json=RESPONSE, headers=world["reviewer"].headers).status_code == 403
    answer = client.post(url, json=RESPONSE, headers=world["company_a"].headers)
    assert answer.status_code == 200, answer.get_json()
    response = answer.get_json()["response"]
    assert response["levels"] == {
        "public_answer": "evidenced",
        "investigation": "stated",
        "remedy": "evidenced",
    }
    assert matches(client, world["investor"]) == []
    client.post(
        f"/api/v1/matches/{alias['id']}/review",
        json={"decision": "confirm", "reason": "named by its alias"},
        headers=world["reviewer"].headers,
    )
    for who in ("investor", "ngo", "reviewer"):
        seen = [m for m in matches(client, world[who]) if m["id"] == alias["id"]]
        assert seen and seen[0]["response"]["remedy_offered"] == RESPONSE["remedy_offered"], who
    assert all(m["id"] != alias["id"] for m in matches(client, world["company_b"]))
    investor_view = matches(client, world["investor"], organisation_id=company_a)
    assert [m["id"] for m in investor_view] == [alias["id"]]


def test_a_response_must_say_something_and_name_only_own_evidence(
    client: FlaskClient, world: World, planted: dict
) -> None:
    company_a = world["company_a"].organisation_id
    alias = match_of(matches(client, world["company_a"]), method="alias", organisation_id=company_a)
    url = f"/api/v1/matches/{alias['id']}/response"
    headers = world["company_a"].headers
    assert client.post(url, json={}, headers=headers).status_code == 422
    unsupported = {
        "public_response": "Noted.",
        "evidence": [{"supports": "remedy", "url": "https://example.org"}],
    }
    assert client.post(url, json=unsupported, headers=headers).status_code == 422
    foreign = {
        "public_response": "Noted.",
        "evidence": [{"supports": "public_response", "evidence_id": 999}],
    }
    refused = client.post(url, json=foreign, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["pointer"] == "/evidence/0/evidence_id"


def _yes_answers() -> dict:
    return {key: "yes" if value == "no" else value for key, value in complete_answers().items()}


def _score(client: FlaskClient, world: World, assessment_id: int) -> dict:
    answer = client.get(
        f"/api/v1/assessments/{assessment_id}/score", headers=world["company_a"].headers
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_a_confirmed_match_lowers_the_score_and_a_remedy_gives_part_back(
    client: FlaskClient, world: World, planted: dict, assessment_id: int
) -> None:
    saved = client.patch(
        f"/api/v1/assessments/{assessment_id}/answers",
        json={"answers": _yes_answers()},
        headers=world["company_a"].headers,
    )
    assert saved.status_code == 200, saved.get_json()
    before = _score(client, world, assessment_id)
    assert before["incidents"] == [] and before["total"] > 0
    company_a = world["company_a"].organisation_id
    alias = match_of(matches(client, world["company_a"]), method="alias", organisation_id=company_a)
    client.post(
        f"/api/v1/matches/{alias['id']}/review",
        json={"decision": "confirm", "reason": "named by its alias"},
        headers=world["reviewer"].headers,
    )
    confirmed = _score(client, world, assessment_id)
    (incident,) = confirmed["incidents"]
    assert incident["ref"] == alias["incident"]["ref"] and incident["link"] == "own_operations"
    assert incident["verification"] == "alleged" and incident["response_credit"] == 0
    assert confirmed["total"] < before["total"]
    client.post(
        f"/api/v1/matches/{alias['id']}/response",
        json={
            "remedy_offered": "Reparation agreed with the family.",
            "evidence": [{"supports": "remedy", "url": "https://example.org/agreement"}],
        },
        headers=world["company_a"].headers,
    )
    remedied = _score(client, world, assessment_id)
    assert confirmed["total"] < remedied["total"] < before["total"]
    assert remedied["incidents"][0]["response_credit"] == 0.4


def test_a_supplier_match_counts_as_value_chain(
    client: FlaskClient, world: World, planted: dict, assessment_id: int
) -> None:
    company_a = world["company_a"].organisation_id
    supplier = match_of(
        matches(client, world["company_a"]), method="name", organisation_id=company_a
    )
    client.post(
        f"/api/v1/matches/{supplier['id']}/review",
        json={"decision": "confirm", "reason": "the supplier is named"},
        headers=world["reviewer"].headers,
    )
    (incident,) = _score(client, world, assessment_id)["incidents"]
    assert incident["link"] == "value_chain"
    assert SECRETS["victim"] not in json.dumps(incident)


def test_the_incident_review_decides_how_a_confirmed_match_counts(
    client: FlaskClient, world: World, planted: dict, assessment_id: int
) -> None:
    company_a = world["company_a"].organisation_id
    alias = match_of(matches(client, world["company_a"]), method="alias", organisation_id=company_a)
    client.post(
        f"/api/v1/matches/{alias['id']}/review",
        json={"decision": "confirm", "reason": "named by its alias"},
        headers=world["reviewer"].headers,
    )
    verification = f"/api/v1/incidents/{alias['incident']['ref']}/verification"
    headers = world["reviewer"].headers
    client.post(
        verification, json={"status": "corroborated", "reason": "two sources"}, headers=headers
    )
    (incident,) = _score(client, world, assessment_id)["incidents"]
    assert incident["verification"] == "corroborated"
    client.post(
        verification, json={"status": "withdrawn", "reason": "source retracted"}, headers=headers
    )
    assert _score(client, world, assessment_id)["incidents"] == []
    assert all(m["id"] != alias["id"] for m in matches(client, world["company_a"]))
    assert all(m["id"] != alias["id"] for m in matches(client, world["investor"]))
    kept = client.get(f"/api/v1/matches/{alias['id']}", headers=headers).get_json()
    assert kept["status"] == "confirmed" and kept["incident"]["withdrawn"] is True
