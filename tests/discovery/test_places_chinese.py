"""Place search in Chinese, offline: GET /api/v1/places finds Chinese city names in the gazetteer (the test app has
no geocoder URL) and the app's own places named in Chinese by any part of their name."""

import pytest

from planner.extensions import db
from planner.geo import gpx, gpx_export
from planner.services import meeting_points, routes
from tests import factories
from tests.community.conftest import LINE_START, make_cast

URL = "/api/v1/places"
CITIES = [  # (query, gazetteer name, lon, lat)
    ("杭州", "Hangzhou", 120.16, 30.29),
    ("北京", "Beijing", 116.40, 39.91),
    ("深圳", "Shenzhen", 114.07, 22.55),
    ("上海", "Shanghai", 121.46, 31.22),
    ("成都", "Chengdu", 104.07, 30.67),
]


def features(response) -> list[dict]:
    """The answer's features, after checking it is a 200."""
    assert response.status_code == 200, response.get_json()
    return response.get_json()["features"]


def own(response) -> dict[str, str]:
    """name -> kind of the answer's own places (source planner)."""
    return {
        f["properties"]["name"]: f["properties"]["kind"]
        for f in features(response)
        if f["properties"]["source"] == "planner"
    }


def chinese_route_gpx() -> bytes:
    """A line due north from LINE_START named 苏堤春晓, with a waypoint 花港观鱼 on it."""
    lats = tuple(LINE_START[0] + i * 0.001 for i in range(101))
    segment = gpx.Segment(lats=lats, lons=(LINE_START[1],) * 101, eles_m=(8.0,) * 101, times=(None,) * 101)
    mark = gpx.Waypoint(lat=30.23, lon=LINE_START[1], ele_m=None, name="花港观鱼", description="看锦鲤")
    return gpx_export.build_gpx("苏堤春晓晨跑线", [segment], [mark])


@pytest.fixture
def chinese_places(ctx):
    """A public group 西湖夜跑团 with an outing meeting at 断桥残雪, and its route with a Chinese waypoint."""
    cast = make_cast(name="西湖夜跑团")
    event = factories.event(cast.group, title="周三夜跑")
    meeting_points.add(event.id, cast.owner, {"name": "断桥残雪 集合点", "lat": 30.2592, "lon": 120.1517})
    routes.import_gpx(cast.owner.id, chinese_route_gpx(), activity="running", group_id=cast.group.id)
    db.session.commit()
    return cast


class TestChineseCityNames:
    @pytest.mark.parametrize(("query", "name", "lon", "lat"), CITIES)
    def test_the_offline_gazetteer_finds_the_city_first(self, client, ctx, query, name, lon, lat):
        (first, *_) = features(client.get(URL, query_string={"q": query}))
        assert first["properties"] == {"name": name, "kind": "city", "country": "CN", "source": "gazetteer"}
        assert first["geometry"]["coordinates"] == pytest.approx([lon, lat], abs=0.2)

    def test_the_city_suffix_and_surrounding_spaces_are_fine(self, client, ctx):
        assert features(client.get(URL, query_string={"q": "  杭州市 "}))[0]["properties"]["name"] == "Hangzhou"

    def test_no_geocoder_is_asked(self, app, client, ctx):
        assert not app.config["GEOCODER_URL"]
        sources = {f["properties"]["source"] for f in features(client.get(URL, query_string={"q": "成都"}))}
        assert sources == {"gazetteer"}


class TestOwnPlacesNamedInChinese:
    @pytest.mark.parametrize(
        ("query", "name", "kind"),
        [
            ("断桥", "断桥残雪 集合点", "meeting_point"),
            ("集合点", "断桥残雪 集合点", "meeting_point"),
            ("西湖夜跑团", "西湖夜跑团", "group"),
            ("夜跑", "西湖夜跑团", "group"),
            ("苏堤", "苏堤春晓晨跑线", "route"),
            ("晨跑", "苏堤春晓晨跑线", "route"),
            ("花港", "花港观鱼", "waypoint"),
            ("观鱼", "花港观鱼", "waypoint"),
        ],
    )
    def test_a_chinese_substring_finds_it(self, client, chinese_places, query, name, kind):
        assert own(client.get(URL, query_string={"q": query})).get(name) == kind

    def test_own_places_come_before_the_city_of_the_same_name(self, client, chinese_places):
        chinese_places.group.name = "杭州西湖夜跑团"
        db.session.commit()
        found = features(client.get(URL, query_string={"q": "杭州"}))
        assert [f["properties"]["name"] for f in found[:2]] == ["杭州西湖夜跑团", "Hangzhou"]
        assert [f["properties"]["source"] for f in found[:2]] == ["planner", "gazetteer"]

    def test_the_coordinates_are_the_places_own(self, client, chinese_places):
        (point,) = [
            f for f in features(client.get(URL, query_string={"q": "断桥"})) if f["properties"]["source"] == "planner"
        ]
        assert point["geometry"]["coordinates"] == pytest.approx([120.1517, 30.2592], abs=0.001)

    def test_a_chinese_name_that_is_nowhere_finds_nothing(self, client, chinese_places):
        assert own(client.get(URL, query_string={"q": "雷峰塔夜骑"})) == {}
