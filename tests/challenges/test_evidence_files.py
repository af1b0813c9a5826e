"""Evidence files on challenges: stored like assessment evidence (sniffed, size-limited, hashed),
downloadable by those who may see them; the challenger's files never reach the company."""

from __future__ import annotations

import hashlib
import io

from flask import Flask
from sqlmodel import select

from compliance import db
from compliance.challenges.models import ChallengeEvidence
from compliance.storage import FileStore
from tests.challenges.support import (
    COMMUNITY,
    CONTACT,
    GROUNDS,
    assert_no_filer,
    certificate_of_company_a,
    decide,
    file_challenge,
    outbox,
)
from tests.conftest import World, csrf_token, sign_in

SECRET_NAME = "testimony-red-delta-member.pdf"
SECRET_PDF = b"%PDF-1.4\n% testimony of a Red Delta member\n%%EOF\n"
COMPANY_PDF = b"%PDF-1.4\n% minutes of the grievance committee\n%%EOF\n"


def _evidence(client, case: str, headers=None, *, data=b"", name="file.pdf", **fields):
    form = {k: v for k, v in fields.items() if v is not None}
    if data:
        form["file"] = (io.BytesIO(data), name)
    return client.post(
        f"/api/v1/challenges/{case}/evidence",
        data=form,
        headers=headers or {},
        content_type="multipart/form-data",
    )


def _company_sees(client, world: World, case: str) -> list[str]:
    """Everything the company can read of the case through the API and its pages."""
    seen = [client.get(f"/api/v1/challenges/{case}", headers=world["company_a"].headers).text]
    with client.application.test_client() as browser:
        sign_in(browser, world["company_a"].email)
        seen.append(browser.get(f"/challenges/{case}").text)
        seen.append(browser.get("/messages").text)
    return seen


def test_files_filed_on_the_web_reach_reviewers_and_the_filer_never_the_company(
    app: Flask, client, world: World
) -> None:
    cert_id = certificate_of_company_a(app, world)
    with app.test_client() as ngo:
        sign_in(ngo, world["ngo"].email)
        form = ngo.get(f"/certificates/{cert_id}/challenges/new").text
        assert "never the company" in form
        filed = ngo.post(
            f"/certificates/{cert_id}/challenges/new",
            data={
                "csrf_token": csrf_token(form),
                "claim": "certificate",
                "grounds": GROUNDS,
                "community": COMMUNITY,
                "files": [(io.BytesIO(SECRET_PDF), SECRET_NAME)],
            },
            content_type="multipart/form-data",
        )
        assert filed.status_code == 302, filed.text
        case = filed.headers["Location"].rsplit("/", 1)[-1]
    decide(client, world, case, action="acknowledge")
    with db.session_scope(app) as session:
        (stored,) = session.exec(select(ChallengeEvidence)).all()
        assert stored.sha256 == hashlib.sha256(SECRET_PDF).hexdigest()
        assert stored.content_type == "application/pdf" and stored.party.value == "challenger"
        assert FileStore(app.config["UPLOAD_DIR"]).read(stored.sha256) == SECRET_PDF
        evidence_id = stored.id

    reviewer = client.get(f"/api/v1/challenges/{case}", headers=world["reviewer"].headers)
    assert reviewer.json["files"][0]["filename"] == SECRET_NAME
    assert reviewer.json["filed_by"]["community"] == COMMUNITY
    url = f"/api/v1/challenges/{case}/evidence/{evidence_id}"
    for who in ("reviewer", "ngo"):
        download = client.get(url, headers=world[who].headers)
        assert download.status_code == 200 and download.data == SECRET_PDF
    company = client.get(url, headers=world["company_a"].headers)
    assert company.status_code == 404
    assert client.get(url, headers=world["company_b"].headers).status_code == 404
    assert client.get(url).status_code == 401
    view = client.get(f"/api/v1/challenges/{case}", headers=world["company_a"].headers).json
    assert view["files"] == [] and view["challenger_files_withheld"] == 1
    with app.test_client() as browser:
        sign_in(browser, world["company_a"].email)
        assert browser.get(f"/challenges/{case}/evidence/{evidence_id}").status_code == 404
        page = browser.get(f"/challenges/{case}").text
        assert "1 file that only the reviewers see" in page
    with app.test_client() as browser:
        sign_in(browser, world["reviewer"].email)
        page = browser.get(f"/challenges/{case}").text
        assert SECRET_NAME in page
        assert browser.get(f"/challenges/{case}/evidence/{evidence_id}").data == SECRET_PDF

    for text in [company.text, *_company_sees(client, world, case)]:
        assert_no_filer(text, world)
        assert SECRET_NAME not in text and COMMUNITY not in text
        assert hashlib.sha256(SECRET_PDF).hexdigest() not in text
    for message in outbox(app):
        if message.to_address == world["company_a"].email:
            assert SECRET_NAME not in message.body


