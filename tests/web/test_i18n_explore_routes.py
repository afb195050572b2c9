"""Languages (issue 13) for explore, routes, privacy zones and the maps: the pages read in Chinese with no English
word left, the maps' labels, popups and controls and the elevation profile speak the reader's language, the page
scripts get their words in Chinese, and the English pages stay as they were."""

from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.geo import maps
from planner.geo.profile import ProfileWords, elevation_svg
from planner.models import Event, Group, PrivacyZone
from planner.services import privacy, routes
from tests import factories
from tests.routes.gpxdocs import gpx_doc
from tests.web.helpers import submit
from tests.web.test_i18n import ALLOWED_ENGLISH, english_words

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}
HANGZHOU = (30.25, 120.15)
NEAR = "lat=30.25&lon=120.15"
# Besides the shared allow-list: file formats named as such (like "PDF"), and what the offline gazetteer calls the
# place searched for, a place name and its country code (data, as people's names are).
ALLOWED = ALLOWED_ENGLISH | {"GPX", "GeoJSON", "Hangzhou", "CN"}
TRACK = ((30.25, 120.15, 10.0), (30.26, 120.16, 120.0), (30.27, 120.17, 60.0), (30.28, 120.15, 15.0))
WAYPOINT = '<wpt lat="30.262" lon="120.162"><name>茶园</name><desc>补水</desc></wpt>'


@pytest.fixture
def walker(client, ctx):
    """A logged-in organiser with a route (waypoint, elevations), a group near Hangzhou, outings and a zone far away."""
    person = factories.user("王芳")
    grp = factories.group(person, name="西湖徒步队", interest="trail_running", lat=HANGZHOU[0], lon=HANGZHOU[1])
    route = routes.import_gpx(person.id, gpx_doc(TRACK, name="龙井环线", extra=WAYPOINT), activity="trail_running")
    factories.event(
        grp, title="龙井夜跑", capacity=1, activity="trail_running", difficulty="moderate", route_id=route.id
    )
    for n in range(21):  # a second page
        factories.event(grp, title=f"西湖晨跑 {n}", lat=30.25 + n * 0.001, lon=120.15, difficulty="hard")
    privacy.add_zone(person, {"name": "家", "lat": 47.37, "lon": 8.54, "radius_m": 400})
    submit(client, "/login", {"email": person.email, "password": factories.PASSWORD})
    person.route_id = route.id
    return person


def _pages(route_id: int) -> list[tuple[str, str, int]]:
    """(name, path, status) of every page of this area."""
    return [
        ("explore, empty", "/explore", 200),
        ("explore, a place", "/explore?q=Hangzhou", 200),
        ("explore, your location", f"/explore?{NEAR}", 200),
        ("explore, page 2", f"/explore?{NEAR}&page=2", 200),
        ("explore, words", f"/explore?{NEAR}&words=夜跑", 200),
        ("explore, nothing near", "/explore?lat=-40&lon=-120", 200),
        ("explore, a bad place", "/explore?q=Xqzzyplace", 400),
        ("explore, groups", f"/explore?{NEAR}&what=groups", 200),
        ("explore, routes", f"/explore?{NEAR}&what=routes", 200),
        ("new route", "/routes/new", 200),
        ("a route", f"/routes/{route_id}", 200),
        ("my routes", "/routes/mine", 200),
        ("privacy zones", "/me/privacy", 200),
    ]


def _html(client, path: str, headers=ZH, status: int = 200) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == status, path
    return response.get_data(as_text=True)


def _messages(html: str) -> dict:
    """The page scripts' words the server embedded."""
    found = re.search(r'<script type="application/json" id="planner-messages"[^>]*>(.*?)</script>', html, re.S)
    assert found, "no messages block"
    return json.loads(found.group(1))


