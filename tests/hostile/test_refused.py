"""Every hostile request gets a clear refusal and changes nothing: not a row, not a file.

The corpus is in tests/hostile/corpus.py (files built by tests/hostile/files.py). Most cases are
refused by the request itself with a clear 4xx; web forms answer a refusal with their page,
showing the problem, under the refusal's status.

A dataset upload or answers workbook whose problem lies in its cells (a formula, a huge cell)
passes the request's screen of the whole file: the request answers 202 with a job, and the
refusal is that job's. Such a case (`refused_by_job`) is judged once its job has finished: the
job's result must be `outcome` "invalid", and its problems (at the result's `problems_url` for a
dataset, in the result for a workbook) must name the problem, clearly and without echoing the
hostile cell back.

A refused dataset or answers workbook keeps its refusal and the highlighted copy of the file on
purpose; one refused by its job also keeps the job's record and the stored upload. The case
lists exactly what it may keep, and the database and upload folder are compared once the
request (and its job) is done. The count of refusals that change nothing at all is checked
apart, and counts no job-refused case.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.hostile import snapshot
from tests.hostile.conftest import Scene
from tests.hostile.corpus import CASES, HostileCase
from tests.support.jobs import wait_for_job

PROBLEM_JSON = "application/problem+json"
REFUSAL_SIZE = 64 * 2**10  # a refusal bigger than this echoes the hostile input back


def _send(scene: Scene, case: HostileCase):
    request = case.build_request()
    path = case.path.format_map(vars(scene))
    if case.who.startswith("web:"):
        who = case.who.removeprefix("web:")
        client = scene.web[who]
        data = request.get("data")
        if isinstance(data, dict):
            request["data"] = {**data, "csrf_token": scene.csrf[who]}
        elif data is not None:
            # a multipart body already encoded: send the token in the header Flask-WTF reads
            request.setdefault("headers", {})["X-CSRFToken"] = scene.csrf[who]
        return client.open(path, method=case.method, **request)
    headers = {**scene.headers(case.who), **request.pop("headers", {})}
    return scene.app.test_client().open(path, method=case.method, headers=headers, **request)


def _detail(response) -> str:
    if response.mimetype == PROBLEM_JSON:
        problem = response.get_json()
        assert problem["status"] == response.status_code
        assert problem["title"]
        errors = " ".join(str(error.get("detail")) for error in problem.get("errors") or [])
        return f"{problem['detail']} {errors}"
    assert response.mimetype == "text/html", response.mimetype
    page = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _job_refusal(scene: Scene, case: HostileCase, response) -> str:
    """Wait for the job the request queued; its refusal: the problems it found, as text."""
    assert response.status_code == 202, response.get_data(as_text=True)[:2000]
    queued = response.get_json()
    assert response.headers["Location"] == queued["status_url"]
    client, headers = scene.app.test_client(), scene.headers(case.who)
    job = wait_for_job(client, headers, queued["job_id"])
    assert job["status"] == "succeeded", job
    result = job["result"]
    assert result["outcome"] == "invalid", result
    if "problems_url" not in result:  # an answers workbook: its cell problems come in the result
        assert len(json.dumps(result)) < REFUSAL_SIZE, "the result echoes the hostile input back"
        assert result["errors"] and all(error["detail"] for error in result["errors"]), result
        return " ".join([result["detail"], *(error["detail"] for error in result["errors"])])
    assert result["problems"] >= 1 and result["rows_with_problems"] >= 1, result
    problems, url = [], result["problems_url"]
    while url:
        page = client.get(url, headers=headers)
        size = len(page.get_data())
        assert page.status_code == 200, page.get_json()
        assert size < REFUSAL_SIZE, f"the problems echo the hostile input back ({size} bytes)"
        listed = page.get_json()
        assert listed["upload_id"] == queued["upload_id"] and listed["total"] == result["problems"]
        problems += listed["items"]
        url = listed["next_cursor"] and f"{result['problems_url']}?cursor={listed['next_cursor']}"
    assert problems, result
    assert all(problem["problem"] and problem["fix"] for problem in problems), problems
    text = " ".join(f"{problem['problem']} {problem['fix']}" for problem in problems)
    return f"{result['detail']} {text}"


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in CASES])
def test_hostile_request_is_refused_clearly_and_changes_nothing(
    scene: Scene, case: HostileCase
) -> None:
    before = snapshot.take(scene.app)
    response = _send(scene, case)
    size = len(response.get_data())
    detail = _job_refusal(scene, case, response) if case.refused_by_job else _detail(response)
    response.close()
    after = snapshot.take(scene.app)

    assert response.status_code == case.status, detail
    assert size < REFUSAL_SIZE, f"the refusal echoes the hostile input back ({size} bytes)"
    if not case.who.startswith("web:") and not case.refused_by_job:
        assert response.mimetype == PROBLEM_JSON
    assert len(detail) >= 20 and "Something went wrong" not in detail, detail
    assert case.detail.lower() in detail.lower(), detail
    expected = dict(case.keeps)
    if case.keeps_files:
        changes = after.changes_since(before)
        assert len(changes.pop("files added", [])) == case.keeps_files, changes
        assert changes == expected, changes
    else:
        assert after.changes_since(before) == expected


def test_the_corpus_holds_at_least_forty_refusals_that_change_nothing() -> None:
    pure = [
        case
        for case in CASES
        if not (case.keeps or case.keeps_files or case.refused_by_job) and 400 <= case.status < 500
    ]
    assert len(pure) >= 40, len(pure)
    by_job = [case for case in CASES if case.refused_by_job]
    assert all(case.status == 202 and not case.who.startswith("web:") for case in by_job)
    assert len({case.id for case in CASES}) == len(CASES), "case names must be unique"
