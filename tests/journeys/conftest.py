"""The browser fixtures and the `browser` marker of tests/browser (Debian's chromium, the app
served on loopback), for the journeys."""

import pytest

from tests.browser.conftest import (  # noqa: F401  (fixtures and the hook, found by name)
    base_url,
    browser_type_launch_args,
    live_url,
    pytest_collection_modifyitems,
    screenshot_dir,
)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """A 1280x800 window: the README's screenshots are taken at this size."""
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}}
