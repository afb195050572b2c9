"""axe-core in a real Chromium on the main pages, at phone and desktop size: no serious or critical violations;
every map has a text alternative next to it."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser import demo_site
from tests.browser.demo_site import log_in

pytestmark = pytest.mark.browser
site = demo_site.site  # the fixture
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
BLOCKING = {"serious", "critical"}
# The pages the issue names, by what they show (index into the demo site's paths, or a fixed path).
PUBLIC_PAGES = {"home": "/", "explore": "/explore", "log in": "/login", "sign up": "/register"}
NOTIFICATION_PAGES = {"notifications": "/me/notifications", "notification settings": "/me/notifications/settings"}
# Each map's element id names what describes it: aria-describedby or aria-labelledby on the map or its wrapper.
MAP_ALTERNATIVES = """() => Array.from(document.querySelectorAll(".folium-map")).map((map) => {
  const holder = map.closest("[aria-describedby], [aria-labelledby]") || map;
  const ids = (holder.getAttribute("aria-describedby") || holder.getAttribute("aria-labelledby") || "").split(/\\s+/);
  const texts = ids.filter(Boolean).map((id) => document.getElementById(id)).filter(Boolean)
    .map((element) => element.textContent.trim());
  return {map: map.id, text: texts.join(" ").slice(0, 200)};
})"""


def _pages(site: demo_site.Site) -> dict[str, str]:
    """The pages to check, by name."""
    group, event, route = site.public[4], site.public[5], site.public[6]
    return {
        **PUBLIC_PAGES,
        "group": group,
        "outing": event,
        "route": route,
        "new outing": site.owner_only[3],
        **NOTIFICATION_PAGES,
    }


def _blocking(results: dict) -> list[str]:
    """The serious and critical violations, one line each with the first offending elements."""
    return [
        f"{v['impact']} {v['id']}: {v['help']} @ {[n['target'] for n in v['nodes'][:3]]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("size", SIZES)
def test_no_serious_or_critical_violations(open_context, live_app, site, size):
    _, page, _ = open_context(viewport=SIZES[size], is_mobile=size == "phone")
    log_in(page, live_app.base)
    axe = Axe()
    found = {}
    for name, path in _pages(site).items():
        page.goto(live_app.base + path)
        page.wait_for_load_state("load")
        problems = _blocking(axe.run(page).response)
        if problems:
            found[f"{name} ({path})"] = problems
    assert not found, "\n".join(f"{page}: {problems}" for page, problems in found.items())


def test_log_in_and_sign_up_pass_when_logged_out(open_context, live_app, site):
    _, page, _ = open_context(viewport=SIZES["phone"], is_mobile=True)
    axe = Axe()
    for path in ("/", "/login", "/register", site.public[5]):
        page.goto(live_app.base + path)
        assert not _blocking(axe.run(page).response), path


def test_every_map_has_a_text_alternative_next_to_it(open_context, live_app, site):
    _, page, _ = open_context(viewport=SIZES["desktop"])
    log_in(page, live_app.base)
    for name, path in _pages(site).items():
        page.goto(live_app.base + path)
        page.wait_for_load_state("load")
        for found in page.evaluate(MAP_ALTERNATIVES):
            assert found["text"], f"the map {found['map']} on the {name} page has no text alternative"


def test_the_check_sees_a_violation_when_there_is_one(open_context, live_app, site):
    _, page, _ = open_context(viewport=SIZES["phone"], is_mobile=True)
    page.goto(live_app.base + "/login")
    page.evaluate("document.querySelector('main').appendChild(document.createElement('button'))")
    assert any("button-name" in line for line in _blocking(Axe().run(page).response))
