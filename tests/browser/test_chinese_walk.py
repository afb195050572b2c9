"""Issue 13 point 8: a Chinese-speaking person walks the main pages in a real Chromium (Accept-Language zh-CN) and
reads no English word outside a short allow-list: the brand, time-zone abbreviations, and what people wrote
(names, titles, posts of the demo data, which is partly English). The scripts' words count too: the text is read
after the page's scripts ran (explore's list, the map's labels)."""

from __future__ import annotations

import re

import pytest
from geoalchemy2 import Geometry
from sqlalchemy import cast, func, select

from planner.extensions import db
from planner.models import Event, Group, MeetingPoint, Post, Route, User
from planner.services.nearest_city import nearest_city
from tests.browser import demo_site
from tests.browser.demo_site import log_in

pytestmark = pytest.mark.browser
site = demo_site.site  # the fixture

# The brand and the API link; the zone abbreviations after times and the zone ids of the time-zone picker (EST5EDT,
# PST8PDT, UTC); names of formats and standards (RFC 5545 for repeat rules); the calendar apps the calendar page
# names; "4xx", the status class.
ZONES = ("CST", "CET", "CEST", "GMT", "UTC", "UCT", "EST", "EDT", "CDT", "MST", "MDT", "PST", "PDT")
FORMATS = ("GPX", "GeoJSON", "ICS", "OpenAPI", "RFC", "Markdown", "Leaflet", "OpenStreetMap")
ALLOWED = {"planner", "API", *ZONES, *FORMATS, "Google", "Outlook", "Thunderbird", "xx"}
WORD = re.compile(r"[A-Za-z]{2,}")
# What a person reads on a page: its text (hidden menus too) and the labels assistive technology reads out, except
# what the page itself marks as English (lang="en": the switcher's "English", the API reference from the OpenAPI
# document) and code (<code>: field names, paths, headers).
READ = """() => {
  const english = (element) => (element.closest("[lang]") || document.documentElement).lang.startsWith("en");
  const parts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent && !parent.closest("script, style, noscript, template, code") && !english(parent)) {
      parts.push(walker.currentNode.textContent);
    }
  }
  for (const element of document.querySelectorAll("[aria-label], [placeholder], [title], img[alt]")) {
    if (!english(element)) {
      parts.push(...["aria-label", "placeholder", "title", "alt"].map((name) => element.getAttribute(name) || ""));
    }
  }
  return parts.join(" ");
}"""
NOTIFICATION_PAGES = ("/me/notifications", "/me/notifications/settings")


def _user_content_words() -> set[str]:
    """Every word of the demo data: what people wrote (names, titles, descriptions, posts, GPX waypoints) and the
    gazetteer's names of the groups' places (data too; Chinese where the gazetteer has a Chinese name)."""
    texts = [
        *db.session.scalars(select(Group.name)),
        *db.session.scalars(select(Group.description)),
        *db.session.scalars(select(Event.title)),
        *db.session.scalars(select(Event.description)),
        *db.session.scalars(select(Route.name)),
        *db.session.scalars(select(Route.description)),
        *db.session.scalars(select(Route.gpx_name)),
        *db.session.scalars(select(MeetingPoint.name)),
        *db.session.scalars(select(MeetingPoint.notes)),
        *db.session.scalars(select(Post.body_md)),
        *db.session.scalars(select(User.display_name)),
        *(
            str(value)
            for waypoints in db.session.scalars(select(Route.waypoints))
            for w in waypoints
            for value in w.values()
        ),
        *(
            city["name"]
            for lat, lon in db.session.execute(
                select(func.ST_Y(cast(Group.home, Geometry)), func.ST_X(cast(Group.home, Geometry)))
            )
            if (city := nearest_city(lat, lon))
        ),
    ]
    return {word for text in texts if text for word in WORD.findall(text)}


@pytest.fixture(scope="module")
def allowed(live_app, site) -> set[str]:
    with live_app.app.app_context():
        return ALLOWED | _user_content_words()


@pytest.mark.parametrize(
    "size", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}], ids=["phone", "desktop"]
)
def test_every_main_page_reads_in_chinese(open_context, live_app, site, allowed, size):
    _, page, watch = open_context(locale="zh-CN", viewport=size, is_mobile=size["width"] < 500)
    log_in(page, live_app.base)
    english: dict[str, set[str]] = {}
    for path in (*site.public, *site.owner_only, *NOTIFICATION_PAGES):
        page.goto(live_app.base + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.lang") == "zh-Hans", path
        found = set(WORD.findall(page.evaluate(READ))) - allowed
        if found:
            english[path] = found
    assert english == {}, "\n".join(f"{path}: {sorted(words)}" for path, words in english.items())
    assert watch.page_errors == [] and watch.blocked == []  # (the console reports the 404 page's status)
