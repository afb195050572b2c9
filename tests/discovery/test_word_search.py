"""Search by words (planner.services.word_search, GET /api/v1/search, q on /events/nearby and /events)."""

from __future__ import annotations

import importlib.util
import random
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from planner.extensions import db
from planner.schemas.discovery import UNSPACED_RANGES, BBox, parse_words
from planner.services import reads, routes, search, word_search
from planner.services.search import EventFilters
from tests import factories as f
from tests.discovery.helpers import events_at, route

HERE = (30.25, 120.15)
MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0007_word_search.py"


def _upcoming(**kw) -> EventFilters:
    """Filters for upcoming outings (the API's default), plus kw."""
    return EventFilters(starts_from=datetime.now(UTC), **kw)


def _find(words: str, kinds=word_search.KINDS, near=None, **kw) -> list[tuple[str, int]]:
    """(kind, id) of the hits for words, in order."""
    hits = word_search.find(parse_words(words), _upcoming(**kw), kinds, near)
    return [(hit["kind"], hit["id"]) for hit in hits]


def _event_ids(words: str, **kw) -> list[int]:
    """Ids of the outings found by words (no point), in order."""
    return [id_ for kind, id_ in _find(words, ("event",), **kw)]


def _search(client, query: str) -> list[tuple[str, int]]:
    """(kind, id) of GET /api/v1/search?<query>."""
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 200, response.get_json()
    return [(feat["properties"]["kind"], feat["properties"]["id"]) for feat in response.get_json()["features"]]


class TestParseWords:
    def test_english_words_and_unspaced_runs_are_split(self):
        words = parse_words("西湖夜跑 night ride")
        assert words.english == "night ride"
        assert words.unspaced == "('西湖' <-> '湖夜' <-> '夜跑')"

    def test_a_run_of_one_character_is_the_character(self):
        assert parse_words("湖 ソ").unspaced == "('湖') & ('ソ')"

    def test_it_is_nfkc_normalised_like_the_stored_text(self):
        assert parse_words("ｶﾀｶﾅ ＡＢＣ").unspaced == "('カタ' <-> 'タカ' <-> 'カナ')"
        assert parse_words("ｶﾀｶﾅ ＡＢＣ").english == "ABC"

    def test_nothing_but_blanks_is_not_searchable(self):
        assert not parse_words("  ").searchable and parse_words("% 湖").searchable


class TestPlannerWords:
    def test_the_migration_and_the_query_side_share_the_unspaced_ranges(self):
        assert _migration().UNSPACED_RANGES == UNSPACED_RANGES

    def test_the_database_takes_exactly_the_unspaced_characters_apart(self, ctx):
        # Between two Latin words without spaces, an unspaced character is a lexeme of its own and splits them.
        edges = sorted({c for low, high in UNSPACED_RANGES for c in (low - 1, low, high, high + 1)})
        probes = [
            chr(c) for c in edges if not 0xD800 <= c <= 0xDFFF and unicodedata.normalize("NFKC", chr(c)) == chr(c)
        ]
        stored = db.session.execute(
            text(
                "SELECT c, tsvector_to_array(planner_words('kx' || c || 'kz', 'A')) FROM unnest(CAST(:cs AS text[])) c"
            ),
            {"cs": probes},
        ).all()
        for char, lexemes in stored:
            unspaced = any(low <= ord(char) <= high for low, high in UNSPACED_RANGES)
            assert (set(lexemes) == {"kx", "kz", char}) == unspaced, hex(ord(char))
            assert bool(parse_words(char).unspaced) == unspaced

    def test_a_run_is_stored_as_its_characters_and_pairs(self, ctx):
        stored = db.session.execute(text("SELECT planner_words('Go 西湖夜跑!', 'B')::text")).scalar()
        # Characters at their positions in the text, after the English words' positions.
        assert stored == "'go':1B '夜':7B '夜跑':7B '湖':6B '湖夜':6B '西':5B '西湖':5B '跑':8B"

    def test_the_vector_follows_an_edited_title(self, ctx):
        outing = f.event(f.group(f.user()), title="Morning ride")
        outing.title = "西湖夜跑"
        db.session.commit()
        assert _event_ids("夜跑") == [outing.id] and _event_ids("ride") == []


