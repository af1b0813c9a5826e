"""One app, one world and one signed-in browser context per kind of user, shared by every
accessibility test (building them per test would take minutes)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page

from tests.accessibility import world as a11y_world
from tests.browser.conftest import base_url, browser_type_launch_args  # noqa: F401
from tests.conftest import PASSWORD
from tests.support.live_server import LiveServer

# Who visits the pages: the key of the world's member, or None for an anonymous visitor.
ROLES = {
    "anonymous": None,
    "company": "company_a",
    "reviewer": "reviewer",
    "ngo": "ngo",
    "investor": "investor",
    "company_b": "company_b",
    "newcomer": "newcomer",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Like tests/browser; the page map's own check needs no browser and runs everywhere."""
    for item in items:
        if "tests/accessibility/" in str(item.fspath) and "browser" in item.fixturenames:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def a11y_app(lasting_app: Callable[[str], AbstractContextManager[Flask]]) -> Iterator[Flask]:
    with lasting_app("a11y") as application:
        yield application


@pytest.fixture(scope="session")
def a11y(a11y_app: Flask) -> a11y_world.A11yWorld:
    return a11y_world.build(a11y_app)


@pytest.fixture(scope="session")
def site_url(a11y_app: Flask, a11y: a11y_world.A11yWorld) -> Iterator[str]:
    server = LiveServer(a11y_app)
    yield server.url
    server.stop()


def sign_in_page(page: Page, site_url: str, email: str) -> None:
    page.goto(f"{site_url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site_url}/")


@pytest.fixture(scope="session")
def contexts(
    browser: Browser, site_url: str, a11y: a11y_world.A11yWorld
) -> Iterator[dict[str, BrowserContext]]:
    """A browser context per role, signed in once."""
    made: dict[str, BrowserContext] = {}
    for role, member in ROLES.items():
        context = browser.new_context()
        if member is not None:
            email = a11y.newcomer_email if member == "newcomer" else a11y.members[member].email
            page = context.new_page()
            sign_in_page(page, site_url, email)
            page.close()
        made[role] = context
    yield made
    for context in made.values():
        context.close()


@pytest.fixture
def open_as(contexts: dict[str, BrowserContext]) -> Iterator[Callable[[str], Page]]:
    """A fresh tab in a role's context, closed after the test."""
    opened: list[Page] = []

    def open_page(role: str) -> Page:
        page = contexts[role].new_page()
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        page.close()
