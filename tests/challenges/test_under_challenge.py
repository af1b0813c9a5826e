"""'Under challenge' shows wherever a certificate is shown: its API view, page and verification;
a confirmed incident match flags the organisation's active certificates for the reviewers."""

from __future__ import annotations

from flask import Flask

from compliance import db
from compliance.certificates import service as certificate_service
from compliance.clock import now
from tests.challenges.support import GROUNDS, certificate_of_company_a
from tests.conftest import World, sign_in


def _acknowledged_challenge(client, world: World, cert_id: str) -> None:
    filed = client.post(
        f"/api/v1/certificates/{cert_id}/challenges",
        json={"grounds": GROUNDS},
        headers=world["ngo"].headers,
    )
    assert filed.status_code == 201, filed.get_json()
    decided = client.post(
        f"/api/v1/challenges/{filed.get_json()['case_number']}/decision",
        json={"action": "acknowledge"},
        headers=world["reviewer"].headers,
    )
    assert decided.status_code == 200, decided.get_json()


def test_an_admitted_challenge_shows_on_the_certificate_everywhere(
    app: Flask, client, world: World
) -> None:
    cert_id = certificate_of_company_a(app, world)
    assert client.get(f"/api/v1/certificates/{cert_id}").get_json()["under_challenge"] is False
    _acknowledged_challenge(client, world, cert_id)
    assert client.get(f"/api/v1/certificates/{cert_id}").get_json()["under_challenge"] is True
    verified = client.post("/api/v1/verify", json={"cert_id": cert_id}).get_json()
    assert verified["certificate"]["under_challenge"] is True
    page = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    assert "Under challenge." in page


def test_a_confirmed_match_flags_the_active_certificate_for_reviewers_only(
    app: Flask, client, world: World
) -> None:
    cert_id = certificate_of_company_a(app, world)
    with db.session_scope(app) as session:
        flagged = certificate_service.flag_for_review(
            session=session,
            organisation_id=world["company_a"].organisation_id,
            reason="Confirmed match with incident INC-TEST (death threat).",
            now=now(),
        )
        session.commit()
        assert [c.cert_id for c in flagged] == [cert_id]
    assert "Flagged for review" not in client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    sign_in(client, world["reviewer"].email)
    reviewer_page = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    assert "Flagged for review" in reviewer_page and "INC-TEST" in reviewer_page