class TestEnglish:
    def test_rides_finds_a_thursday_night_ride(self, ctx):
        outing = f.event(f.group(f.user()), title="Thursday night ride")
        f.event(f.group(f.user()), title="Sunday hike")
        assert _event_ids("rides") == [outing.id]
        assert _event_ids("riding at night") == [outing.id]  # 'at' is a stop word
        assert _event_ids("rides monday") == []  # every word must match

    def test_a_title_match_comes_before_a_description_match(self, ctx):
        grp = f.group(f.user())
        in_text = f.event(grp, title="Sunday outing", description="An easy ride by the lake", days=2)
        in_title = f.event(grp, title="Lake ride", days=9)
        assert _event_ids("ride") == [in_title.id, in_text.id]

    def test_groups_and_routes_are_ranked_by_their_names_too(self, ctx):
        owner = f.user()
        by_text = f.group(owner, name="Weekend club", description="We walk along the canal")
        by_name = f.group(owner, name="Canal walkers")
        route_id = route(owner.id, [(30.0, 120.0), (30.01, 120.0)], name="Canal towpath")
        assert _find("canal") == [("group", by_name.id), ("route", route_id), ("group", by_text.id)]

    def test_web_search_syntax_works_and_never_fails(self, ctx):
        grp = f.group(f.user())
        ride = f.event(grp, title="Night ride")
        run = f.event(grp, title="Night run")
        assert _event_ids("night -ride") == [run.id]
        assert sorted(_event_ids("ride or run")) == sorted([ride.id, run.id])
        assert _event_ids('"ride night"') == []
        for odd in ["a & | ! <-> :* (", "')); DROP TABLE events; --", "O'Brien's \\ride"]:
            _event_ids(odd)
        for stop_words in ["the", "and or"]:  # nothing to look for: nothing found, near a point or not
            assert _event_ids(stop_words) == [] and _find(stop_words, near=(*HERE, 50_000)) == []


class TestChinese:
    def test_a_two_character_word_is_found_inside_a_longer_name(self, ctx):
        grp = f.group(f.user())
        outing = f.event(grp, title="杭州西湖夜跑活动")
        f.event(grp, title="湖边跑步")
        assert _event_ids("西湖") == [outing.id]
        assert _event_ids("夜跑") == [outing.id]
        assert _event_ids("西湖夜跑") == [outing.id]

    def test_the_characters_must_be_next_to_each_other(self, ctx):
        outing = f.event(f.group(f.user()), title="西湖夜跑")
        assert _event_ids("西夜") == [] and _event_ids("跑湖") == []
        assert _event_ids("湖") == [outing.id]

    def test_a_mixed_query_needs_both_its_chinese_and_its_english_words(self, ctx):
        grp = f.group(f.user())
        both = f.event(grp, title="西湖 night ride")
        f.event(grp, title="西湖夜跑")
        f.event(grp, title="Night ride")
        assert _event_ids("西湖 night ride") == [both.id]
        assert _event_ids("西湖night") == [both.id]

    def test_japanese_korean_and_thai_words_are_found_inside_names(self, ctx):
        grp = f.group(f.user())
        seoul = f.event(grp, title="서울에서 야간 러닝")
        tokyo = f.event(grp, title="東京タワーまでサイクリング")
        bangkok = f.event(grp, title="วิ่งกรุงเทพ")
        assert _event_ids("서울") == [seoul.id]
        assert _event_ids("サイクリング") == [tokyo.id]
        assert _event_ids("กรุงเทพ") == [bangkok.id]


