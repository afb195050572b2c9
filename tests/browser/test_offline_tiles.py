"""With tiles configured but the tile server out of reach, maps still draw and the console stays clean."""

import pytest

pytestmark = pytest.mark.browser


def test_maps_get_blank_tiles_and_no_console_errors_when_the_tile_server_is_unreachable(
    open_context, live_app, tmp_path, monkeypatch
):
    monkeypatch.setitem(live_app.app.config, "TILES_URL", "http://127.0.0.1:9/{z}/{x}/{y}.png")  # refused
    monkeypatch.setitem(live_app.app.config, "TILES_CACHE_DIR", str(tmp_path))
    context, page, watch = open_context()
    tile_answers = []
    page.on("response", lambda response: "/tiles/" in response.url and tile_answers.append(response.status))
    for path in ("/", "/explore"):
        watch.clear()
        assert page.goto(live_app.base + path).ok
        page.wait_for_function("() => document.querySelectorAll('img.leaflet-tile-loaded').length >= 4")
        assert watch.problems() == [], f"{path}: {watch.problems()}"
    assert tile_answers and set(tile_answers) == {200}
    assert not any(tmp_path.iterdir()), "nothing was cached from a server that never answered"