class TestPagesInChinese:
    def test_no_english_word_is_left_on_any_page(self, client, walker):
        left = {}
        for name, path, status in _pages(walker.route_id):
            words = english_words(_html(client, path, status=status), ALLOWED | {"Xqzzyplace"})
            if words:
                left[name] = words
        assert left == {}

    def test_explore_shows_chinese_words_units_and_plurals(self, client, walker):
        html = _html(client, f"/explore?{NEAR}")
        assert "按与<strong>你的位置</strong>的距离由近到远排列。" in html
        assert re.search(r'class="distance">\d+\.\d 公里<', html)
        assert "剩余 1 个名额" in html and "剩余 12 个名额" in html and "越野跑" in html and "中等" in html
        assert "路线 " in html and "第 1 页" in html and "下一页 →" in html and 'aria-label="活动地图"' in html
        assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 周[一二三四五六日] \d\d:\d\d", html)
        routes_html = _html(client, f"/explore?{NEAR}&what=routes")
        assert re.search(
            r"最近处相距 \d+\.\d 公里</span>，在起点后 \d+\.\d 公里 处\s+· 越野跑 · 全长 \d+\.\d 公里", routes_html
        )
        assert "1 名成员" in _html(client, f"/explore?{NEAR}&what=groups")
        assert "25.0 公里内没有符合条件的结果。" in _html(client, "/explore?lat=-40&lon=-120")

    def test_a_place_that_is_not_found_is_explained_in_chinese(self, client, walker):
        html = _html(client, "/explore?q=Xqzzyplace", status=400)
        assert "找不到名为“Xqzzyplace”的地点，试试输入城市名。" in html

    def test_the_route_page_shows_stats_profile_and_map_words_in_chinese(self, client, walker):
        html = _html(client, f"/routes/{walker.route_id}")
        stats = re.search(r'<ul class="stats".*?</ul>', html, re.S).group(0)
        for word in ("距离", "爬升", "下降", "最低 / 最高海拔", "预计用时", "轨迹点数"):
            assert f"<span>{word}</span>" in stats
        assert re.search(r"<b>\d+\.\d 公里</b>", stats) and re.search(r"<b>\d+ 米</b>", stats)
        assert re.search(r"<b>(\d+ 小时 )?\d+ 分钟</b>", stats)
        assert "<title>海拔剖面</title>" in html and re.search(
            r"<desc>距离 \d+\.\d 公里；海拔从 10 米 到 120 米。</desc>", html
        )
        assert (
            "最高 120 米</text>" in html
            and "最低 10 米</text>" in html
            and re.search(r">\d+(\.\d+)? 公里</text>", html)
        )
        assert "<li>起点：30.25000, 120.15000</li>" in html and "<li>航点：茶园</li>" in html
        assert (
            re.search(r"<li>地图上显示的距离：\d+\.\d 公里</li>", html) and "<li>终点：30.28000, 120.15000</li>" in html
        )
        # The map's script carries its words JSON-escaped: the flags' tooltips and the controls.
        for word in ("起点", "终点", "放大", "缩小", "%(num)s 公里", "%(num)s 米"):
            assert maps.script_json(word) in html, word
        assert '"imperial": false' in html and "L.control.scale()" not in html

    def test_my_routes_and_the_upload_form_are_in_chinese(self, client, walker):
        mine = _html(client, "/routes/mine")
        assert "龙井环线" in mine and "越野跑" in mine and re.search(r"约 (\d+ 小时 )?\d+ 分钟", mine)
        response = submit(client, "/routes/new", {"name": "", "activity": "hiking"}, headers=ZH)
        form = response.get_data(as_text=True)
        assert response.status_code == 400 and "请选择一个 GPX 文件。" in form
        assert ">GPX 文件<" in form and ">名称（选填，默认取自文件）<" in form and ">徒步<" in form
        assert english_words(form, ALLOWED) == set()
        wrong = submit(
            client,
            "/routes/new",
            {"file": (io.BytesIO(gpx_doc()), "a.kml"), "activity": "hiking"},
            headers=ZH,
            content_type="multipart/form-data",
        )
        assert "请上传 .gpx 文件。" in wrong.get_data(as_text=True)

    def test_privacy_zones_add_and_remove_in_chinese(self, client, walker):
        html = _html(client, "/me/privacy")
        assert "<b>家</b> — 以 47.37000, 8.54000 为中心，半径 400 米" in html and ">半径（米，200 到 1000）<" in html
        client.set_cookie("lang", "zh_Hans")
        refused = submit(client, "/me/privacy", {"lat": "", "lon": "8.5", "radius_m": "150"}).get_data(as_text=True)
        assert "请输入纬度。" in refused and "请输入 200 到 1000 米之间的半径。" in refused
        assert english_words(refused, ALLOWED) == set()
        added = submit(client, "/me/privacy", {"lat": "30.1", "lon": "120.1", "radius_m": "300"})
        page = client.get(added.headers["Location"]).get_data(as_text=True)
        assert "已添加隐私区域：其他人看到的你的路线将不再包含该区域附近的部分。" in page
        assert "<b>隐私区域</b> — 以 30.10000, 120.10000 为中心，半径 300 米" in page
        assert maps.script_json("隐私区域") in page  # the unnamed zone's tooltip on the map
        zone_id = db.session.scalar(select(PrivacyZone.id).where(PrivacyZone.name == ""))
        removed = submit(client, f"/me/privacy/{zone_id}/delete", {}, page="/me/privacy")
        assert "已删除隐私区域。" in client.get(removed.headers["Location"]).get_data(as_text=True)

    def test_the_scripts_get_their_words_and_plurals_in_chinese(self, client, walker):
        zh, en = _messages(_html(client, "/explore")), _messages(_html(client, "/explore", EN))
        assert zh["%(num)s km"] == "%(num)s 公里" and zh["%(num)s m"] == "%(num)s 米"
        assert zh["Chosen: %(name)s"] == "已选择：%(name)s" and zh["Searching…"] == "正在搜索…"
        assert zh["meeting point %(number)s: %(name)s"] == "集合点 %(number)s：%(name)s"
        assert zh["%(num)s outing"] == ["%(num)s 个活动", "%(num)s 个活动"]
        assert en["%(num)s outing"] == ["%(num)s outing", "%(num)s outings"]
        assert zh["%(num)s spot left"] == ["剩余 %(num)s 个名额"] * 2 and zh["trail running"] == "越野跑"
        assert zh["Location unavailable"] == "无法获取位置" and zh["Update my location"] == "更新我的位置"
        assert zh["Zoom in"] == "放大" and zh["The chosen place"] == "所选位置"  # the place picker's own map
        assert zh["A JavaScript library for interactive maps"] == "开源的交互式地图库"

    def test_a_meeting_point_suggestion_gives_its_reason_in_chinese(self, client, walker):
        event_id = db.session.scalar(
            select(Event.id).join(Group).where(Event.title == "龙井夜跑", Group.name == "西湖徒步队")
        )
        token = client.post("/api/v1/tokens", json={"email": walker.email, "password": factories.PASSWORD})
        headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
        path = f"/api/v1/events/{event_id}/meeting-points/suggestions"
        reasons = [s["reason"] for s in client.get(path, headers={**headers, **ZH}).get_json()]
        assert reasons[0] in ("路线的起点。", "活动的起点。")
        assert client.get(path, headers={**headers, **EN}).get_json()[0]["reason"].startswith("The ")