def test_both_parties_add_evidence_later_through_the_api(app: Flask, client, world: World) -> None:
    cert_id = certificate_of_company_a(app, world)
    case = file_challenge(client, world, cert_id)
    company = world["company_a"].headers
    early = _evidence(client, case, company, data=COMPANY_PDF, name="minutes.pdf")
    assert early.status_code == 409  # the company joins once the case is admitted
    decide(client, world, case, action="acknowledge")

    added = _evidence(
        client,
        case,
        world["ngo"].headers,
        data=SECRET_PDF,
        name=SECRET_NAME,
        description="A member's testimony",
        link="https://example.org/photos",
    )
    assert added.status_code == 201, added.json
    assert added.json["party"] == "challenger" and added.json["file"]["filename"] == SECRET_NAME
    answered = _evidence(
        client,
        case,
        company,
        data=COMPANY_PDF,
        name="minutes.pdf",
        link="https://example.com/grievance-log",
    )
    assert answered.status_code == 201, answered.json
    assert answered.json["party"] == "company"
    company_file = answered.json["file"]["id"]

    view = client.get(f"/api/v1/challenges/{case}", headers=company).json
    assert [f["filename"] for f in view["files"]] == ["minutes.pdf"]
    assert view["challenger_files_withheld"] == 1
    assert view["company_evidence_links"] == ["https://example.com/grievance-log"]
    assert "https://example.org/photos" in view["evidence_links"]
    own = client.get(f"/api/v1/challenges/{case}/evidence/{company_file}", headers=company)
    assert own.status_code == 200 and own.data == COMPANY_PDF
    ngo_view = client.get(f"/api/v1/challenges/{case}", headers=world["ngo"].headers).json
    assert {f["filename"] for f in ngo_view["files"]} == {SECRET_NAME, "minutes.pdf"}

    for outsider, status in (("company_b", 404), ("investor", 404), ("reviewer", 403)):
        refused = _evidence(client, case, world[outsider].headers, link="https://x.org")
        assert refused.status_code == status
    for text in [answered.text, *_company_sees(client, world, case)]:
        assert_no_filer(text, world)
        assert SECRET_NAME not in text and "testimony" not in text


def test_refused_files_leave_nothing_behind(app: Flask, client, world: World) -> None:
    app.config["EVIDENCE_MAX_BYTES"] = 100
    cert_id = certificate_of_company_a(app, world)
    case = file_challenge(client, world, cert_id)
    headers = world["ngo"].headers
    executable = _evidence(client, case, headers, data=b"MZ\x90\x00\x03\x00\x00", name="a.exe")
    assert executable.status_code == 422
    assert executable.headers["Content-Type"].startswith("application/problem+json")
    assert "not accepted" in executable.json["detail"]
    large = _evidence(client, case, headers, data=b"%PDF-1.4\n" + b"x" * 200, name="big.pdf")
    assert large.status_code == 422 and "MiB" in large.json["detail"]
    empty = _evidence(client, case, headers)
    assert empty.status_code == 422
    with db.session_scope(app) as session:
        assert session.exec(select(ChallengeEvidence)).all() == []


def test_an_anonymous_filer_adds_evidence_with_the_key_of_its_filing(
    app: Flask, client, world: World
) -> None:
    cert_id = certificate_of_company_a(app, world)
    filed = client.post(
        f"/api/v1/certificates/{cert_id}/challenges",
        json={"grounds": GROUNDS, "contact_email": CONTACT},
    )
    assert filed.status_code == 201
    key, case = filed.json["evidence_key"], filed.json["case_number"]
    assert key and len(key) >= 30
    assert _evidence(client, case, data=SECRET_PDF).status_code == 401
    assert _evidence(client, case, data=SECRET_PDF, key="not-the-key").status_code == 404
    added = _evidence(client, case, data=SECRET_PDF, name=SECRET_NAME, key=key)
    assert added.status_code == 201, added.json
    later = client.get(f"/api/v1/challenges/{case}", headers=world["reviewer"].headers).json
    assert later["evidence_key"] is None  # shown once, at filing
    assert [f["filename"] for f in later["files"]] == [SECRET_NAME]
    ngo_filed = client.post(
        f"/api/v1/certificates/{cert_id}/challenges",
        json={"grounds": GROUNDS},
        headers=world["ngo"].headers,
    )
    assert ngo_filed.json["evidence_key"] is None  # members add evidence with their token


def test_the_company_responds_on_the_web_with_a_file(app: Flask, client, world: World) -> None:
    cert_id = certificate_of_company_a(app, world)
    case = file_challenge(client, world, cert_id)
    decide(client, world, case, action="acknowledge")
    with app.test_client() as browser:
        sign_in(browser, world["company_a"].email)
        page = browser.get(f"/challenges/{case}").text
        assert "seen by the reviewers and the challenger" in page
        sent = browser.post(
            f"/challenges/{case}/response",
            data={
                "csrf_token": csrf_token(page),
                "response": "The grievance committee met monthly; see the minutes attached.",
                "files": [(io.BytesIO(COMPANY_PDF), "minutes.pdf")],
            },
            content_type="multipart/form-data",
        )
        assert sent.status_code == 302, sent.text
        assert "minutes.pdf" in browser.get(f"/challenges/{case}").text
    reviewer = client.get(f"/api/v1/challenges/{case}", headers=world["reviewer"].headers).json
    assert reviewer["state"] == "under_review"
    assert [(f["filename"], f["party"]) for f in reviewer["files"]] == [("minutes.pdf", "company")]


def test_an_anonymous_web_filer_is_given_the_evidence_key_once(
    app: Flask, client, world: World
) -> None:
    cert_id = certificate_of_company_a(app, world)
    with app.test_client() as anonymous:
        form = anonymous.get(f"/certificates/{cert_id}/challenges/new").text
        filed = anonymous.post(
            f"/certificates/{cert_id}/challenges/new",
            data={"csrf_token": csrf_token(form), "claim": "scope", "grounds": GROUNDS},
            follow_redirects=True,
        )
        assert filed.status_code == 200
        text = filed.text
    case = text.split("your case number is ")[1].split(".")[0]
    key = text.split("keep this key: ")[1].split(" ")[0]
    added = _evidence(client, case, data=SECRET_PDF, name=SECRET_NAME, key=key)
    assert added.status_code == 201, added.json