class TestRoutes:
    def test_a_route_is_found_by_its_gpx_name_and_description(self, ctx):
        route_id = route(f.user().id, [(30.0, 120.0), (30.01, 120.0)], name="Morning loop")
        db.session.execute(
            text("UPDATE routes SET gpx_name = 'Lion Rock traverse', description = 'Steep start' WHERE id = :id"),
            {"id": route_id},
        )
        assert _find("traverse", ("route",)) == [("route", route_id)]
        assert _find("steep", ("route",)) == [("route", route_id)]

    def test_routes_of_private_groups_and_wholly_hidden_routes_are_not_found(self, ctx):
        owner = f.user()
        private = f.group(owner, visibility="private")
        hidden = route(owner.id, [(30.0, 120.0), (30.01, 120.0)], name="Hidden loop")
        route(owner.id, [(30.0, 120.0), (30.01, 120.0)], name="Private loop", group_id=private.id)
        shown = route(owner.id, [(30.0, 120.0), (30.01, 120.0)], name="Shown loop")
        db.session.execute(text("UPDATE routes SET public_stats = '{}' WHERE id = :id"), {"id": hidden})
        assert _find("loop", ("route",)) == [("route", shown)]
        assert _find("loop", ("route",), near=(30.0, 120.0, 5000)) == [("route", shown)]

    def test_an_imported_route_is_found_by_the_words_of_its_gpx_name_and_description(self, ctx):
        sample = Path(__file__).resolve().parents[2] / "sample_routes" / "beijing-fragrant-hills-loop.gpx"
        imported = routes.import_gpx(f.user().id, sample.read_bytes())
        assert _find("xianglu peak", ("route",)) == [("route", imported.id)]
        assert _find("guijianchou", ("route",)) == [("route", imported.id)]

    def test_an_upload_renamed_by_its_owner_is_still_found_by_its_gpx_name(self, ctx):
        sample = Path(__file__).resolve().parents[2] / "sample_routes" / "beijing-fragrant-hills-loop.gpx"
        imported = routes.import_gpx(f.user().id, sample.read_bytes(), name="Saturday club loop")
        assert imported.gpx_name and imported.gpx_name != "Saturday club loop"
        assert _find("xianglu peak", ("route",)) == [("route", imported.id)]


def _migration():
    """The module of migration 0007."""
    spec = importlib.util.spec_from_file_location("word_search_migration", MIGRATION)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return migration


class TestGpxNameBackfill:
    GPX = '<?xml version="1.0"?><gpx xmlns="http://www.topografix.com/GPX/1/1" version="1.1">{}</gpx>'

    @pytest.mark.parametrize(
        "body, name",
        [
            ("<metadata><name> Lion Rock </name><author><name>Ann</name></author></metadata>", "Lion Rock"),
            ("<metadata><author><name>Ann</name></author></metadata><trk><name>Ridge</name></trk>", "Ridge"),
            ("<rte><name>Route one</name></rte><trk><name>Track one</name></trk>", "Track one"),
            ("<name>GPX 1.0 name</name><trk><name>Track one</name></trk>", "GPX 1.0 name"),
            ("<trk><name>  </name></trk>", None),
        ],
    )
    def test_the_gpx_name_is_read_as_the_upload_reads_it(self, body, name):
        assert _migration()._gpx_name(self.GPX.format(body).encode()) == name

    def test_a_sample_files_name_and_broken_bytes(self):
        sample = Path(__file__).resolve().parents[2] / "sample_routes" / "beijing-fragrant-hills-loop.gpx"
        assert (
            _migration()._gpx_name(sample.read_bytes()) == "Fragrant Hills loop: East Gate - Xianglu Peak - North Gate"
        )
        assert _migration()._gpx_name(b"<gpx><name>unclosed") is None


