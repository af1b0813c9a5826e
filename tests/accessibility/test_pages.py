"""Every page of the web app, seen by every kind of user who may see it, with data in it and in
its empty and error states, has no serious or critical axe-core violation, and every form
control on it has an accessible name in the browser's accessibility tree. Empty states say what
to do next."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from playwright.sync_api import Page

from tests.accessibility.checks import unnamed_controls
from tests.accessibility.pages import DOWNLOADS, PAGES, STATES, visits, web_get_endpoints
from tests.accessibility.world import A11yWorld
from tests.support.axe import serious_violations


def test_every_web_page_is_mapped(a11y_app: Flask) -> None:
    endpoints = web_get_endpoints(a11y_app)
    unmapped = endpoints - set(PAGES) - DOWNLOADS
    stale = (set(PAGES) | DOWNLOADS) - endpoints
    assert not unmapped, f"GET pages without an accessibility visit: {sorted(unmapped)}"
    assert not stale, f"visits to pages that no longer exist: {sorted(stale)}"


def _audit(page: Page, url: str, status: int) -> list[str]:
    """Every serious axe-core violation and every unnamed form control of the page at `url`."""
    response = page.goto(url)
    assert response is not None and response.status == status, f"{url}: {response.status}"
    unnamed = [f"form control without an accessible name: {c}" for c in unnamed_controls(page)]
    return serious_violations(page) + unnamed


@pytest.mark.parametrize(("endpoint", "role"), visits())
def test_page_passes_axe_and_names_every_control(
    endpoint: str,
    role: str,
    a11y: A11yWorld,
    site_url: str,
    open_as: Callable[[str], Page],
) -> None:
    url = site_url + PAGES[endpoint].path(a11y)
    assert _audit(open_as(role), url, 200) == []


@pytest.mark.parametrize(("role", "path", "status"), STATES)
def test_empty_and_error_states_pass_axe_and_name_every_control(
    role: str,
    path: str,
    status: int,
    a11y: A11yWorld,
    site_url: str,
    open_as: Callable[[str], Page],
) -> None:
    page = open_as(role)
    assert _audit(page, site_url + path.format(w=a11y), status) == []
    assert _empty_without_a_next_step(page) == []


def _empty_without_a_next_step(page: Page) -> list[str]:
    """The empty-state notes of the page that do not say what to do next: each must hold a
    link, or a second sentence after saying that there is nothing."""
    return [
        text
        for note in page.locator("p.empty").all()
        if not note.locator("a").count()
        and not re.search(r"[.:]\s+\S", (text := note.inner_text().strip()))
    ]
