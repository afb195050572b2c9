"""In a real Chromium: XSS payloads stored in every user-controlled text run nowhere they are shown."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

import pytest

from planner.services import accounts, discussion, events, groups, meeting_points, privacy, routes, rsvp
from planner.services.discussion import PAGE_SIZE as POSTS_PER_PAGE
from tests.browser.xss_payloads import PAYLOADS

pytestmark = pytest.mark.browser
PASSWORD = "xss-corpus-password"
ORGANISER = "hub@example.org"
HOOKS = """(() => {
  const hits = [];
  Object.defineProperty(window, "__xssHits", {value: hits});
  for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
    window[name] = function () { hits.push(name + ": " + Array.from(arguments).join(",")); };
  }
})();"""
OPEN_OVERLAYS = """() => {
  const texts = [];
  for (const element of document.querySelectorAll(".folium-map")) {
    const map = window[element.id];
    const layers = new Set();
    const visit = (layer) => {
      if (layers.has(layer)) { return; }
      layers.add(layer);
      if (typeof layer.getLayers === "function") { layer.getLayers().forEach(visit); }
    };
    map.eachLayer(visit);
    for (const layer of layers) {
      for (const [get, open, close] of [["getPopup", "openPopup", "closePopup"],
                                        ["getTooltip", "openTooltip", "closeTooltip"]]) {
        const overlay = typeof layer[get] === "function" && layer[get]();
        if (!overlay) { continue; }
        if (layer._map) {  /* on the map: let Leaflet open it */
          layer[open]();
          texts.push(overlay.getElement().textContent);
          layer[close]();
        } else {  /* inside a cluster: render the content the way Leaflet does */
          let content = overlay.getContent();
          if (typeof content === "function") { content = content(layer); }
          const holder = document.createElement("div");
          if (typeof content === "string") { holder.innerHTML = content; } else { holder.appendChild(content); }
          document.body.appendChild(holder);
          texts.push(holder.textContent);
        }
      }
    }
  }
  return texts;
}"""
MARKERS_LOADED = """(count) => {
  const map = window[document.querySelector(".folium-map").id];
  let most = 0;
  map.eachLayer((layer) => {
    if (typeof layer.getLayers === "function") { most = Math.max(most, layer.getLayers().length); }
  });
  return most >= count;
}"""
STATE = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll("script, style").forEach((node) => node.remove());
  return {hits: window.__xssHits, marker: typeof window.__xss, title: document.title, text: body.textContent};
}"""


def _gpx(kind: str, label: str, waypoints: tuple[str, ...], lat: float, lon: float) -> bytes:
    """A GPX 1.1 file whose track (kind "trk") or route ("rte") is named and described by label, with waypoints."""
    tag = "trkpt" if kind == "trk" else "rtept"
    points = "".join(
        f'<{tag} lat="{lat + k * 0.001:.6f}" lon="{lon:.6f}"><ele>{100 + k}</ele></{tag}>' for k in range(20)
    )
    body = f"<trkseg>{points}</trkseg>" if kind == "trk" else points
    wpts = "".join(
        f'<wpt lat="{lat + k * 0.001:.6f}" lon="{lon + 0.0005:.6f}"><name>{escape(text)}</name>'
        f"<desc>{escape(text)}</desc></wpt>"
        for k, text in enumerate(waypoints)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="xss test" '
        f'xmlns="http://www.topografix.com/GPX/1/1">{wpts}<{kind}><name>{escape(label)}</name>'
        f"<desc>{escape(label)}</desc>{body}</{kind}></gpx>"
    ).encode()


@dataclass
class Corpus:
    """Where the payloads are stored: the hub's ids (rows holding every payload) and each payload's own rows."""

    hub_group: int = 0
    hub_event: int = 0
    hub_routes: tuple[int, int] = (0, 0)
    own: list[dict] = field(default_factory=list)


def _when(days: int) -> dict:
    """starts_at/ends_at of an outing `days` from now."""
    starts = datetime.now(UTC) + timedelta(days=days)
    return {"starts_at": starts, "ends_at": starts + timedelta(hours=4), "timezone": "Asia/Shanghai"}