class TestVisibilityAndFilters:
    def test_a_private_groups_outing_is_not_found_not_even_by_its_members(self, client):
        owner = f.user()
        private = f.group(owner, visibility="private", name="Secret Ridge walkers")
        f.event(private, title="Secret Ridge walk")
        token = client.post("/api/v1/tokens", json={"email": owner.email, "password": f.PASSWORD}).get_json()["token"]
        assert _search(client, "q=secret+ridge") == []
        members = client.get("/api/v1/search?q=secret+ridge", headers={"Authorization": f"Bearer {token}"})
        assert members.get_json()["features"] == []  # as on /events/nearby: public groups' outings only

    def test_cancelled_and_past_outings_are_not_found(self, ctx):
        grp = f.group(f.user())
        f.event(grp, title="Lake ride", status="cancelled")
        f.event(grp, title="Lake ride", days=-2)
        upcoming = f.event(grp, title="Lake ride")
        assert _event_ids("lake ride") == [upcoming.id]

    def test_place_radius_date_and_activity_combine_with_the_words(self, ctx):
        grp = f.group(f.user())
        near = f.event(grp, title="Lake ride", lat=30.25, lon=120.16, activity="cycling")
        far = f.event(grp, title="Lake ride", lat=30.25, lon=120.3, activity="cycling")
        later = f.event(grp, title="Lake ride", lat=30.25, lon=120.17, days=40, activity="cycling")
        walk = f.event(grp, title="Lake ride", lat=30.25, lon=120.151, activity="walking")
        f.event(grp, title="Lake hike", lat=30.25, lon=120.15)
        assert _find("ride", ("event",), (*HERE, 5000)) == [("event", i) for i in (walk.id, near.id, later.id)]
        assert _find("ride", ("event",), (*HERE, 50_000), activity="cycling") == [
            ("event", i) for i in (near.id, later.id, far.id)
        ]
        soon = datetime.now(UTC) + timedelta(days=20)
        assert _find("ride", ("event",), (*HERE, 5000), starts_to=soon) == [("event", i) for i in (walk.id, near.id)]

    def test_with_a_point_every_kind_comes_nearest_first(self, client):
        owner = f.user()
        grp = f.group(owner, name="Lakeside riders", lat=30.25, lon=120.17)
        outing = f.event(grp, title="Lakeside ride", lat=30.25, lon=120.16)
        route_id = route(owner.id, [(30.25, 120.18), (30.26, 120.18)], name="Lakeside loop")
        found = client.get("/api/v1/search?q=lakeside&lat=30.25&lon=120.15&radius_km=10").get_json()["features"]
        assert [(feat["properties"]["kind"], feat["properties"]["id"]) for feat in found] == [
            ("event", outing.id),
            ("group", grp.id),
            ("route", route_id),
        ]
        distances = [feat["properties"]["distance_m"] for feat in found]
        assert distances == sorted(distances) and distances[0] == pytest.approx(964, abs=5)
        assert _search(client, "q=lakeside&lat=30.25&lon=120.15&kind=route") == [("route", route_id)]
        assert _search(client, "q=lakeside&lat=30.25&lon=120.15&radius_km=1.5") == [("event", outing.id)]


class TestLiteralText:
    def test_sql_and_like_wildcards_match_nothing_but_themselves(self, ctx):
        grp = f.group(f.user())
        percent = f.event(grp, title="100% trail day")
        underscore = f.event(grp, title="trail_runners meetup")
        f.event(grp, title="Lake ride")
        f.event(grp, title="1000 steps")
        for wildcard in ["%", "_", "\\", "%%", "\\%", "_%_"]:
            assert _event_ids(wildcard) == []
        assert _event_ids("100%") == [percent.id]
        assert _event_ids("trail_runners") == [underscore.id]
        assert _event_ids("trail%") == [percent.id, underscore.id]


