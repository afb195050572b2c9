"""In a real Chromium at phone widths: no page scrolls sideways, the header folds into a menu, and the main
controls are at least 44 px tall; at desktop width the menu is one row."""

from __future__ import annotations

import re

import pytest

from tests.browser import demo_site
from tests.browser.demo_site import log_in

site = demo_site.site  # the fixture

pytestmark = pytest.mark.browser
PHONE_WIDTHS = (360, 390, 430)
NOTIFICATION_PAGES = ("/me/notifications", "/me/notifications/settings")  # a logged-in person's own pages
MIN_TARGET_PX = 44
# What a page is wider than the window by, and the elements sticking out furthest (to tell why).
# The width is the one asked for: a phone that zooms out to fit a wide page reports a wider window.
OVERFLOW = """(width) => {
  const wide = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.width && box.right > width + 0.5) {
      wide.push(`${element.tagName.toLowerCase()}.${element.className}`.slice(0, 80) + ` right=${Math.round(box.right)}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""
# Visible controls shorter than the minimum touch target (Leaflet's attribution links excepted: map credits).
SMALL_CONTROLS = """(minimum) => {
  const small = [];
  const selector = "button, .button, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]),"
    + " .topbar a, .leaflet-control-zoom a";
  for (const element of document.querySelectorAll(selector)) {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (!box.width || !box.height || style.visibility === "hidden") { continue; }
    if (box.height < minimum - 0.5) {
      small.push(`${element.tagName.toLowerCase()} "${(element.textContent || element.name || "").trim().slice(0, 30)}" ${Math.round(box.height)}px`);
    }
  }
  return small;
}"""


def _walk(page, base: str, paths, width: int) -> tuple[list[str], list[str]]:
    """(pages wider than the window, pages with small controls) over paths, with what is wrong on each."""
    wide, small = [], []
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("load")
        overflow = page.evaluate(OVERFLOW, width)
        if overflow["scroll"] > overflow["width"]:
            wide.append(f"{path}: {overflow['scroll']} px in {overflow['width']} px ({overflow['wide']})")
        page.locator(".menu-toggle").click(timeout=3000)  # the menu's own links and buttons count too
        controls = page.evaluate(SMALL_CONTROLS, MIN_TARGET_PX)
        if controls:
            small.append(f"{path}: {controls}")
    return wide, small


@pytest.mark.parametrize("width", PHONE_WIDTHS)
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
def test_no_page_scrolls_sideways_and_controls_are_big_enough(open_context, live_app, site, width, logged_in):
    _, page, watch = open_context(viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True)
    paths = site.public
    if logged_in:
        log_in(page, live_app.base)
        paths = (*site.public, *site.owner_only, *NOTIFICATION_PAGES)
    wide, small = _walk(page, live_app.base, paths, width)
    assert not wide, "pages scroll sideways:\n" + "\n".join(wide)
    assert not small, f"controls under {MIN_TARGET_PX} px:\n" + "\n".join(small)
    assert not [p for p in watch.problems() if "404" not in p], watch.problems()


def test_the_header_folds_into_a_menu_on_a_phone(open_context, live_app, site):
    _, page, _ = open_context(viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True)
    log_in(page, live_app.base)
    page.goto(live_app.base + "/")
    toggle = page.locator(".menu-toggle")
    logout = page.get_by_role("button", name="Log out")
    explore = page.get_by_role("link", name="Explore")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not logout.is_visible() and not explore.is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    for control in (logout, explore):
        box = control.bounding_box()
        assert control.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    page.keyboard.press("Escape")
    assert not explore.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    explore_after = page.get_by_role("link", name="Explore")
    toggle.click()
    explore_after.click()
    page.wait_for_url(re.compile(r".*/explore$"))


def test_the_menu_shows_without_javascript(browser, live_app, site):
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_app.base + "/")
        assert page.get_by_role("link", name="Explore").is_visible()
        assert not page.locator(".menu-toggle").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_on_a_desktop_the_menu_is_one_row(open_context, live_app, site):
    _, page, _ = open_context(viewport={"width": 1280, "height": 900})
    log_in(page, live_app.base)
    page.goto(live_app.base + "/")
    assert not page.locator(".menu-toggle").is_visible()
    tops = {
        round(page.get_by_role(role, name=name).bounding_box()["y"])
        for role, name in (("link", "Explore"), ("link", "My routes"), ("button", "Log out"))
    }
    assert len(tops) == 1 or max(tops) - min(tops) < 20, tops
