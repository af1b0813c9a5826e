"""The 'Matched incidents' page: organisations answer their matches, reviewers decide."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import World, csrf_token, sign_in
from tests.screening.conftest import leaked, match_of, matches


def _page(client: FlaskClient, who: str, world: World) -> str:
    assert sign_in(client, world[who].email).status_code == 302
    page = client.get("/matches")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_a_company_reads_and_answers_its_matched_incidents(
    app: Flask, world: World, planted: dict
) -> None:
    company_a = world["company_a"].organisation_id
    with app.test_client() as api:
        alias = match_of(
            matches(api, world["company_a"]), method="alias", organisation_id=company_a
        )
    with app.test_client() as client:
        html = _page(client, "company_a", world)
        assert "<h1>Matched incidents</h1>" in html and 'href="/matches"' in html
        assert "alias &#39;Minera Alfa Colombia&#39;" in html
        assert "Minera Alfa S.A. → site Mina Norte" in html
        assert f'<label for="m{alias["id"]}-public_response">' in html
        assert "Agro Beta" not in html and not leaked(html)
        saved = client.post(
            f"/matches/{alias['id']}/response",
            data={
                "csrf_token": csrf_token(html),
                "public_response": "We condemn the attack.",
                "investigation_opened": "y",
                "investigation_description": "Independent review under way.",
                "remedy_links": "",
                "public_response_links": "https://example.org/statement",
            },
        )
        assert saved.status_code == 302
        assert saved.headers["Location"].endswith(f"/matches#match-{alias['id']}")
        after = client.get("/matches").get_data(as_text=True)
        assert "Your response is saved" in after and "We condemn the attack." in after
        refused = client.post(
            f"/matches/{alias['id']}/response", data={"csrf_token": csrf_token(after)}
        )
        assert refused.status_code == 302
        assert "Not saved" in client.get("/matches").get_data(as_text=True)
        assert client.post(f"/matches/{alias['id']}/response", data={}).status_code == 400
    with app.test_client() as api:
        (stored,) = [m for m in matches(api, world["company_a"]) if m["id"] == alias["id"]]
    assert stored["response"]["levels"]["public_answer"] == "evidenced"
    assert stored["response"]["public_response"] == "We condemn the attack."


def test_a_reviewer_confirms_a_match_on_the_review_page(
    app: Flask, world: World, planted: dict
) -> None:
    with app.test_client() as client:
        html = _page(client, "reviewer", world)
        assert "Decision on this match" in html and html.count("<article") == 5
        assert not leaked(html)
        with app.test_client() as api:
            (beta,) = matches(api, world["company_b"])
        decided = client.post(
            f"/matches/{beta['id']}/review",
            data={"csrf_token": csrf_token(html), "decision": "confirm", "reason": "same company"},
        )
        assert decided.status_code == 302
        confirmed = client.get("/matches?status=confirmed").get_data(as_text=True)
        assert confirmed.count("<article") == 1 and "same company" in confirmed
    with app.test_client() as client:
        html = _page(client, "investor", world)
        assert "Agro Beta Ltda" in html and "Decide" not in html and "Save the answer" not in html


def test_the_reviewer_decides_matches_from_the_assessment_review_page(
    app, client, world, planted
) -> None:
    """Issue 7: the review page lists the matched incidents, each with its decision form."""
    started = client.post(
        "/api/v1/assessments",
        json={"questionnaire_key": "company"},
        headers=world["company_b"].headers,
    )
    assessment_id = started.get_json()["id"]
    sign_in(client, world["reviewer"].email)
    page = client.get(f"/review/{assessment_id}").get_data(as_text=True)
    assert "Matched incidents" in page and "Record the decision" in page
    match_id = int(page.split('id="match-')[1].split('"')[0])
    decided = client.post(
        f"/matches/{match_id}/review",
        data={"decision": "confirm", "reason": "same company", "csrf_token": csrf_token(page)},
    )
    assert decided.status_code == 302
    assert "confirmed" in client.get(f"/review/{assessment_id}").get_data(as_text=True)