class TestNearbyAndViewportWithQ:
    def _scatter(self, count: int) -> list[int]:
        """count outings within about 20 km of HERE, titled from a small vocabulary (some rare words)."""
        rng = random.Random(13)
        grp = f.group(f.user())
        ids = []
        for _ in range(count):
            lat, lon = HERE[0] + rng.uniform(-0.2, 0.2), HERE[1] + rng.uniform(-0.2, 0.2)
            title = rng.choice(["Night ride", "Morning ride", "西湖夜跑", "Lake walk", "Hill climb"])
            title += " at Raven Tor" if rng.random() < 0.05 else ""
            ids += events_at(grp.id, [(lat, lon)], title=title)
        return ids

    def _brute_force(self, words: str, radius_m: float, limit: int, offset: int) -> list[int]:
        """The page by the plain SQL definition: matching upcoming public outings within radius_m, by distance."""
        query, params = search.words_query(parse_words(words))
        return list(
            db.session.execute(
                text(f"""
            SELECT e.id FROM events e JOIN groups g ON g.id = e.group_id
            WHERE e.search_vector @@ {query} AND e.status = 'scheduled' AND g.visibility = 'public'
              AND e.starts_at >= now() AND ST_DWithin(e.start, ST_MakePoint(:lon, :lat)::geography, :radius_m)
            ORDER BY ST_Distance(e.start, ST_MakePoint(:lon, :lat)::geography), e.id LIMIT :limit OFFSET :offset"""),
                {**params, "lat": HERE[0], "lon": HERE[1], "radius_m": radius_m, "limit": limit, "offset": offset},
            ).scalars()
        )

    @pytest.mark.parametrize("words", ["ride", "raven tor", "夜跑", "湖夜", "西湖夜跑", "walk -lake", "nothing"])
    def test_each_page_is_exactly_the_filtered_nearby_order(self, ctx, words):
        self._scatter(150)
        for radius_m, limit, offset in [(30_000, 20, 0), (30_000, 10, 10), (5_000, 50, 0)]:
            got = search.events_nearby(*HERE, radius_m, _upcoming(words=parse_words(words)), limit=limit, offset=offset)
            assert [row["id"] for row in got] == self._brute_force(words, radius_m, limit, offset)

    @pytest.mark.parametrize("scan_cap", [1000, 7])
    def test_outings_without_a_point_come_by_tier_then_soonest(self, ctx, monkeypatch, scan_cap):
        monkeypatch.setattr(word_search, "SCAN_CAP", scan_cap)
        grp = f.group(f.user())
        rng = random.Random(5)
        expected = {True: [], False: []}
        for n in range(60):
            in_title = rng.random() < 0.3
            title, description = ("Raven Tor ride", "") if in_title else ("Sunday ride", "Meet at Raven Tor")
            outing = f.event(grp, title=title, description=description, days=1 + n)
            expected[in_title].append(outing.id)
        f.event(grp, title="Sunday ride")
        assert _event_ids("raven tor") == (expected[True] + expected[False])[:20]

    def test_q_filters_events_nearby_keeping_its_order(self, client):
        grp = f.group(f.user())
        far, near = events_at(grp.id, [(30.05, 120.0), (30.01, 120.0)], title="Night ride")
        events_at(grp.id, [(30.0, 120.0)], title="Morning walk")
        body = client.get("/api/v1/events/nearby?lat=30&lon=120&radius_km=10&q=rides").get_json()
        assert [feat["properties"]["id"] for feat in body["features"]] == [near, far]
        blank = client.get("/api/v1/events/nearby?lat=30&lon=120&radius_km=10&q=%20").get_json()
        assert len(blank["features"]) == 3

    def test_q_filters_the_viewport(self, client):
        grp = f.group(f.user())
        ride = events_at(grp.id, [(10.5, 10.5)], title="西湖夜跑")
        events_at(grp.id, [(10.6, 10.6)], title="Morning walk")
        body = client.get("/api/v1/events?bbox=10,10,11,11&q=夜跑").get_json()
        assert [feat["properties"]["id"] for feat in body["features"]] == ride and body["count"] == 1


