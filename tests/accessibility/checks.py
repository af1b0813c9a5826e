"""Checks beyond axe-core: form controls named in the browser's own accessibility tree, and the
keyboard path through a page (skip link, tab order, a visible focus indicator)."""

from __future__ import annotations

from collections.abc import Iterator

from playwright.sync_api import Page

# Marks the controls of <main> a Tab press should reach, in order, and returns how many there
# are. Disabled, hidden and collapsed (<details>) controls are skipped; a radio group is one
# stop: its checked radio, or its first.
MARK_TAB_STOPS = """() => {
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
  const groups = new Set();
  let count = 0;
  for (const el of document.querySelector('main').querySelectorAll(selector)) {
    if (el.matches('[tabindex="-1"], :disabled, input[type=hidden]')) continue;
    if (el.closest('[hidden], [inert]') || el.getClientRects().length === 0) continue;
    if (el.matches('input[type=radio]')) {
      const group = `${el.form ? el.form.id || 'form' : ''}/${el.name}`;
      if (groups.has(group)) continue;
      const radios = [...document.getElementsByName(el.name)].filter((r) => r.form === el.form);
      const checked = radios.find((r) => r.checked);
      if (checked && checked !== el) {
        checked.dataset.tabStop = count++;
        groups.add(group);
        continue;
      }
      groups.add(group);
    }
    el.dataset.tabStop = count++;
  }
  return count;
}"""

# Where the focus is, and whether it is drawn: an outline or a box shadow under :focus-visible.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  return {
    stop: el.dataset.tabStop === undefined ? null : Number(el.dataset.tabStop),
    inMain: !!el.closest('main') && el.tagName !== 'MAIN',
    id: el.id, tag: el.tagName, text: (el.textContent || el.name || '').trim().slice(0, 40),
    // A date input keeps focus on itself while its calendar button (in its shadow) has it.
    visibleFocus: (el.matches(':focus-visible') || !el.matches(':focus')) && (outline || shadow),
    onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0,
  };
}"""


def _controls(node: dict) -> Iterator[dict]:
    """The inputs (but hidden ones), selects and textareas under a CDP DOM node."""
    pairs = node.get("attributes", [])
    attributes = dict(zip(pairs[::2], pairs[1::2], strict=True))
    if node["nodeName"] in ("SELECT", "TEXTAREA") or (
        node["nodeName"] == "INPUT" and attributes.get("type") != "hidden"
    ):
        yield {"backend_id": node["backendNodeId"], **attributes}
    for child in node.get("children", []):
        yield from _controls(child)


def unnamed_controls(page: Page) -> list[str]:
    """Inputs, selects and textareas that Chromium's accessibility tree gives no name (the tree
    screen readers get, computed by the browser, not by axe-core)."""
    cdp = page.context.new_cdp_session(page)
    try:
        document = cdp.send("DOM.getDocument", {"depth": -1})["root"]
        tree = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    unnamed = {  # hidden controls are ignored, or not in the tree at all
        node["backendDOMNodeId"]
        for node in tree
        if "backendDOMNodeId" in node
        and not node.get("ignored")
        and not node.get("name", {}).get("value", "").strip()
    }
    return [
        str({k: v for k, v in control.items() if k != "backend_id"})
        for control in _controls(document)
        if control["backend_id"] in unnamed
    ]


def keyboard_problems(page: Page, url: str) -> list[str]:
    """Load `url`, follow the skip link with the keyboard, then tab through <main>: every
    problem met on the way (an empty list when the skip link works, every control of <main>
    is reached in document order, and each shows a visible focus indicator)."""
    page.goto(url)
    problems = []
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED)
    if "skip-link" not in (page.evaluate("() => document.activeElement.className") or ""):
        return [f"the first Tab stop is {skip}, not the skip link"]
    if not (skip["visibleFocus"] and skip["onScreen"]):
        problems.append(f"the focused skip link is not visible: {skip}")
    page.keyboard.press("Enter")
    landed = page.evaluate("() => [location.hash, document.activeElement.id]")
    if landed != ["#main", "main"]:
        problems.append(f"the skip link leads to {landed}, not to <main>")
    expected = page.evaluate(MARK_TAB_STOPS)
    reached = []
    for _ in range(4 * expected + 1):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["inMain"]:
            break
        if not reached or reached[-1] != focused["stop"]:  # a date input's parts: one control
            reached.append(focused["stop"])
        if not focused["visibleFocus"]:
            problems.append(f"no visible focus indicator on {focused}")
    if reached != list(range(expected)):
        problems.append(f"Tab reached stops {reached}, expected 0..{expected - 1} in order")
    return problems
