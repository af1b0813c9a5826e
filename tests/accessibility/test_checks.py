"""The checks themselves catch what they look for, on small pages built to fail them."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.accessibility.checks import keyboard_problems, unnamed_controls
from tests.support.axe import serious_violations

SKIP = '<a class="skip-link" href="#main">Skip to content</a>'
STYLE = "<style>:focus-visible { outline: 3px solid black; }</style>"


URL = "http://checks.test/"


def _serve(page: Page, body: str, style: str = STYLE) -> str:
    """Serve `body` at URL (a real http page, where a link to #main moves the focus)."""
    html = f'<html lang="en">{style}<body>{body}</body></html>'
    page.route(URL, lambda route: route.fulfill(body=html, content_type="text/html"))
    return URL


def test_an_input_without_a_label_is_reported_and_a_labelled_one_is_not(page: Page) -> None:
    body = (
        '<label for="named">Name</label><input id="named"><input id="bare">'
        '<input type="hidden" id="secret"><select aria-label="Country"><option>CO</option></select>'
        '<textarea id="note"></textarea>'
    )
    page.goto(_serve(page, body))
    unnamed = unnamed_controls(page)
    assert len(unnamed) == 2
    assert "'id': 'bare'" in unnamed[0] and "'id': 'note'" in unnamed[1]


def test_axe_reports_an_unlabelled_input_and_an_image_without_alt(page: Page) -> None:
    page.goto(_serve(page, '<main><h1>Form</h1><img src="x.png"><input id="bare"></main>'))
    found = {violation.split(" ")[0] for violation in serious_violations(page)}
    assert {"image-alt", "label"} <= found


def test_keyboard_path_passes_on_a_well_made_page(page: Page) -> None:
    body = f'{SKIP}<main id="main" tabindex="-1"><input aria-label="a"><button>Go</button></main>'
    assert keyboard_problems(page, _serve(page, body)) == []


def test_keyboard_path_reports_a_missing_skip_link(page: Page) -> None:
    body = '<main id="main"><input aria-label="a"></main>'
    assert "not the skip link" in keyboard_problems(page, _serve(page, body))[0]


def test_keyboard_path_reports_an_invisible_focus(page: Page) -> None:
    body = f'{SKIP}<main id="main" tabindex="-1"><input aria-label="a"></main>'
    style = "<style>* { outline: none !important; }</style>"
    problems = keyboard_problems(page, _serve(page, body, style))
    assert any("skip link is not visible" in p for p in problems)
    assert any("no visible focus indicator" in p for p in problems)


def test_keyboard_path_reports_a_control_tab_never_reaches(page: Page) -> None:
    body = (
        f'{SKIP}<main id="main" tabindex="-1"><input aria-label="seen">'
        '<input aria-label="unreachable" style="visibility: hidden"></main>'
    )
    problems = keyboard_problems(page, _serve(page, body))
    assert any("expected 0..1 in order" in p for p in problems), problems
