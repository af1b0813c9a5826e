"""Retaliation watch: a new incident naming the challenger (organisation or community) and linked
to the challenged company alerts the reviewers, once, and never the company."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlmodel import select

from compliance import db
from compliance.challenges import retaliation
from compliance.challenges.models import RetaliationAlert
from compliance.clock import now
from compliance.incidents import service as incident_service
from compliance.incidents.content import IncidentContent, IncidentDraft, ProtectedContent, Victim
from compliance.incidents.models import Incident
from compliance.screening.models import Match
from tests.challenges.support import (
    COMMUNITY,
    assert_no_filer,
    certificate_of_company_a,
    decide,
    file_challenge,
    outbox,
)
from tests.conftest import World, sign_in
from tests.support.jobs import wait_for_jobs

ALERT = "challenge.retaliation_alert"


def _store(
    app: Flask,
    source_id: str,
    *,
    companies: tuple[str, ...] = (),
    victims: tuple[str, ...] = (),
    narrative: str | None = None,
    recorded_at=None,
    occurred_on: date | None = None,
) -> int:
    with db.session_scope(app) as session:
        incident_service.apply_drafts(
            session=session,
            source="watch-test",
            drafts=[
                IncidentDraft(
                    source_id=source_id,
                    content=IncidentContent(
                        occurred_on=occurred_on or date.today(),
                        country="CO",
                        attack_types=["death_threat"],
                        companies_alleged=companies,
                    ),
                    protected=ProtectedContent(
                        victims=tuple(Victim(name=v) for v in victims), narrative=narrative
                    ),
                )
            ],
            import_id=None,
            created_by_id=None,
            now=recorded_at or now(),
        )
        session.commit()
        return session.exec(select(Incident.id).where(Incident.source_id == source_id)).one()


def _alerts(app: Flask) -> list[RetaliationAlert]:
    with db.session_scope(app) as session:
        rows = session.exec(select(RetaliationAlert).order_by(RetaliationAlert.id)).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def _watch(app: Flask) -> retaliation.WatchOutcome:
    with db.session_scope(app) as session:
        outcome = retaliation.watch(session=session, since=None, watch_days=365, now=now())
        session.commit()
        return outcome


def test_an_incident_naming_the_challenger_and_alleging_the_company_alerts_reviewers_once(
    app: Flask, client, world: World
) -> None:
    cert_id = certificate_of_company_a(app, world)
    case = file_challenge(client, world, cert_id)
    decide(client, world, case, action="acknowledge")
    incident_id = _store(
        app,
        "threat-1",
        companies=("MINERA ALFA SA",),
        narrative="Two members of RED DELTA were threatened after the complaint was filed.",
    )
    wait_for_jobs(app)  # the store queued the watch: it ran after the commit, not inside it
    alerts = _alerts(app)
    assert [a.incident_id for a in alerts] == [incident_id]
    # a re-screening that ran first may also have matched it to the company
    assert "the challenged company is among the companies alleged" in alerts[0].linked_by
    assert alerts[0].named == ["the challenger's name (Red Delta) in the narrative"]
    again = _watch(app)
    assert again.alerts == [] and len(_alerts(app)) == 1  # idempotent

    messages = [m for m in outbox(app) if m.kind == ALERT]
    assert {m.to_address for m in messages} == {world["reviewer"].email}
    assert len(messages) == 1

    reviewer_view = client.get(f"/api/v1/challenges/{case}", headers=world["reviewer"].headers)
    assert reviewer_view.get_json()["retaliation_alerts"][0]["incident_version"] == 1
    company_view = client.get(f"/api/v1/challenges/{case}", headers=world["company_a"].headers)
    assert company_view.get_json()["retaliation_alerts"] is None
    ngo_view = client.get(f"/api/v1/challenges/{case}", headers=world["ngo"].headers)
    assert ngo_view.get_json()["retaliation_alerts"] is None
    company_text = company_view.get_data(as_text=True)
    assert_no_filer(company_text, world)
    assert COMMUNITY not in company_text

    with app.test_client() as browser:
        sign_in(browser, world["reviewer"].email)
        assert "Retaliation watch" in browser.get(f"/challenges/{case}").get_data(as_text=True)
        assert "Retaliation watch" in browser.get("/challenges/triage").get_data(as_text=True)
    with app.test_client() as browser:
        sign_in(browser, world["company_a"].email)
        page = browser.get(f"/challenges/{case}").get_data(as_text=True)
        assert "Retaliation" not in page
        assert_no_filer(page, world)
        messages_page = browser.get("/messages").get_data(as_text=True)
        assert "Retaliation" not in messages_page
    assert all(m.kind != ALERT for m in outbox(app) if m.to_address == world["company_a"].email)


def test_the_community_among_the_victims_with_a_match_to_the_company_alerts(
    app: Flask, client, world: World
) -> None:
    cert_id = certificate_of_company_a(app, world)
    case = file_challenge(client, world, cert_id)
    incident_id = _store(app, "community-1", victims=("Comunidad Wayúu de la Guajira",))
    wait_for_jobs(app)
    assert _alerts(app) == []  # names the community, but nothing links it to the company yet
    with db.session_scope(app) as session:  # re-screening later links it to company A
        session.add(
            Match(
                incident_id=incident_id,
                incident_version=1,
                entity_kind="organisation",
                entity_key=str(world["company_a"].organisation_id),
                organisation_id=world["company_a"].organisation_id,
                method="place_region",
                score=80,
                suggested=True,
                explanation="near a site of Minera Alfa",
                facts_fingerprint="0" * 64,
                finding_hash="0" * 64,
            )
        )
        session.commit()
    found = _watch(app)
    assert [c for c, _i in found.alerts] == [case]
    (alert,) = _alerts(app)
    assert alert.linked_by == ["matched to the challenged company"]
    assert alert.named == [f"the community ({COMMUNITY}) in the victims named"]


def test_no_alert_without_both_the_name_and_the_link_or_for_older_records(
    app: Flask, client, world: World
) -> None:
    cert_id = certificate_of_company_a(app, world)
    file_challenge(client, world, cert_id)
    _store(app, "other-company", companies=("Agro Beta Ltda",), narrative="Red Delta was hit.")
    _store(app, "no-name", companies=("Minera Alfa S.A.",), narrative="A journalist was hit.")
    _store(  # names and alleges, but was recorded before the challenge was filed
        app,
        "old-record",
        companies=("Minera Alfa S.A.",),
        narrative="Red Delta was threatened.",
        recorded_at=now() - timedelta(days=3),
    )
    _store(  # recorded now, but happened a year before the challenge
        app,
        "old-event",
        companies=("Minera Alfa S.A.",),
        narrative="Red Delta was threatened.",
        occurred_on=date.today() - timedelta(days=365),
    )
    _store(  # a word inside another word is not a name
        app, "partial", companies=("Minera Alfa S.A.",), narrative="The red deltas of the river."
    )
    wait_for_jobs(app)
    outcome = _watch(app)
    assert outcome.incidents_checked == 5
    assert outcome.alerts == [] and _alerts(app) == []
    assert not [m for m in outbox(app) if m.kind == ALERT]


def test_the_watch_ends_a_year_after_the_decision(app: Flask, client, world: World) -> None:
    cert_id = certificate_of_company_a(app, world)
    case = file_challenge(client, world, cert_id)
    decide(client, world, case, action="inadmissible", reasons="Not about this certificate.")
    with db.session_scope(app) as session:
        watched = retaliation.watched_challenges(
            session=session, now=now() + timedelta(days=364), watch_days=365
        )
        assert [w.case_number for w in watched] == [case]
        later = retaliation.watched_challenges(
            session=session, now=now() + timedelta(days=366), watch_days=365
        )
        assert later == []


def test_words_match_as_consecutive_normalised_words() -> None:
    words = retaliation.tokens("Líderes de la RED-DELTA, amenazados")
    assert retaliation.contains(words, retaliation.tokens("Red Delta"))
    assert not retaliation.contains(words, retaliation.tokens("Delta Red"))
    red_delta = retaliation.tokens("Red Delta")
    assert not retaliation.contains(retaliation.tokens("red deltas"), red_delta)
    assert retaliation.latest_possible_date(date(2026, 2, 1), "month") == date(2026, 2, 28)
    assert retaliation.latest_possible_date(date(2026, 1, 1), "year") == date(2026, 12, 31)


def test_the_periodic_run_records_where_the_next_one_starts(
    app: Flask, client, world: World
) -> None:
    from compliance.challenges.models import RetaliationWatchRun
    from compliance.jobs import service as job_service
    from compliance.jobs.models import Job

    cert_id = certificate_of_company_a(app, world)
    file_challenge(client, world, cert_id)
    _store(app, "named-1", companies=("Minera Alfa S.A.",), narrative="Red Delta was threatened.")
    wait_for_jobs(app)
    with db.session_scope(app) as session:
        job = job_service.enqueue(
            session=session,
            kind=retaliation.WATCH_KIND,
            params={},
            organisation_id=None,
            created_by_id=None,
        )
        session.commit()
        job_id = job.id
    wait_for_jobs(app)
    with db.session_scope(app) as session:
        done = session.get(Job, job_id)
        assert done.status.value == "succeeded", done.error
        assert done.result == {"challenges": 1, "incidents_checked": 1, "alerts": 0}  # had it
        (run,) = session.exec(select(RetaliationWatchRun)).all()
        assert retaliation.periodic_since(
            session=session, overlap=timedelta(minutes=30)
        ) == run.started_at - timedelta(minutes=30)
    assert len(_alerts(app)) == 1
