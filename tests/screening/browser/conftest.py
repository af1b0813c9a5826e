"""The browser fixtures of tests/browser (Debian's chromium, the app served on loopback)."""

from tests.browser.conftest import (  # noqa: F401  (fixtures, found by name)
    base_url,
    browser_type_launch_args,
    live_url,
    screenshot_dir,
)