# (PROBE_ROWS, WINDOW_ROWS, GIN_ROWS): the app's; a window the page outgrows, the GIN index after it, or the GiST
# index to the end; one of a moment (the probe's outings all start at once), so the GIN index finds everything.
WINDOWS = [(50, 60_000, 50_000), (3, 12, 50_000), (3, 12, 0), (2, 2, 50_000)]


class TestOutingsAnywhere:
    """Without a point: the page is the plain SQL definition's, whichever index finds it."""

    SOON = datetime.now(UTC) + timedelta(minutes=30)

    def _outings(self) -> None:
        """400 outings, 7 to a start time (ties go by id), titled and described from a small vocabulary; every 10th
        of a private group, every 23rd cancelled, some past, the activities in turn."""
        owner = f.user()
        public, private = f.group(owner), f.group(owner, visibility="private")
        db.session.execute(
            text("""
            INSERT INTO events (group_id, title, description, starts_at, ends_at, timezone, capacity, activity,
                                status, start)
            SELECT CASE WHEN n % 10 = 0 THEN :private ELSE :public END,
                   (ARRAY['Night ride', 'Raven Tor ride', '西湖夜跑', 'Lake walk', 'Hill climb', 'Morning ride'])[1 + n % 6],
                   (ARRAY['', 'Meet at Raven Tor', 'An easy ride', '在西湖集合', 'Lake ride after'])[1 + n * 7 % 5],
                   t, t + interval '3 hours', 'UTC', 10, (ARRAY['hiking', 'cycling'])[1 + n % 2],
                   CASE WHEN n % 23 = 0 THEN 'cancelled' ELSE 'scheduled' END,
                   ST_SetSRID(ST_MakePoint(120.1, 30.2), 4326)
            FROM generate_series(1, 400) n,
                 LATERAL (SELECT CAST(:soon AS timestamptz) + (n % 57 - 4) * interval '5 hours') s(t)"""),
            {"public": public.id, "private": private.id, "soon": self.SOON},
        )

    def _reference(self, words: str, filters: EventFilters, limit: int, offset: int) -> list[int]:
        """Ids of the page by the plain SQL definition: every word in the title first, then soonest, then id."""
        query, params = search.words_query(parse_words(words))
        activity = "AND e.activity = :activity" if filters.activity else ""
        return list(
            db.session.execute(
                text(f"""
            SELECT e.id FROM events e JOIN groups g ON g.id = e.group_id
            WHERE e.search_vector @@ {query} AND e.status = 'scheduled' AND g.visibility = 'public'
              AND e.starts_at >= :starts_from AND e.starts_at <= COALESCE(CAST(:starts_to AS timestamptz), 'infinity') {activity}
            ORDER BY ts_filter(e.search_vector, '{{a}}') @@ {query} DESC, e.starts_at, e.id
            LIMIT :limit OFFSET :offset"""),
                {
                    **params,
                    "starts_from": filters.starts_from,
                    "starts_to": filters.starts_to,
                    "activity": filters.activity,
                    "limit": limit,
                    "offset": offset,
                },
            ).scalars()
        )

    @pytest.mark.parametrize("window", WINDOWS)
    @pytest.mark.parametrize("words", ["ride", "raven tor", "夜跑", "西湖", "walk -lake", "lake", "the", "nothing"])
    def test_each_page_is_exactly_the_reference_order(self, ctx, monkeypatch, words, window):
        for name, value in zip(("PROBE_ROWS", "WINDOW_ROWS", "GIN_ROWS"), window, strict=True):
            monkeypatch.setattr(word_search, name, value)
        self._outings()
        for filters in [
            EventFilters(starts_from=self.SOON),
            EventFilters(starts_from=self.SOON + timedelta(days=3), starts_to=self.SOON + timedelta(days=6)),
            EventFilters(starts_from=self.SOON, activity="cycling"),
        ]:
            for limit, offset in [(20, 0), (10, 10), (50, 0), (7, 150)]:
                hits = word_search.find(parse_words(words), filters, ("event",), limit=limit, offset=offset)
                assert [hit["id"] for hit in hits] == self._reference(words, filters, limit, offset), (filters, offset)


