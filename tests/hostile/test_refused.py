"""Every hostile request gets a clear 4xx and changes nothing: not a row, not a file.

The corpus is in tests/hostile/corpus.py (files built by tests/hostile/files.py). Web forms
answer a refusal with their page, showing the problem, under the refusal's status. A refused
dataset or answers workbook keeps its refusal and the highlighted copy of the file on purpose
(the case lists exactly what it may keep); the count of refusals that change nothing at all is
checked apart.
"""

from __future__ import annotations

import re

import pytest

from tests.hostile import snapshot
from tests.hostile.conftest import Scene
from tests.hostile.corpus import CASES, HostileCase

PROBLEM_JSON = "application/problem+json"


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


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in CASES])
def test_hostile_request_is_refused_clearly_and_changes_nothing(
    scene: Scene, case: HostileCase
) -> None:
    before = snapshot.take(scene.app)
    response = _send(scene, case)
    size = len(response.get_data())
    detail = _detail(response)
    response.close()
    after = snapshot.take(scene.app)

    assert response.status_code == case.status, detail
    assert size < 64 * 2**10, f"the refusal echoes the hostile input back ({size} bytes)"
    if not case.who.startswith("web:"):
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
        case for case in CASES if not (case.keeps or case.keeps_files) and 400 <= case.status < 500
    ]
    assert len(pure) >= 40, len(pure)
    assert len({case.id for case in CASES}) == len(CASES), "case names must be unique"