class TestEnglishStaysAsItWas:
    def test_explore_in_english(self, client, walker):
        html = _html(client, f"/explore?{NEAR}", EN)
        assert "Nearest first from <strong>your location</strong>." in html and "1 spot left" in html
        assert "12 spots left" in html and 'aria-label="Map of outings"' in html and "moderate" in html
        assert re.search(r'class="distance">\d+\.\d km<', html) and "Page 1" in html and "Next →" in html
        routes_html = _html(client, f"/explore?{NEAR}&what=routes", EN)
        assert re.search(
            r"passes \d+\.\d km away</span>, \d+\.\d km from its start\s+· trail running · \d+\.\d km long", routes_html
        )
        groups = _html(client, f"/explore?{NEAR}&what=groups", EN)
        assert "1 member<" in groups and "trail running" in groups

    def test_the_route_page_in_english(self, client, walker):
        html = _html(client, f"/routes/{walker.route_id}", EN)
        assert "<span>Distance</span>" in html and "<span>Estimated time</span>" in html and "Download GPX" in html
        assert "<title>Elevation profile</title>" in html and "max 120 m</text>" in html and "min 10 m</text>" in html
        assert "<li>Start: 30.25000, 120.15000</li>" in html and "<li>Waypoints: 茶园</li>" in html
        assert '"imperial": true' in html and maps.script_json("Zoom in") in html

    def test_privacy_zones_and_my_routes_in_english(self, client, walker):
        assert "<b>家</b> — 400 m around 47.37000, 8.54000" in _html(client, "/me/privacy", EN)
        assert re.search(r"trail running · [\d.]+ km · ↗ \d+ m\s+· about \d", _html(client, "/routes/mine", EN))


class TestPureMapBuildersTakeTheirWords:
    def test_a_meeting_points_popup_says_the_given_label(self):
        point = {"lat": 46.5, "lon": 7.9, "name": "停车场", "notes": "", "number": 2}
        line = [(7.9, 46.5, None), (7.91, 46.51, None)]
        default = maps.render(maps.route_map([line], meeting_points=[point]), ASSET_URLS).script_js
        chinese = maps.render(
            maps.route_map([line], meeting_points=[point], meeting_label="集合点 %(number)s"), ASSET_URLS
        ).script_js
        assert maps.script_json(["Meeting point 2"]) in default and maps.script_json(["集合点 2"]) in chinese

    def test_the_profile_uses_the_given_words(self):
        words = ProfileWords(
            description="距离 %(distance)s；海拔从 %(low)s 到 %(high)s。",
            km="%(num)s 公里",
            metres="%(num)s 米",
            highest="最高 %(elevation)s",
            lowest="最低 %(elevation)s",
        )
        svg = elevation_svg([(0, 120.4), (1000, 890.6), (2000, 300)], title="海拔剖面", words=words)
        assert "最高 891 米</text>" in svg and "最低 120 米</text>" in svg and ">2.0 公里</text>" in svg
        assert "<desc>距离 2.0 公里；海拔从 120 米 到 891 米。</desc>" in svg
        assert "max 891 m" in elevation_svg([(0, 120.4), (1000, 890.6), (2000, 300)])

    def test_the_controls_take_the_words_and_replace_folium_s_scale(self):
        m = maps.point_map(30.0, 120.0, label="x", tiles=None)
        maps.label_controls(m, maps.ControlWords(zoom_in="放大", zoom_out="缩小", imperial=False))
        script = maps.render(m, ASSET_URLS).script_js
        assert maps.script_json("放大") in script and '"imperial": false' in script
        assert "L.control.scale()" not in script and "_updateMetric" in script


ASSET_URLS = {
    "leaflet.js": "/static/vendor/leaflet/leaflet.js",
    "leaflet.css": "/static/vendor/leaflet/leaflet.css",
    "jquery.js": "/static/vendor/jquery.js",
    "markercluster.js": "/static/vendor/markercluster.js",
    "markercluster.css": "/static/vendor/markercluster.css",
    "markercluster.default.css": "/static/vendor/markercluster.default.css",
}