class TestBadInput:
    @pytest.mark.parametrize(
        "query, field",
        [
            ("", "q"),
            ("q=%20%20", "q"),
            ("q=" + "a" * 201, "q"),
            ("q=a%00b", "q"),
            ("q=ride&kind=place", "kind"),
            ("q=ride&lat=30", "lon"),
            ("q=ride&lat=30&lon=120&radius_km=0", "radius_km"),
            ("q=ride&limit=0", "limit"),
            ("q=ride&from=2026-12-05&to=2026-12-01", "from"),
            ("q=ride&activity=sailing", "activity"),
        ],
    )
    def test_search_gets_400_naming_the_field(self, client, query, field):
        response = client.get(f"/api/v1/search?{query}")
        assert response.status_code == 400
        assert response.get_json()["error"]["field"] == field

    @pytest.mark.parametrize("path", ["/api/v1/events/nearby?lat=30&lon=120", "/api/v1/events?bbox=0,0,1,1"])
    def test_a_bad_q_on_nearby_and_the_viewport_gets_400(self, client, path):
        for q in ["a%00b", "a" * 201]:
            response = client.get(f"{path}&q={q}")
            assert response.status_code == 400 and response.get_json()["error"]["field"] == "q"

    @pytest.mark.parametrize("q", ["\ufdfa" * 200, "西" * 200, "a" * 200, "\u0e38" * 50, "'\\:*&|!<->()", "the"])
    def test_odd_but_valid_words_get_an_answer(self, client, q):
        f.event(f.group(f.user()), title="西西 a")
        for path, point in [("/api/v1/search", {}), ("/api/v1/search", HERE), ("/api/v1/events/nearby", HERE)]:
            response = client.get(path, query_string={"q": q, **dict(zip(("lat", "lon"), point))})
            assert response.status_code == 200 and response.get_json()["type"] == "FeatureCollection"

    def test_the_search_is_in_the_openapi_document(self, client):
        operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/search"]["get"]
        names = {param["name"] for param in operation["parameters"]}
        assert {"q", "lat", "lon", "radius_km", "kind", "activity", "from", "to"} <= names
        assert any(param["name"] == "q" and param["required"] for param in operation["parameters"])


ROWS = 10_000


@pytest.fixture
def many_outings(ctx):
    """10,000 outings, groups and routes over Europe, most named 'Outing n', a few with rare words; ANALYZE."""
    owner = f.user()
    db.session.execute(
        text("""
        INSERT INTO groups (name, interest, home)
        SELECT CASE WHEN n % 1000 = 0 THEN '西湖夜跑 club ' ELSE 'Group ' END || n, 'hiking',
               ST_SetSRID(ST_MakePoint(-10 + 40 * random(), 35 + 25 * random()), 4326)
        FROM generate_series(1, :rows) n"""),
        {"rows": ROWS},
    )
    db.session.execute(
        text("""
        INSERT INTO events (group_id, title, starts_at, ends_at, timezone, capacity, activity, start)
        SELECT g.id, CASE WHEN g.id % 1000 = 0 THEN '杭州西湖夜跑 kingfisher ride' ELSE 'Outing ' || g.id END,
               now() + interval '2 days' + (g.id % :rows) * interval '1 minute', now() + interval '30 days', 'UTC',
               10, 'hiking', ST_SetSRID(ST_MakePoint(-10 + 40 * random(), 35 + 25 * random()), 4326)
        FROM groups g"""),
        {"rows": ROWS},
    )
    for n in range(3):
        route(owner.id, [(48.0 + n, 8.0), (48.01 + n, 8.0)], name="Kingfisher loop")
    db.session.execute(text("ANALYZE groups; ANALYZE events; ANALYZE routes"))
    # Earlier tests' rolled-back rows wait in the GIN index's pending list, which makes it look costly to read.
    db.session.execute(text("SELECT gin_clean_pending_list('ix_events_search_vector')"))


