"""axe-core accessibility checks, with the npm package injected into the page by Playwright."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@cache
def _axe_source() -> str:
    return AXE_JS.read_text()


def serious_violations(page: Page) -> list[str]:
    """The serious and critical WCAG 2 A/AA and best-practice violations on the current page."""
    page.evaluate(_axe_source())
    result = page.evaluate(
        "opts => axe.run(document, opts)",
        {
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "best-practice"]},
            "resultTypes": ["violations"],  # details of passes are not needed: much faster
        },
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
