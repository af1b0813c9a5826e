"""The assessments page shows a page of assessments at a time, newest first."""

from __future__ import annotations

import re

from flask import Flask

from tests.assessments.test_api import start
from tests.conftest import World, sign_in


def _shown(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/assessments/(\d+)"', html)]


def test_the_assessments_page_comes_a_page_at_a_time(app: Flask, world: World) -> None:
    api = app.test_client()
    started = [
        start(api, world, "company_a")["id"],
        start(api, world, "company_b")["id"],
        start(api, world, "investor", "financial_institution")["id"],
    ]
    client = app.test_client()
    sign_in(client, world["reviewer"].email)

    first = client.get("/assessments?limit=2").get_data(as_text=True)
    assert _shown(first) == started[::-1][:2]
    following = re.search(r'<a href="(/assessments\?[^"]*cursor=[^"]+)">', first)
    assert following, "a link to the next page"
    rest = client.get(following.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert _shown(rest) == started[:1]
    assert not re.search(r'<a href="/assessments\?[^"]*cursor=', rest)
    assert client.get("/assessments?cursor=nonsense").status_code == 422