def _plans_of(monkeypatch, call) -> list[str]:
    """EXPLAIN output of every query that call() sends through reads.rows."""
    sent = []
    run = reads.rows

    def recording(sql, params, **options):
        """reads.rows, remembering what it was asked to run."""
        sent.append((sql, params))
        return run(sql, params, **options)

    monkeypatch.setattr(reads, "rows", recording)
    call()
    driver = db.session.connection().connection.driver_connection
    return [
        "\n".join(row[0] for row in driver.execute("EXPLAIN " + reads.driver_sql(sql), params))
        for sql, params in sent
        if not sql.startswith("EXPLAIN")  # the planner's estimate of how many outings have the words
    ]


class TestQueryPlans:
    @pytest.mark.parametrize("words", ["西湖", "kingfisher"])
    def test_rare_words_without_a_point_use_the_gin_indexes(self, many_outings, monkeypatch, words):
        plans = _plans_of(monkeypatch, lambda: _find(words, ("event",)))
        assert any("Bitmap Index Scan on ix_events_search_vector" in plan for plan in plans)
        assert not any("Seq Scan on events" in plan for plan in plans)

    @pytest.mark.parametrize("words", ["outing", "kingfisher", "西湖夜跑"])
    def test_words_in_titles_without_a_point_are_read_soonest_first_inside_the_index(
        self, many_outings, monkeypatch, words
    ):
        plan = _plans_of(monkeypatch, lambda: _find(words, ("event",)))[0]
        lines = plan.splitlines()
        scan = next(n for n, line in enumerate(lines) if "Index Scan using ix_events_soonest_title" in line)
        assert "(ts_filter(search_vector, '{a}'" in lines[scan + 1]  # the words: an index condition
        assert "Order By: (point(" in lines[scan + 2]  # nearest first in time
        assert "ix_events_search_vector" not in plan and "Seq Scan on events" not in plan

    @pytest.mark.parametrize("words", ["西湖", "西湖夜跑", "kingfisher"])
    def test_rare_words_near_a_point_are_tested_inside_the_spatial_index_scan(self, many_outings, monkeypatch, words):
        (plan,) = _plans_of(monkeypatch, lambda: _find(words, ("event",), (48.0, 8.0, 500_000)))
        lines = plan.splitlines()
        scan = next(n for n, line in enumerate(lines) if "Index Scan using ix_events_start_words" in line)
        assert "(ts_filter(search_vector, '{a,b,c,d}'" in lines[scan + 1]  # the words: an index condition
        assert "ix_events_search_vector" not in plan and "Seq Scan on events" not in plan

    def test_words_every_outing_has_keep_a_nearest_first_index_scan(self, many_outings, monkeypatch):
        (plan,) = _plans_of(monkeypatch, lambda: _find("outing", ("event",), (48.0, 8.0, 50_000)))
        # Scans "on events o…" are the series check (a lookup by series id for rows of a series, search.NEXT_OF_SERIES).
        ordered = [line for line in plan.splitlines() if "Index Scan using" in line and "on events e" in line]
        assert ordered and all("idx_events_start_geom" in line or "ix_events_start_words" in line for line in ordered)
        assert "Order By" in plan and "ix_events_search_vector" not in plan and "Seq Scan on events" not in plan

    @pytest.mark.parametrize("words", ["西湖", "kingfisher", "outing"])
    def test_words_in_a_viewport_use_a_spatial_index(self, many_outings, monkeypatch, words):
        filters = _upcoming(words=parse_words(words))
        plans = _plans_of(monkeypatch, lambda: search.events_in_bbox(BBox(5.0, 45.0, 9.0, 49.0), filters, zoom=7))
        for plan in plans:
            assert "idx_events_start" in plan or "ix_events_start_words" in plan
            assert "ix_events_search_vector" not in plan and "Seq Scan on events" not in plan
