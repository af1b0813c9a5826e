"""A refused answer is explained in the page's language on the questionnaire form, and in
English by the API, from the same message of the questionnaire engine."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.assessments.test_api import start
from tests.conftest import World, csrf_token, sign_in


def test_a_refused_answer_reads_in_spanish_on_the_form_and_in_english_in_the_api(
    client: FlaskClient, world: World
) -> None:
    assessment_id = start(client, world)["id"]
    client.post("/language", data={"language": "es"})
    sign_in(client, world["company_a"].email)
    section_url = f"/assessments/{assessment_id}/sections/B"
    token = csrf_token(client.get(section_url).get_data(as_text=True))

    page = client.post(section_url, data={"q_B2": "-5", "csrf_token": token})

    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "El número debe ser como mínimo 0." in html
    assert "The number must be at least 0." not in html

    api = client.patch(
        f"/api/v1/assessments/{assessment_id}/answers",
        json={"answers": {"B2": -5}},
        headers=world["company_a"].headers,
    )
    assert api.status_code == 422
    assert [e["detail"] for e in api.json["errors"]] == ["The number must be at least 0."]
