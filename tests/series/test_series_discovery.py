"""Discovery lists a series once, at its next occurrence, labelled with how it repeats."""

from __future__ import annotations

from tests.series.conftest import BERLIN, bearer, create, next_weekday, soon


def _series(client, cast) -> dict:
    starts = next_weekday(5, soon(), 9, BERLIN)
    first = create(client, cast, starts, "FREQ=WEEKLY;BYDAY=SA;COUNT=8").get_json()
    return client.get(f"/api/v1/series/{first['series_id']}").get_json()


def _ids(features: list[dict], series_id: int) -> list[tuple[int, str]]:
    return [
        (f["properties"]["id"], f["properties"]["repeats"])
        for f in features
        if f["properties"].get("series_id") == series_id
    ]


def test_nearby_and_the_map_show_the_next_occurrence_once(client, cast):
    series = _series(client, cast)
    ids = [o["id"] for o in series["occurrences"]]
    near = client.get("/api/v1/events/nearby?lat=52.52&lon=13.40&radius_km=5").get_json()["features"]
    assert _ids(near, series["id"]) == [(ids[0], "every Saturday")]
    box = client.get("/api/v1/events?bbox=13.3,52.4,13.5,52.6").get_json()["features"]
    assert _ids(box, series["id"]) == [(ids[0], "every Saturday")]
    client.post(f"/api/v1/events/{ids[0]}/cancel", headers=bearer(cast.organiser))
    near = client.get("/api/v1/events/nearby?lat=52.52&lon=13.40&radius_km=5").get_json()["features"]
    assert _ids(near, series["id"]) == [(ids[1], "every Saturday")]


def test_a_later_window_shows_the_first_occurrence_in_it(client, cast):
    series = _series(client, cast)
    third = series["occurrences"][2]
    day = third["starts_at"][:10]
    to = day
    near = client.get(f"/api/v1/events/nearby?lat=52.52&lon=13.40&radius_km=5&from={day}&to={to}").get_json()
    assert _ids(near["features"], series["id"]) == [(third["id"], "every Saturday")]


def test_words_and_the_pages_label_it_in_the_readers_language(client, cast):
    series = _series(client, cast)
    hits = client.get("/api/v1/search?q=Saturday ride").get_json()["features"]
    assert _ids(hits, series["id"]) == [(series["occurrences"][0]["id"], "every Saturday")]
    page = client.get("/explore?lat=52.52&lon=13.40&radius_km=5").get_data(as_text=True)
    assert page.count('<span class="repeats">every Saturday</span>') == 1
    chinese = client.get("/explore?lat=52.52&lon=13.40&radius_km=5", headers={"Accept-Language": "zh-CN"})
    assert '<span class="repeats">每周六</span>' in chinese.get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    first, *later = [o["id"] for o in series["occurrences"]]
    assert f'href="/events/{first}">Saturday ride</a> <span class="repeats">every Saturday</span>' in home
    assert not any(f'href="/events/{event_id}"' in home for event_id in later)
