"""Codes shown on pages (statuses, states, roles, tiers, incident vocabularies) read in the page's
language; the API and the stored data keep the English codes."""

from __future__ import annotations

from enum import StrEnum

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from compliance.accounts.models import Role
from compliance.assessments.models import AssessmentStatus, EvidenceReview
from compliance.certificates.models import CertificateStatus
from compliance.challenges.models import ChallengeState, Outcome
from compliance.incidents.vocabulary import (
    AttackType,
    ConsentBasis,
    CoordinatePrecision,
    DatePrecision,
    DefenderGroup,
    PerpetratorType,
    Sector,
    VerificationStatus,
)
from compliance.portfolios.models import PortfolioStatus, RunStatus
from compliance.screening.models import EntityKind, MatchMethod, MatchStatus, ResponseStep
from compliance.watchlist.models import AlertKind
from compliance.web.terms import LABELS, term
from compliance.webhooks.models import DeliveryStatus
from scoring.facts import Link, ResponseLevel, Verification
from scoring.rules import Tier
from tests.assessments.support import complete_answers
from tests.conftest import World, sign_in
from tests.i18n.test_pages_translated import _text

# Shown in running text or table cells in lower case, as English pages always showed the code
# ("under review"): the English label lowered is that same text.
LOWERED: tuple[type[StrEnum], ...] = (
    AssessmentStatus,
    EvidenceReview,
    ChallengeState,
    Outcome,
    MatchStatus,
    MatchMethod,
    EntityKind,
    ResponseStep,
    ResponseLevel,
    Link,
    Verification,
    PortfolioStatus,
    RunStatus,
    DeliveryStatus,
    Role,
    CertificateStatus,
    Sector,
    AttackType,
    DefenderGroup,
    PerpetratorType,
    VerificationStatus,
    CoordinatePrecision,
    ConsentBasis,
)
SHOWN: tuple[type[StrEnum], ...] = (*LOWERED, Tier, DatePrecision, AlertKind)

# The same word in English and in that language, rightly.
SAME_WORD = {
    ("es", "alias"),
    ("fr", "alias"),
    ("fr", "conditions"),
    ("fr", "intimidation"),
    ("fr", "organisation"),
    ("fr", "police"),
    ("fr", "site"),
    ("fr", "surveillance"),
    ("fr", "suspension"),
}


def _members() -> list[StrEnum]:
    return [member for vocabulary in SHOWN for member in vocabulary]


def _id(member: StrEnum) -> str:
    return f"{type(member).__name__}.{member.value}"


def _label(app: Flask, member: StrEnum, language: str) -> str:
    with app.test_request_context("/"), force_locale(language):
        return str(term(member))


@pytest.mark.parametrize("member", _members(), ids=_id)
def test_every_code_shown_on_pages_has_a_label(member: StrEnum) -> None:
    assert (type(member).__name__, member.value) in LABELS or member.value in LABELS


@pytest.mark.parametrize("member", _members(), ids=_id)
def test_every_label_is_translated(app: Flask, member: StrEnum) -> None:
    english = _label(app, member, "en")
    for language in ("es", "fr"):
        translated = _label(app, member, language)
        assert translated, (language, member)
        if (language, member.value) in SAME_WORD:
            assert translated == english, (language, member)
        else:
            assert translated != english, (language, member)


@pytest.mark.parametrize("member", [m for vocabulary in LOWERED for m in vocabulary], ids=_id)
def test_english_pages_keep_the_words_they_showed(app: Flask, member: StrEnum) -> None:
    with app.test_request_context("/"), force_locale("en"):
        assert str(term(member, lower=True)) == member.value.replace("_", " ")


def test_a_word_that_agrees_with_what_it_describes(app: Flask) -> None:
    """Spanish and French agree in gender: evidence is "verificada", an incident "verificado";
    a challenge is "desestimada", a match "descartada"."""
    with app.test_request_context("/"), force_locale("es"):
        assert str(term(EvidenceReview.verified)) == "Verificada"
        assert str(term(VerificationStatus.verified)) == "Verificado"
        assert str(term("verified", "EvidenceReview")) == "Verificada"
        assert str(term(ChallengeState.dismissed)) == "Desestimada"
        assert str(term(MatchStatus.dismissed)) == "Descartada"


def _under_review(client: FlaskClient, world: World) -> int:
    """An assessment of company_a, submitted and taken up by the reviewer."""
    company, reviewer = world["company_a"].headers, world["reviewer"].headers
    assessment = client.post(
        "/api/v1/assessments", json={"questionnaire_key": "company"}, headers=company
    ).json
    base = f"/api/v1/assessments/{assessment['id']}"
    saved = client.patch(f"{base}/answers", json={"answers": complete_answers()}, headers=company)
    for item in saved.json["missing"]:
        client.post(
            f"{base}/evidence/links",
            json={"url": "https://example.org/e", "question_id": item["question_id"]},
            headers=company,
        )
    assert client.post(f"{base}/submit", headers=company).status_code == 200
    started = client.post(f"{base}/decision", json={"decision": "start_review"}, headers=reviewer)
    assert started.json["status"] == "under_review", started.json
    return assessment["id"]


@pytest.mark.parametrize(
    ("language", "status", "pending", "role"),
    [
        ("es", "en revisión", "pendiente", "(administrador)"),
        ("fr", "en cours d'examen", "en attente", "(administrateur)"),
    ],
)
def test_pages_show_statuses_and_roles_in_the_page_language(
    app: Flask, world: World, language: str, status: str, pending: str, role: str
) -> None:
    assessment_id = _under_review(app.test_client(), world)
    client = app.test_client()
    client.post("/language", data={"language": language})
    sign_in(client, world["company_a"].email)

    listed = _text(client, "/assessments")
    assert status in listed
    assert "under review" not in listed and "under_review" not in listed

    overview = _text(client, f"/assessments/{assessment_id}")
    assert status in overview and pending in overview
    assert "pending" not in overview

    assert any(role in chunk for chunk in _text(client, "/"))
    assert not any("(admin)" in chunk for chunk in _text(client, "/"))


def test_each_request_gets_its_own_language_for_fixed_choices(app: Flask, world: World) -> None:
    """The reviewer's evidence choices are not frozen in the language of the first page
    rendered (Jinja folds filters on literals when it compiles a template)."""
    assessment_id = _under_review(app.test_client(), world)
    for language, verified, rejected in (
        ("fr", "Vérifiée", "Rejetée"),
        ("es", "Verificada", "Rechazada"),
        ("en", "Verified", "Rejected"),
    ):
        client = app.test_client()
        client.post("/language", data={"language": language})
        sign_in(client, world["reviewer"].email)
        text = _text(client, f"/review/{assessment_id}")
        assert verified in text and rejected in text, language


def test_english_pages_still_show_the_english_words(app: Flask, world: World) -> None:
    assessment_id = _under_review(app.test_client(), world)
    client = app.test_client()
    sign_in(client, world["company_a"].email)
    assert "under review" in _text(client, "/assessments")
    assert "pending" in _text(client, f"/assessments/{assessment_id}")
    assert any("(admin)" in chunk for chunk in _text(client, "/"))


def test_the_api_keeps_the_codes(app: Flask, world: World) -> None:
    client = app.test_client()
    assessment_id = _under_review(client, world)
    client.post("/language", data={"language": "es"})
    answer = client.get(
        f"/api/v1/assessments/{assessment_id}",
        headers={**world["company_a"].headers, "Accept-Language": "es"},
    )
    assert answer.json["status"] == "under_review"