def _seed_own(index: int, payload: str, hub, organiser) -> dict:
    """A user named payload owning a group, an outing, two routes (trk and rte) and a privacy zone all labelled payload.

    The user also joins the hub, meets at a hub meeting point labelled payload and posts payload on both hub threads.
    """
    user = accounts.register(f"x{index}@example.org", PASSWORD, payload)
    lat, lon = 30.10 + (index // 10) * 0.02, 120.00 + (index % 10) * 0.02
    group = groups.create_group(
        user, {"name": payload, "description": payload, "interest": "hiking", "lat": lat, "lon": lon}
    )
    trk = routes.import_gpx(user.id, _gpx("trk", payload, (payload,), lat, lon), group_id=group.id)
    routes.import_gpx(user.id, _gpx("rte", payload, (), lat + 0.005, lon), group_id=group.id)
    event = events.create_event(
        group.id,
        user,
        {
            "title": payload,
            "description": payload,
            "capacity": 10,
            "activity": "hiking",
            "route_id": trk.id,
            **_when(2 + index),
        },
    )
    privacy.add_zone(user, {"name": payload, "lat": lat + 0.3, "lon": lon + 0.3, "radius_m": 300})
    hub_group, hub_event = hub
    point = meeting_points.add(
        hub_event, organiser, {"name": payload, "notes": payload, "lat": 30.2 + (index % 20) * 0.001, "lon": 120.1003}
    )
    groups.join(hub_group, user)
    rsvp.rsvp(hub_event, user, point.id)
    discussion.create_post("event", hub_event, user, payload)
    discussion.create_post("group", hub_group, user, payload)
    return {"email": user.email, "payload": payload, "group": group.id, "event": event.id, "point": point.id}


def _seed() -> Corpus:
    """Store every payload in every user-controlled text field, through the services."""
    organiser = accounts.register(ORGANISER, PASSWORD, "Hub organiser")
    hub = groups.create_group(organiser, {"name": "XSS hub", "interest": "hiking", "lat": 30.2, "lon": 120.1})
    every = "\n".join(PAYLOADS)
    trk = routes.import_gpx(organiser.id, _gpx("trk", every, PAYLOADS, 30.2, 120.1), group_id=hub.id)
    rte = routes.import_gpx(organiser.id, _gpx("rte", every, PAYLOADS, 30.3, 120.1), group_id=hub.id)
    event = events.create_event(
        hub.id,
        organiser,
        {"title": "Hub outing", "capacity": 500, "activity": "hiking", "route_id": trk.id, **_when(1)},
    )
    corpus = Corpus(hub.id, event.id, (trk.id, rte.id))
    corpus.own = [_seed_own(index, payload, (hub.id, event.id), organiser) for index, payload in enumerate(PAYLOADS)]
    return corpus


@pytest.fixture(scope="module")
def corpus(live_app) -> Corpus:
    """The payloads stored in the module's database."""
    with live_app.app.app_context():
        return _seed()


class Inspector:
    """Opens pages in one guarded page and asserts that no payload ran on them."""

    def __init__(self, context, page, watch, base: str):
        self.context, self.page, self.watch, self.base = context, page, watch, base
        self.dialogs: list[str] = []
        context.add_init_script(HOOKS)
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def log_in(self, email: str) -> None:
        """Log in as email through the form's POST (with its CSRF token), forgetting any earlier session."""
        self.context.clear_cookies()
        form = self.context.request.get(f"{self.base}/login").text()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        answer = self.context.request.post(
            f"{self.base}/login", form={"csrf_token": token, "email": email, "password": PASSWORD}, max_redirects=0
        )
        assert answer.status == 302, answer.text()

    def rsvp_at(self, path: str, point_id: int) -> str:
        """Open path, RSVP there at the meeting point point_id through the page's form; returns the flash's text."""
        self.check(path)
        self.page.select_option("select[name=meeting_point_id]", value=str(point_id))
        with self.page.expect_navigation():
            self.page.click("form.rsvp-form button[type=submit]")
        self.assert_ran_nothing(f"{path} after the RSVP")
        return self.page.locator("p.flash").text_content()

    def assert_ran_nothing(self, where: str) -> dict:
        """Assert that nothing ran on the current page and it had no errors; returns its STATE."""
        state = self.page.evaluate(STATE)
        where = f"{where}: "
        assert state["hits"] == [] and self.dialogs == [], where + f"ran {state['hits']} {self.dialogs}"
        assert state["marker"] == "undefined" and state["title"] != "pwned", where + "a payload left its mark"
        assert self.watch.problems() == [], where + str(self.watch.problems())
        return state

    def check(self, path: str, shown: tuple[str, ...] = (), min_overlays: int = 0, markers: int = 0) -> str:
        """Open path, open every map popup and tooltip, assert nothing ran and shown texts appear; returns the text.

        markers > 0 waits until a layer group on the map holds that many markers (explore loads them later).
        """
        self.watch.clear()
        response = self.page.goto(self.base + path)
        assert response.ok, f"{path}: HTTP {response.status}"
        if markers:
            self.page.wait_for_function(MARKERS_LOADED, arg=markers)
        overlays = self.page.evaluate(OPEN_OVERLAYS)
        state = self.assert_ran_nothing(path)
        where = f"{path}: "
        assert len(overlays) >= min_overlays, where + f"only {len(overlays)} popups and tooltips"
        text = _squash(state["text"] + "".join(overlays))
        assert _missing(shown, text) == [], where + f"not shown as text: {_missing(shown, text)}"
        return text

    def pages(self, path: str, min_overlays: int = 0) -> list[str]:
        """check() path and every page after it (rel=next or "Older threads" links); returns each page's text."""
        texts = []
        while path:
            texts.append(self.check(path, min_overlays=min_overlays))
            following = self.page.locator("a[rel=next], a:has-text('Older threads')")
            path = following.first.get_attribute("href") if following.count() else None
            if path and path.startswith("?"):
                path = self.page.url.split("?")[0].removeprefix(self.base) + path
        return texts


def _squash(text: str) -> str:
    """text without any whitespace (pages wrap and indent; popups split notes into lines)."""
    return "".join(text.split())


def _missing(shown: tuple[str, ...], squashed_text: str) -> list[str]:
    """The texts of shown that do not appear, as text, in squashed_text."""
    return [text for text in shown if _squash(text) not in squashed_text]


@pytest.fixture
def inspector(open_context, live_app, corpus) -> Inspector:
    """An Inspector on a fresh guarded context."""
    context, page, watch = open_context()
    return Inspector(context, page, watch, live_app.base)


class TestPayloadCorpus:
    def test_the_corpus_is_large_and_varied(self):
        """At least 50 distinct payloads covering every family the issue names."""
        assert len(set(PAYLOADS)) == len(PAYLOADS) >= 50
        for needle in ("<script", "onerror=", "javascript:", "${", "</script>", "<svg", "\u2028", "\uff1c"):
            assert any(needle in p for p in PAYLOADS), needle


class TestPagesShowingUserText:
    def test_payloads_run_nowhere_on_the_pages_listing_many(self, inspector, corpus):
        """Home, explore lists, the group list, the hub group, its members, the hub outing and the hub routes."""
        everything = tuple(PAYLOADS)
        inspector.log_in(ORGANISER)
        inspector.check("/", min_overlays=30)
        for what in ("events", "groups", "routes"):
            texts = inspector.pages(f"/explore?q=Hangzhou&radius_km=50&what={what}")
            assert _missing(everything, "".join(texts)) == [], what
        inspector.check("/groups", shown=everything)
        thread_pages = math.ceil(len(PAYLOADS) / POSTS_PER_PAGE)
        assert len(inspector.pages(f"/groups/{corpus.hub_group}")) == thread_pages
        inspector.check(f"/groups/{corpus.hub_group}/members", shown=everything)
        hub = f"/events/{corpus.hub_event}"
        inspector.check(hub, shown=everything, min_overlays=4 * len(PAYLOADS))
        assert len(inspector.pages(hub)) == thread_pages
        for route_id in corpus.hub_routes:
            inspector.check(f"/routes/{route_id}", shown=everything, min_overlays=2 * len(PAYLOADS))

    def test_the_explore_map_shows_payloads_as_text(self, inspector, corpus):
        """The explore map loads its markers from the API; their popups and tooltips show every title as text."""
        inspector.check(
            "/explore?q=Hangzhou&radius_km=50",
            shown=tuple(PAYLOADS),
            markers=len(PAYLOADS) + 1,
            min_overlays=2 * len(PAYLOADS),
        )

    def test_payloads_run_nowhere_on_each_authors_pages(self, inspector, corpus):
        """Logged in as each payload's author (named by it): their group, their outing and their routes."""
        for own in corpus.own:
            inspector.log_in(own["email"])
            label = (own["payload"],)
            inspector.check(f"/groups/{own['group']}", shown=label, min_overlays=1)
            assert inspector.page.locator(".topbar .who").text_content() == own["payload"]
            inspector.check(f"/events/{own['event']}", shown=label, min_overlays=2)
            inspector.check("/me/privacy", shown=label, min_overlays=1)
            inspector.check("/routes/mine")
            assert inspector.page.locator("ol.events h2").all_text_contents() == [own["payload"]] * 2

    def test_the_rsvp_confirmation_shows_the_meeting_point_as_text(self, inspector, corpus):
        """Each payload's author RSVPs on the hub outing at the meeting point named by it: the flash shows it as text."""
        for own in corpus.own:
            inspector.log_in(own["email"])
            flash = inspector.rsvp_at(f"/events/{corpus.hub_event}", own["point"])
            assert flash == f"You're going: meet at {own['payload']}"
            assert inspector.page.locator("p.my-state").text_content() == flash
