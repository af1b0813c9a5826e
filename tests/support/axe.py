"""axe-core accessibility checks, with the npm package injected into the page by Playwright."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page: Page) -> list[str]:
    """The serious and critical WCAG 2 A/AA and best-practice violations on the current page."""
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "opts => axe.run(document, opts)",
        {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "best-practice"]}},
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
